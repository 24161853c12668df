package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st := memstore.New()
	k, token, err := auth.NewKey(auth.RolePartner, "ptn_1", "", "main", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	dis, disToken, _ := auth.NewKey(auth.RoleRep, "", "rep-1", "r", now)
	dis.Status = auth.KeyDisabled
	_ = st.PutKey(ctx, dis)
	a := auth.Authenticator{Keys: st}

	p, err := a.Authenticate(ctx, "Bearer "+token)
	if err != nil || p.PartnerID != "ptn_1" || p.Role != auth.RolePartner || p.KeyID != k.ID {
		t.Fatalf("valid key: %+v %v", p, err)
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(token, "plk_"), ".")
	bad := []struct{ name, header string }{
		{"empty", ""},
		{"no scheme", token},
		{"basic scheme", "Basic " + token},
		{"garbage", "Bearer hello"},
		{"right id, wrong secret", "Bearer plk_" + id + "." + strings.Repeat("A", 43)},
		{"unknown id", "Bearer plk_" + strings.Repeat("0", 26) + "." + strings.Repeat("A", 43)},
		{"disabled", "Bearer " + disToken},
	}
	for _, b := range bad {
		if _, err := a.Authenticate(ctx, b.header); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("%s: err = %v", b.name, err)
		}
	}
	if _, err := st.SetKeyStatus(ctx, k.ID, auth.KeyRevoked, now); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, "Bearer "+token); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("revoked key still works: %v", err)
	}
}

func TestNewKeyRules(t *testing.T) {
	t.Parallel()
	now := time.Now()
	if _, _, err := auth.NewKey(auth.RolePartner, "", "", "", now); err == nil {
		t.Error("partner key without partner")
	}
	if _, _, err := auth.NewKey(auth.RoleAdmin, "ptn_1", "", "", now); err == nil {
		t.Error("admin key bound to a partner")
	}
	k1, t1, _ := auth.NewKey(auth.RoleAdmin, "", "", "", now)
	k2, t2, _ := auth.NewKey(auth.RoleAdmin, "", "", "", now)
	if k1.ID == k2.ID || t1 == t2 || k1.Hash == k2.Hash || strings.Contains(k1.Hash, t1) {
		t.Error("keys are not unique or the hash leaks the token")
	}
}

func TestCanSeeLead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p    auth.Principal
		want bool
	}{
		{auth.Principal{Role: auth.RolePartner, PartnerID: "a"}, true},
		{auth.Principal{Role: auth.RolePartner, PartnerID: "b"}, false},
		{auth.Principal{Role: auth.RolePartner}, false},
		{auth.Principal{Role: auth.RoleRep, SubjectID: "rep-1"}, true},
		{auth.Principal{Role: auth.RoleRep, SubjectID: "rep-2"}, false},
		{auth.Principal{Role: auth.RoleManager}, true},
		{auth.Principal{Role: auth.RoleAdmin}, true},
		{auth.Principal{Role: auth.RoleFinance}, false},
	}
	for _, tt := range tests {
		if got := tt.p.CanSeeLead("a", "rep-1"); got != tt.want {
			t.Errorf("%+v: CanSeeLead = %v", tt.p, got)
		}
	}
}

type countingKeys struct {
	auth.KeyStore
	reads int
}

func (c *countingKeys) GetKey(ctx context.Context, id string) (auth.Key, error) {
	c.reads++
	return c.KeyStore.GetKey(ctx, id)
}

// Made-up keys cost one read per id and TTL; real keys are read every time,
// so a revocation still applies at once.
func TestUnknownKeysAreCheap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	k, token, _ := auth.NewKey(auth.RolePartner, "p1", "", "p", now)
	mem := memstore.New()
	_ = mem.PutKey(ctx, k)
	keys := &countingKeys{KeyStore: mem}
	a := auth.Authenticator{Keys: keys, Misses: auth.NewMissCache(time.Minute, 100, clock)}
	fake := "Bearer plk_01kzzzzzzzzzzzzzzzzzzzzzzz." + strings.Repeat("x", 43)
	for range 50 {
		if _, err := a.Authenticate(ctx, fake); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Fatalf("a made-up key: %v", err)
		}
	}
	if keys.reads != 1 {
		t.Fatalf("50 requests with one made-up key read the store %d times, want 1", keys.reads)
	}
	now = now.Add(2 * time.Minute)
	_, _ = a.Authenticate(ctx, fake)
	if keys.reads != 2 {
		t.Fatalf("after the TTL: %d reads, want 2", keys.reads)
	}
	for range 3 {
		if _, err := a.Authenticate(ctx, "Bearer "+token); err != nil {
			t.Fatal(err)
		}
	}
	if keys.reads != 5 {
		t.Fatalf("a real key is read on every request: %d reads, want 5", keys.reads)
	}
}

type countingUses struct {
	memstore.KeyUses
	marks int
}

func (c *countingUses) MarkKeyUsed(ctx context.Context, id string, at, since time.Time) error {
	c.marks++
	return c.KeyUses.MarkKeyUsed(ctx, id, at, since)
}

// A key's last use is written once an hour, not on every request.
func TestAKeysLastUseIsMarkedHourly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	k, token, _ := auth.NewKey(auth.RolePartner, "p1", "", "p", now)
	mem := memstore.New()
	_ = mem.PutKey(ctx, k)
	uses := &countingUses{}
	a := auth.Authenticator{Keys: mem, Uses: &auth.UseMarker{Store: uses, Now: func() time.Time { return now }}}
	use := func(tok string) error {
		_, err := a.Authenticate(ctx, "Bearer "+tok)
		return err
	}
	last := func() any {
		keys, _ := auth.WithLastUse(ctx, uses, []auth.Key{k})
		if keys[0].LastUsedAt == nil {
			return nil
		}
		return *keys[0].LastUsedAt
	}
	for range 5 {
		if err := use(token); err != nil {
			t.Fatal(err)
		}
	}
	if uses.marks != 1 || last() != now {
		t.Fatalf("after 5 requests: %d marks, last use %v; want 1 mark at %v", uses.marks, last(), now)
	}
	first := now
	now = now.Add(59 * time.Minute)
	_ = use(token)
	if uses.marks != 1 || last() != first {
		t.Fatalf("59 minutes on: %d marks, last use %v; want still 1 at %v", uses.marks, last(), first)
	}
	now = now.Add(2 * time.Minute)
	_ = use(token)
	if uses.marks != 2 || last() != now {
		t.Fatalf("61 minutes on: %d marks, last use %v; want 2 marks, the last at %v", uses.marks, last(), now)
	}
	now = now.Add(2 * time.Hour)
	if err := use(token + "x"); err == nil || uses.marks != 2 {
		t.Fatalf("a wrong token: %v, %d marks; want refused and unmarked", err, uses.marks)
	}
}
