package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

// RouterStore is a lead store the router can commit to.
type RouterStore interface {
	LeadStore
	routing.Store
}

// tuesday10 is inside São Paulo business hours.
var tuesday10 = time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)

func suiteRep(id string, weight, maxOpen int, onCall bool) routing.Rep {
	return routing.Rep{ID: id, Name: id, Active: true, Weight: weight, OnCall: onCall,
		Capacity: routing.Capacity{MaxOpen: maxOpen},
		Hours:    routing.WorkingHours{TimeZone: "America/Sao_Paulo", Calendar: "BR", Weekdays: []int{1, 2, 3, 4, 5}, Start: "09:00", End: "18:00"}}
}

// routeAll creates n leads and routes each twice (at-least-once delivery)
// from 8 concurrent workers; it returns the owner of every lead.
func routeAll(t *testing.T, st RouterStore, svc *routing.Service, n int) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := make([]string, n)
	partner := Unique("p")
	for i := range n {
		c := creation(partner, Unique("e")+"@x.com", tuesday10)
		c.Lead.HistoryHash = c.Entry.Hash
		if err := st.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids[i] = c.Lead.ID
	}
	work := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	routedNow := map[string]int{}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				_, routed, err := svc.Route(ctx, id)
				if err != nil {
					t.Errorf("route %s: %v", id, err)
					continue
				}
				if routed {
					mu.Lock()
					routedNow[id]++
					mu.Unlock()
				}
			}
		}()
	}
	for _, id := range append(ids, ids...) {
		work <- id
	}
	close(work)
	wg.Wait()

	owners := map[string]string{}
	for _, id := range ids {
		if routedNow[id] != 1 {
			t.Fatalf("lead %s was assigned %d times", id, routedNow[id])
		}
		l, err := st.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		h, err := st.History(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := st.Decisions(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if l.FirstContactDueAt == nil || !l.FirstContactDueAt.After(tuesday10) {
			t.Fatalf("lead %s: no first-contact due time stored (%v)", id, l.FirstContactDueAt)
		}
		if l.Status != lead.StatusAssigned || l.OwnerID == "" || l.Version != 2 || len(h) != 2 || lead.VerifyChain(h) != -1 || len(ds) != 1 || ds[0].Chosen != l.OwnerID {
			t.Fatalf("lead %s: status %s owner %q version %d, %d history entries (chain %d), %d decisions",
				id, l.Status, l.OwnerID, l.Version, len(h), lead.VerifyChain(h), len(ds))
		}
		owners[id] = l.OwnerID
	}
	return owners
}

// RunRouter checks exactly-once, capacity-safe and fair assignment under
// concurrency. The routing configuration is in memory: what is under test is
// the store's conditional commit.
func RunRouter(t *testing.T, st RouterStore, leads int) {
	ctx := context.Background()
	clock := func() time.Time { return tuesday10 }

	t.Run("capacity holds and nobody is left unowned", func(t *testing.T) {
		cfg := memstore.New()
		pool := []string{Unique("r1-"), Unique("r2-"), Unique("r3-")}
		onCall := Unique("oncall-")
		perRep := leads / 5
		for i, id := range pool {
			_ = cfg.PutRep(ctx, suiteRep(id, i+1, perRep, false))
		}
		_ = cfg.PutRep(ctx, suiteRep(onCall, 1, 1, true))
		_ = cfg.AddRuleSet(ctx, routing.RuleSet{Version: 1, FallbackOwner: "mgr", Scoring: routing.Scoring{GradeA: 90, GradeB: 50},
			Rules: []routing.Rule{{ID: Unique("rule-"), Pool: pool, Strategy: routing.WeightedRoundRobin}}})
		svc := routing.NewService(st, cfg, clock, time.Minute)
		owners := routeAll(t, st, svc, leads)
		count := map[string]int{}
		for _, o := range owners {
			count[o]++
		}
		loads, err := st.Loads(ctx, append(pool, onCall), func(string) string { return "2026-03-10" })
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range pool {
			if count[id] != perRep || loads[id].Open != perRep {
				t.Errorf("%s owns %d (counter %d), capacity %d", id, count[id], loads[id].Open, perRep)
			}
		}
		if want := leads - 3*perRep; count[onCall] != want || loads[onCall].Open != want {
			t.Errorf("on call owns %d (counter %d), want %d", count[onCall], loads[onCall].Open, want)
		}
	})

	t.Run("round-robin pointer neither skips nor repeats", func(t *testing.T) {
		cfg := memstore.New()
		weights := []int{1, 2, 3, 1, 1}
		var pool []string
		for _, w := range weights {
			id := Unique(fmt.Sprintf("w%d-", w))
			pool = append(pool, id)
			_ = cfg.PutRep(ctx, suiteRep(id, w, 1<<20, false))
		}
		rule := Unique("rule-")
		_ = cfg.AddRuleSet(ctx, routing.RuleSet{Version: 1, FallbackOwner: "mgr", Scoring: routing.Scoring{GradeA: 90, GradeB: 50},
			Rules: []routing.Rule{{ID: rule, Pool: pool, Strategy: routing.WeightedRoundRobin}}})
		svc := routing.NewService(st, cfg, clock, time.Minute)
		n := leads / 2
		owners := routeAll(t, st, svc, n)
		count := map[string]int{}
		for _, o := range owners {
			count[o]++
		}
		for i, id := range pool {
			share := float64(n) * float64(weights[i]) / 8
			if math.Abs(float64(count[id])-share) > 1 {
				t.Errorf("%s (weight %d) got %d, share %.1f", id, weights[i], count[id], share)
			}
		}
		if p, err := st.Pointer(ctx, rule); err != nil || p != int64(n) {
			t.Errorf("pointer %d after %d assignments (%v)", p, n, err)
		}
	})

	t.Run("reassignments keep counters true: capacity holds unless overridden, concurrent moves of one lead move it once", func(t *testing.T) {
		cfg := memstore.New()
		from, to := Unique("from-"), Unique("to-")
		_ = cfg.PutRep(ctx, suiteRep(from, 1, 10, false))
		_ = cfg.PutRep(ctx, suiteRep(to, 1, 2, false))
		_ = cfg.AddRuleSet(ctx, routing.RuleSet{Version: 1, FallbackOwner: from, Scoring: routing.Scoring{GradeA: 90, GradeB: 50},
			Rules: []routing.Rule{{ID: Unique("rule-"), Pool: []string{from}, Strategy: routing.LeastLoaded}}})
		svc := routing.NewService(st, cfg, clock, time.Minute)
		owners := routeAll(t, st, svc, 4)
		var ids []string
		for id := range owners {
			ids = append(ids, id)
		}
		mgr := lead.Actor{ID: "mgr", Role: "manager"}
		// Eight managers move the first lead to "to" at once: it moves once.
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() { _, _, _ = svc.Reassign(ctx, mgr, ids[0], to, "balance", false) })
		}
		wg.Wait()
		if _, _, err := svc.Reassign(ctx, mgr, ids[1], to, "balance", false); err != nil {
			t.Fatalf("second lead to %s: %v", to, err)
		}
		var full *routing.CapacityError
		if _, _, err := svc.Reassign(ctx, mgr, ids[2], to, "balance", false); !errors.As(err, &full) {
			t.Fatalf("a third lead to a rep with room for two: %v, want a capacity error", err)
		}
		if _, _, err := svc.Reassign(ctx, mgr, ids[2], to, "asked for", true); err != nil {
			t.Fatalf("override: %v", err)
		}
		loads, err := st.Loads(ctx, []string{from, to}, func(string) string { return "2026-03-10" })
		if err != nil {
			t.Fatal(err)
		}
		if loads[from].Open != 1 || loads[to].Open != 3 {
			t.Fatalf("counters: %s %d (want 1), %s %d (want 3)", from, loads[from].Open, to, loads[to].Open)
		}
		h, err := st.History(ctx, ids[0])
		if err != nil || len(h) != 3 || lead.VerifyChain(h) != -1 {
			t.Fatalf("the contended lead's history: %d entries (want 3: created, assigned, reassigned once), chain %d, %v", len(h), lead.VerifyChain(h), err)
		}
	})
}
