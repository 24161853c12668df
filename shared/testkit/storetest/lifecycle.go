package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

// LifecycleStore is a store the lifecycle and the router both commit to.
type LifecycleStore interface {
	RouterStore
	lifecycle.Store
}

// RunLifecycle checks status changes, their side effects and the feed.
func RunLifecycle(t *testing.T, st LifecycleStore) {
	ctx := context.Background()
	clock := func() time.Time { return tuesday10 }
	mgr := auth.Principal{KeyID: "k", Role: auth.RoleManager, SubjectID: "mgr-1"}

	// assigned creates a lead of partner p with email and routes it to a fresh rep.
	assigned := func(t *testing.T, p, email string) (lead.Lead, string) {
		t.Helper()
		cfg := memstore.New()
		rep := Unique("rep-")
		_ = cfg.PutRep(ctx, suiteRep(rep, 1, 10, false))
		_ = cfg.AddRuleSet(ctx, routing.RuleSet{Version: 1, FallbackOwner: "mgr", Scoring: routing.Scoring{GradeA: 90, GradeB: 50},
			Rules: []routing.Rule{{ID: Unique("rule-"), Pool: []string{rep}, Strategy: routing.LeastLoaded}}})
		c := creation(p, email, tuesday10)
		c.Lead.HistoryHash = c.Entry.Hash
		if err := st.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
		if _, routed, err := routing.NewService(st, cfg, clock, time.Minute).Route(ctx, c.Lead.ID); err != nil || !routed {
			t.Fatalf("route: %v %v", routed, err)
		}
		l, err := st.Get(ctx, c.Lead.ID)
		if err != nil {
			t.Fatal(err)
		}
		return l, rep
	}
	svc := lifecycle.NewService(st, clock)

	t.Run("16 concurrent updates with one If-Match: one wins", func(t *testing.T) {
		l, _ := assigned(t, Unique("p"), Unique("e")+"@x.com")
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			won, lost int
		)
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := svc.ChangeStatus(ctx, mgr, l.ID, lifecycle.Request{To: lead.StatusContacted, IfMatch: l.Version})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
				case errors.Is(err, lead.ErrVersionConflict):
					lost++
				default:
					t.Errorf("change: %v", err)
				}
			}()
		}
		wg.Wait()
		h, _ := st.History(ctx, l.ID)
		if won != 1 || lost != 15 || len(h) != 3 || lead.VerifyChain(h) != -1 {
			t.Fatalf("won %d, conflicts %d, %d entries, chain %d", won, lost, len(h), lead.VerifyChain(h))
		}
	})

	t.Run("a touch keeps the status and stores its count, entry and event", func(t *testing.T) {
		l, _ := assigned(t, Unique("p"), Unique("e")+"@x.com")
		at := tuesday10.Add(-2 * time.Hour)
		got, err := svc.LogTouch(ctx, mgr, l.ID, lifecycle.TouchRequest{Touch: lead.Touch{Channel: "meeting", Outcome: "scheduled", At: at}, Note: "n"})
		if err != nil {
			t.Fatal(err)
		}
		read, err := st.Get(ctx, l.ID)
		if err != nil || read.Touches != 1 || read.Status != l.Status || read.Version != l.Version+1 || read.Version != got.Version {
			t.Fatalf("after a touch the lead reads %+v, %v; want 1 touch, status %s, version %d", read, err, l.Status, l.Version+1)
		}
		h, _ := st.History(ctx, l.ID)
		last := h[len(h)-1]
		if last.Change != lead.ChangeTouched || last.Touch == nil || last.Touch.Channel != "meeting" || !last.Touch.At.Equal(at) || lead.VerifyChain(h) != -1 {
			t.Fatalf("the touch's entry reads %+v (chain check %d)", last, lead.VerifyChain(h))
		}
		feed, err := st.Feed(ctx, l.PartnerID, "", 10)
		if err != nil || len(feed.Events) == 0 || feed.Events[len(feed.Events)-1].Type != lead.EventLeadTouched {
			t.Fatalf("the feed after a touch: %+v, %v; want lead.touched last", feed, err)
		}
	})

	t.Run("closing frees the owner's capacity and the identity", func(t *testing.T) {
		p, email := Unique("p"), Unique("e")+"@x.com"
		l, rep := assigned(t, p, email)
		for _, to := range []lead.Status{lead.StatusContacted, lead.StatusQualified, lead.StatusProposal} {
			if _, err := svc.ChangeStatus(ctx, mgr, l.ID, lifecycle.Request{To: to}); err != nil {
				t.Fatal(err)
			}
		}
		loads, _ := st.Loads(ctx, []string{rep}, func(string) string { return "2026-03-10" })
		if loads[rep].Open != 1 {
			t.Fatalf("open count %d while proposal", loads[rep].Open)
		}
		if _, err := svc.ChangeStatus(ctx, mgr, l.ID, lifecycle.Request{To: lead.StatusLost}); !errors.Is(err, lead.ErrReasonRequired) {
			t.Fatalf("lost without reason: %v", err)
		}
		closed, err := svc.ChangeStatus(ctx, mgr, l.ID, lifecycle.Request{To: lead.StatusLost, Reason: "price", Note: "internal: competitor was 20% cheaper"})
		if err != nil || closed.Status != lead.StatusLost || closed.Version != 6 {
			t.Fatalf("close: %+v %v", closed, err)
		}
		loads, _ = st.Loads(ctx, []string{rep}, func(string) string { return "2026-03-10" })
		if loads[rep].Open != 0 {
			t.Fatalf("open count %d after close", loads[rep].Open)
		}
		again := creation(p, email, tuesday10.Add(time.Hour))
		if err := st.Create(ctx, again); err != nil {
			t.Fatalf("the identity of a closed lead is not free again: %v", err)
		}
	})

	t.Run("won keeps the deal; reopening clears it and takes the owner's capacity back", func(t *testing.T) {
		l, rep := assigned(t, Unique("p"), Unique("e")+"@x.com")
		for _, to := range []lead.Status{lead.StatusContacted, lead.StatusQualified, lead.StatusProposal} {
			if _, err := svc.ChangeStatus(ctx, mgr, l.ID, lifecycle.Request{To: to}); err != nil {
				t.Fatal(err)
			}
		}
		deal := &lead.Deal{Value: lead.Money{Amount: 5000_00, Currency: "BRL"}, ContractStart: "2026-03-10", MonthlyRecurring: &lead.Money{Amount: 100_00, Currency: "BRL"}}
		if _, err := svc.ChangeStatus(ctx, mgr, l.ID, lifecycle.Request{To: lead.StatusWon, Deal: deal}); err != nil {
			t.Fatal(err)
		}
		got, err := st.Get(ctx, l.ID)
		if err != nil || got.Deal == nil || *got.Deal.MonthlyRecurring != *deal.MonthlyRecurring || got.Deal.ContractStart != deal.ContractStart {
			t.Fatalf("stored deal: %+v %v", got.Deal, err)
		}
		if _, err := svc.ChangeStatus(ctx, mgr, l.ID, lifecycle.Request{To: lead.StatusProposal, Reason: "customer withdrew"}); err != nil {
			t.Fatal(err)
		}
		got, _ = st.Get(ctx, l.ID)
		loads, _ := st.Loads(ctx, []string{rep}, func(string) string { return "2026-03-10" })
		if got.Deal != nil || got.Status != lead.StatusProposal || loads[rep].Open != 1 {
			t.Fatalf("after reopen: deal %+v status %s open %d", got.Deal, got.Status, loads[rep].Open)
		}
	})

	t.Run("the feed gives a partner its own events in order", func(t *testing.T) {
		p := Unique("p")
		l, _ := assigned(t, p, Unique("e")+"@x.com")
		if _, err := svc.ChangeStatus(ctx, mgr, l.ID, lifecycle.Request{To: lead.StatusContacted}); err != nil {
			t.Fatal(err)
		}
		var got []string
		cursor := ""
		for range 5 {
			page, err := st.Feed(ctx, p, cursor, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range page.Events {
				got = append(got, ev.Type)
			}
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
		want := []string{lead.EventLeadCreated, lead.EventLeadAssigned, lead.EventLeadStatusChanged}
		if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Fatalf("feed %v, want %v", got, want)
		}
		if page, _ := st.Feed(ctx, Unique("other"), "", 10); len(page.Events) != 0 {
			t.Fatal("another partner sees the events")
		}
		if _, err := st.Feed(ctx, p, "!!", 10); !errors.Is(err, lead.ErrInvalidCursor) {
			t.Fatalf("bad cursor: %v", err)
		}
	})
}

