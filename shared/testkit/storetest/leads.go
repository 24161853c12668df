// Package storetest is the one conformance suite for the storage
// interfaces: the in-memory fake runs it in unit tests, the DynamoDB adapter
// runs it against the emulator, so the two keep the same behaviour.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// LeadStore is the store under test; History reads back a lead's entries.
type LeadStore interface {
	intake.Store
	lead.HeadLister
	History(ctx context.Context, id string) ([]lead.Entry, error)
}

// Unique returns a random suffix so runs against a shared table never meet.
func Unique(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

var t0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// creation builds a valid Creation for partner with one email identity.
func creation(partner, email string, at time.Time) intake.Creation {
	id := ulid.MustNew(ulid.Timestamp(at), rand.Reader).String()
	keys := []lead.IdentityKey{lead.NewIdentityKey(lead.IdentityEmail, email)}
	l := lead.Lead{
		ID: id, PartnerID: partner, Status: lead.StatusNew, Version: 1, ReceivedAt: at, UpdatedAt: at,
		Contact: lead.Contact{Name: "N", Email: email}, Company: lead.Company{Name: "C", TaxID: "11222333000181"},
		Location: lead.Location{Country: "BR"}, Consent: lead.Consent{LGPD: true},
		EstimatedValue: &lead.Money{Amount: 12345, Currency: "BRL"}, Identity: keys,
	}
	return intake.Creation{
		Lead:  l,
		Entry: lead.Entry{LeadID: id, Seq: 1, At: at, Actor: lead.Actor{ID: partner, Role: "partner"}, Change: lead.ChangeCreated, To: lead.StatusNew}.Seal(""),
		Claims: []lead.Claim{{Key: keys[0], LeadID: id, PartnerID: partner, Open: true,
			ProtectedUntil: at.Add(90 * 24 * time.Hour)}},
		Now: at,
	}
}

// RunLeadStore runs the suite; newStore returns the store to test.
func RunLeadStore(t *testing.T, newStore func(t *testing.T) LeadStore) {
	ctx := context.Background()

	t.Run("create then get and history", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		c := creation(Unique("p"), Unique("e")+"@x.com", t0)
		if err := st.Create(ctx, c); err != nil {
			t.Fatalf("Create: %v", err)
		}
		got, err := st.Get(ctx, c.Lead.ID)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if got.PartnerID != c.Lead.PartnerID || got.Contact != c.Lead.Contact || !got.UpdatedAt.Equal(t0) ||
			*got.EstimatedValue != *c.Lead.EstimatedValue || !slices.Equal(got.Identity, c.Lead.Identity) || got.Version != 1 {
			t.Fatalf("Get = %+v, want %+v", got, c.Lead)
		}
		h, err := st.History(ctx, c.Lead.ID)
		if err != nil || len(h) != 1 || h[0].Hash != c.Entry.Hash || lead.VerifyChain(h) != -1 {
			t.Fatalf("History = %+v, %v", h, err)
		}
	})

	t.Run("chain heads are every lead's newest entry", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		first := creation(Unique("p"), Unique("e")+"@x.com", t0)
		later := creation(Unique("p"), Unique("e")+"@x.com", t0)
		later.Lead.Version, later.Entry.Seq = 3, 3 // as if two changes followed
		later.Entry = later.Entry.Seal("prev")
		want := map[string]lead.Head{}
		for _, c := range []intake.Creation{first, later} {
			if err := st.Create(ctx, c); err != nil {
				t.Fatal(err)
			}
			want[c.Lead.ID] = lead.Head{LeadID: c.Lead.ID, Seq: c.Entry.Seq, Hash: c.Entry.Hash}
		}
		got := map[string]lead.Head{}
		if err := st.Heads(ctx, func(h lead.Head) error { got[h.LeadID] = h; return nil }); err != nil {
			t.Fatalf("Heads: %v", err)
		}
		for id, w := range want {
			if got[id] != w {
				t.Fatalf("head of %s: got %+v, want %+v", id, got[id], w)
			}
		}
	})

	t.Run("unknown lead is not found", func(t *testing.T) {
		t.Parallel()
		if _, err := newStore(t).Get(ctx, Unique("nope")); !errors.Is(err, lead.ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	})

	t.Run("claims block by rule and write nothing", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		a, b, email := Unique("a"), Unique("b"), Unique("e")+"@x.com"
		first := creation(a, email, t0)
		if err := st.Create(ctx, first); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name    string
			c       intake.Creation
			blocked bool
		}{
			{"same partner", creation(a, email, t0.Add(time.Hour)), true},
			{"other partner inside window", creation(b, email, t0.Add(89*24*time.Hour)), true},
			{"same partner after window", creation(a, email, t0.Add(91*24*time.Hour)), true},
			{"other partner after window", creation(b, email, t0.Add(91*24*time.Hour)), false},
		}
		for _, tc := range cases {
			err := st.Create(ctx, tc.c)
			var cce *intake.ClaimConflictError
			if tc.blocked != errors.As(err, &cce) {
				t.Fatalf("%s: err = %v, blocked want %v", tc.name, err, tc.blocked)
			}
			if tc.blocked {
				if len(cce.Keys) != 1 || cce.Keys[0] != tc.c.Claims[0].Key {
					t.Fatalf("%s: conflict keys %+v", tc.name, cce.Keys)
				}
				if _, err := st.Get(ctx, tc.c.Lead.ID); !errors.Is(err, lead.ErrNotFound) {
					t.Fatalf("%s: a refused lead was stored (%v)", tc.name, err)
				}
			} else if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
		}
		claims, err := st.Claims(ctx, first.Lead.Identity)
		if err != nil || len(claims) != 1 || claims[0].PartnerID != b {
			t.Fatalf("after the window the newer registration holds the claim: %+v %v", claims, err)
		}
	})

	t.Run("idempotency record guards its key until it expires", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		p, key := Unique("p"), Unique("k")
		rec := func(c intake.Creation, exp time.Time) intake.Creation {
			c.Idempotency = &intake.IdempotencyRecord{PartnerID: p, Key: key, Fingerprint: "f1", LeadID: c.Lead.ID, ReceivedAt: c.Now, ExpiresAt: exp}
			return c
		}
		first := rec(creation(p, Unique("e")+"@x.com", t0), t0.Add(24*time.Hour))
		if err := st.Create(ctx, first); err != nil {
			t.Fatal(err)
		}
		got, ok, err := st.Idempotency(ctx, p, key)
		if err != nil || !ok || got.LeadID != first.Lead.ID || got.Fingerprint != "f1" || !got.ExpiresAt.Equal(t0.Add(24*time.Hour)) {
			t.Fatalf("Idempotency = %+v %v %v", got, ok, err)
		}
		again := rec(creation(p, Unique("e")+"@x.com", t0.Add(time.Hour)), t0.Add(25*time.Hour))
		if err := st.Create(ctx, again); !errors.Is(err, intake.ErrIdempotencyKeyTaken) {
			t.Fatalf("err = %v, want ErrIdempotencyKeyTaken", err)
		}
		if _, err := st.Get(ctx, again.Lead.ID); !errors.Is(err, lead.ErrNotFound) {
			t.Fatal("a refused lead was stored")
		}
		late := rec(creation(p, Unique("e")+"@x.com", t0.Add(25*time.Hour)), t0.Add(49*time.Hour))
		if err := st.Create(ctx, late); err != nil {
			t.Fatalf("expired key must be reusable: %v", err)
		}
		if _, ok, _ := st.Idempotency(ctx, Unique("other"), key); ok {
			t.Fatal("another partner sees the key")
		}
	})

	t.Run("concurrent creates of one identity store exactly one", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		email := Unique("e") + "@x.com"
		const n = 20
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			won     int
			blocked int
		)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := st.Create(ctx, creation(Unique("p")+string(rune('a'+i)), email, t0))
				var cce *intake.ClaimConflictError
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
				case errors.As(err, &cce):
					blocked++
				default:
					t.Errorf("Create: %v", err)
				}
			}()
		}
		wg.Wait()
		if won != 1 || blocked != n-1 {
			t.Fatalf("won %d, blocked %d; want 1 and %d", won, blocked, n-1)
		}
	})

	t.Run("list pages by update time, filters, and stays in its partner", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		p, other := Unique("p"), Unique("o")
		var want []string
		for i := range 7 {
			c := creation(p, Unique("e")+"@x.com", t0.Add(time.Duration(i)*time.Minute))
			if err := st.Create(ctx, c); err != nil {
				t.Fatal(err)
			}
			want = append(want, c.Lead.ID)
		}
		if err := st.Create(ctx, creation(other, Unique("e")+"@x.com", t0)); err != nil {
			t.Fatal(err)
		}
		var got []string
		q := intake.ListQuery{PartnerID: p, Limit: 3}
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("pagination does not end")
			}
			page, err := st.List(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range page.Leads {
				got = append(got, l.ID)
			}
			if page.NextCursor == "" {
				break
			}
			q.Cursor = page.NextCursor
		}
		if !slices.Equal(got, want) {
			t.Fatalf("listed %v, want %v", got, want)
		}
		since, err := st.List(ctx, intake.ListQuery{PartnerID: p, Limit: 50, UpdatedSince: t0.Add(5 * time.Minute)})
		if err != nil || len(since.Leads) != 2 {
			t.Fatalf("updatedSince: %d leads, %v", len(since.Leads), err)
		}
		byStatus, err := st.List(ctx, intake.ListQuery{PartnerID: p, Limit: 50, Status: lead.StatusWon})
		if err != nil || len(byStatus.Leads) != 0 {
			t.Fatalf("status filter: %d leads, %v", len(byStatus.Leads), err)
		}
		news, err := st.List(ctx, intake.ListQuery{PartnerID: p, Limit: 50, Status: lead.StatusNew})
		if err != nil || len(news.Leads) != 7 {
			t.Fatalf("status new: %d leads, %v", len(news.Leads), err)
		}
		if _, err := st.List(ctx, intake.ListQuery{PartnerID: p, Limit: 5, Cursor: "!!garbage"}); !errors.Is(err, intake.ErrInvalidCursor) {
			t.Fatalf("bad cursor: %v", err)
		}
	})

	t.Run("a rep's leads by status, oldest update first, and only its own", func(t *testing.T) {
		t.Parallel()
		st := newStore(t)
		p, rep, other := Unique("p"), Unique("rep"), Unique("rep")
		owned := func(owner string, s lead.Status, at time.Time) string {
			c := creation(p, Unique("e")+"@x.com", at)
			c.Lead.OwnerID, c.Lead.Status = owner, s
			if err := st.Create(ctx, c); err != nil {
				t.Fatal(err)
			}
			return c.Lead.ID
		}
		later := owned(rep, lead.StatusContacted, t0.Add(time.Minute))
		first := owned(rep, lead.StatusContacted, t0)
		proposal := owned(rep, lead.StatusProposal, t0)
		owned(other, lead.StatusContacted, t0)
		ids := func(s lead.Status, limit int) []string {
			ls, err := st.Owned(ctx, rep, s, limit)
			if err != nil {
				t.Fatalf("Owned(%s): %v", s, err)
			}
			out := []string{}
			for _, l := range ls {
				out = append(out, l.ID)
			}
			return out
		}
		for _, c := range []struct {
			status lead.Status
			limit  int
			want   []string
		}{
			{lead.StatusContacted, 10, []string{first, later}},
			{lead.StatusContacted, 1, []string{first}},
			{lead.StatusProposal, 10, []string{proposal}},
			{lead.StatusWon, 10, []string{}},
		} {
			if got := ids(c.status, c.limit); !slices.Equal(got, c.want) {
				t.Errorf("Owned(%s, limit %d) = %v, want %v", c.status, c.limit, got, c.want)
			}
		}
	})
}
