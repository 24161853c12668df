package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/auth"
)

// DirectoryStore is what the directory suite tests.
type DirectoryStore interface {
	auth.KeyStore
	admin.PartnerStore
	auth.PeopleStore
	RemovePerson(ctx context.Context, userID string, at time.Time) error
	RestorePerson(ctx context.Context, userID string) error
}

// RunDirectoryStore runs the key and partner suite.
func RunDirectoryStore(t *testing.T, newStore func(t *testing.T) DirectoryStore) {
	ctx := context.Background()

	t.Run("keys round-trip without their secret and revocation sticks", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		k, token, err := auth.NewKey(auth.RoleManager, "", Unique("mgr"), "Ana", t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.PutKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		got, err := st.GetKey(ctx, k.ID)
		if err != nil || got.Hash != k.Hash || got.Role != auth.RoleManager || got.Status != auth.KeyActive {
			t.Fatalf("GetKey = %+v, %v", got, err)
		}
		if got.Hash == token {
			t.Fatal("the token itself is stored")
		}
		list, err := st.ListKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, l := range list {
			found = found || l.ID == k.ID
		}
		if !found {
			t.Fatal("ListKeys misses the key")
		}
		if k2, err := st.SetKeyStatus(ctx, k.ID, auth.KeyDisabled, t0.Add(time.Minute)); err != nil || k2.Status != auth.KeyDisabled {
			t.Fatalf("disable: %+v %v", k2, err)
		}
		if _, err := st.SetKeyStatus(ctx, k.ID, auth.KeyRevoked, t0.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetKeyStatus(ctx, k.ID, auth.KeyActive, t0.Add(3*time.Minute)); !errors.Is(err, auth.ErrKeyRevoked) {
			t.Fatalf("re-enabling a revoked key: %v", err)
		}
		if _, err := st.SetKeyStatus(ctx, Unique("nokey"), auth.KeyRevoked, t0); !errors.Is(err, auth.ErrKeyNotFound) {
			t.Fatalf("unknown key: %v", err)
		}
		if _, err := st.GetKey(ctx, Unique("nokey")); !errors.Is(err, auth.ErrKeyNotFound) {
			t.Fatalf("unknown key: %v", err)
		}
	})

	t.Run("a removed person is refused until restored", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		ana, bia := Unique("user-"), Unique("user-")
		if err := st.RemovePerson(ctx, ana, t0); err != nil {
			t.Fatal(err)
		}
		authn := auth.Authenticator{Keys: st, People: st}
		claims := func(user string) map[string]string {
			return map[string]string{auth.ClaimUser: user, auth.ClaimTokenUse: "id", auth.ClaimGroups: "[manager]"}
		}
		if _, err := authn.Person(ctx, claims(ana)); !errors.Is(err, auth.ErrPersonRemoved) {
			t.Fatalf("the removed person: %v, want refused", err)
		}
		if p, err := authn.Person(ctx, claims(bia)); err != nil || p.UserID != bia {
			t.Fatalf("another person: %+v, %v", p, err)
		}
		if err := st.RestorePerson(ctx, ana); err != nil {
			t.Fatal(err)
		}
		if p, err := authn.Person(ctx, claims(ana)); err != nil || p.UserID != ana {
			t.Fatalf("the restored person: %+v, %v", p, err)
		}
	})

	t.Run("partners round-trip", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		p := admin.Partner{ID: Unique("ptn_"), Name: "Acme", CreatedAt: t0}
		if err := st.PutPartner(ctx, p); err != nil {
			t.Fatal(err)
		}
		if got, err := st.GetPartner(ctx, p.ID); err != nil || got != p {
			t.Fatalf("GetPartner = %+v, %v", got, err)
		}
		if _, err := st.GetPartner(ctx, Unique("ptn_")); !errors.Is(err, admin.ErrPartnerNotFound) {
			t.Fatalf("unknown partner: %v", err)
		}
		all, err := st.ListPartners(ctx)
		if err != nil || !slices.Contains(all, p) {
			t.Fatalf("ListPartners = %+v, %v; want it to hold %+v", all, err, p)
		}
	})
}