// RunFeedUnderLateCommits: a reader paging the feed while writers commit
// late, out of stamp order, reads every event exactly once.
func RunFeedUnderLateCommits(t *testing.T, st LifecycleStore) {
	ctx := context.Background()
	mgr := auth.Principal{KeyID: "k", Role: auth.RoleManager, SubjectID: "mgr-1"}
	assigned := func(t *testing.T, p string) lead.Lead {
		t.Helper()
		cfg := memstore.New()
		rep := Unique("rep-")
		_ = cfg.PutRep(ctx, suiteRep(rep, 1, 10, false))
		_ = cfg.AddRuleSet(ctx, routing.RuleSet{Version: 1, FallbackOwner: "mgr",
			Rules: []routing.Rule{{ID: Unique("rule-"), Pool: []string{rep}, Strategy: routing.LeastLoaded}}})
		c := creation(p, Unique("e")+"@x.com", tuesday10)
		c.Lead.HistoryHash = c.Entry.Hash
		if err := st.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
		if _, routed, err := routing.NewService(st, cfg, func() time.Time { return tuesday10 }, time.Minute).Route(ctx, c.Lead.ID); err != nil || !routed {
			t.Fatalf("route: %v %v", routed, err)
		}
		return c.Lead
	}
	{
		p := Unique("p")
		const leads = 6
		ids := make([]string, leads)
		for i := range ids {
			ids[i] = assigned(t, p).ID
		}
		// Each change is stamped, then waits up to 2.5 s before it commits,
		// as a slow function would; changes of different leads overtake
		// each other.
		live := lifecycle.NewService(lateWriter{st}, time.Now)
		partner := auth.Principal{KeyID: "k", Role: auth.RolePartner, PartnerID: p}
		var writers sync.WaitGroup
		for _, id := range ids {
			writers.Go(func() {
				for _, to := range []lead.Status{lead.StatusContacted, lead.StatusQualified, lead.StatusProposal} {
					if _, err := live.ChangeStatus(ctx, mgr, id, lifecycle.Request{To: to}); err != nil {
						t.Errorf("%s → %s: %v", id, to, err)
						return
					}
				}
			})
		}
		seen := map[string]int{}
		cursor := ""
		read := func() {
			page, err := live.Feed(ctx, partner, cursor, 3)
			if err != nil {
				t.Fatalf("feed: %v", err)
			}
			for _, ev := range page.Events {
				seen[ev.ID]++
			}
			switch {
			case page.Next != "":
				cursor = page.Next
			case len(page.Events) > 0: // the end for now: go on after the last event
				cursor = lifecycle.EncodeCursor(lifecycle.FeedKey(page.Events[len(page.Events)-1]))
			}
		}
		done := make(chan struct{})
		go func() { writers.Wait(); close(done) }()
		for reading := true; reading; {
			select {
			case <-done:
				reading = false
			default:
				read()
				time.Sleep(50 * time.Millisecond)
			}
		}
		time.Sleep(lead.SettleWindow + time.Second)
		for range 20 {
			read()
		}
		var wrong []string
		for _, id := range ids {
			for seq := 1; seq <= 5; seq++ {
				if ev := lead.EventID(id, int64(seq)); seen[ev] != 1 {
					wrong = append(wrong, fmt.Sprintf("%s read %d times", ev, seen[ev]))
				}
			}
		}
		if len(wrong) > 0 || len(seen) != leads*5 {
			t.Fatalf("%d events read, want %d each once: %v", len(seen), leads*5, wrong)
		}
	}
}

// lateWriter commits each status change up to 2.5 s after it was stamped.
type lateWriter struct{ LifecycleStore }

func (w lateWriter) ChangeStatus(ctx context.Context, c lifecycle.Change) error {
	time.Sleep(time.Duration(rand.Int64N(int64(2500 * time.Millisecond))))
	return w.LifecycleStore.ChangeStatus(ctx, c)
}
