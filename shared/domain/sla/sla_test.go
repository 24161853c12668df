package sla_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/sla"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

var sp, _ = time.LoadLocation("America/Sao_Paulo")

func TestValidate(t *testing.T) {
	t.Parallel()
	good := sla.Default()
	cases := []struct {
		name  string
		edit  func(p *sla.Policy)
		field string
	}{
		{"default is valid", func(*sla.Policy) {}, ""},
		{"program", func(p *sla.Policy) { p.Program = "Gold Partners" }, "program"},
		{"status without an owner", func(p *sla.Policy) { p.Stages[0].Status = lead.StatusNew }, "stages[0].status"},
		{"two ladders for one status", func(p *sla.Policy) { p.Stages[1].Status = lead.StatusAssigned }, "stages[1].status"},
		{"after", func(p *sla.Policy) { p.Stages[0].Steps[0].After = "5 minutes" }, "stages[0].steps[0].after"},
		{"too many days", func(p *sla.Policy) { p.Stages[1].Steps[2].After = "91d" }, "stages[1].steps[2].after"},
		{"not increasing", func(p *sla.Policy) { p.Stages[0].Steps[1].After = "5m" }, "stages[0].steps[1].after"},
		{"a day is longer than 8 hours", func(p *sla.Policy) { p.Stages[0].Steps[1].After = "8h" }, ""},
		{"recall not last", func(p *sla.Policy) { p.Stages[0].Steps[1].Action = sla.Recall }, "stages[0].steps[1].action"},
		{"unknown action", func(p *sla.Policy) { p.Stages[0].Steps[0].Action = "shout" }, "stages[0].steps[0].action"},
		{"no steps", func(p *sla.Policy) { p.Stages[2].Steps = nil }, "stages[2].steps"},
		{"escalation address", func(p *sla.Policy) { p.EscalateTo = []string{"boss"} }, "escalateTo[0]"},
		{"time zone", func(p *sla.Policy) { p.Hours.TimeZone = "Mars/Base" }, "workingHours"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := good
			p.Stages = make([]sla.Stage, len(good.Stages))
			for i, s := range good.Stages {
				p.Stages[i] = sla.Stage{Status: s.Status, Steps: append([]sla.Step(nil), s.Steps...)}
			}
			c.edit(&p)
			err := p.Validate()
			var ve *validation.Error
			switch {
			case c.field == "" && err != nil:
				t.Fatalf("want valid, got %v", err)
			case c.field != "" && (!errors.As(err, &ve) || ve.Fields[0].Field != c.field):
				t.Fatalf("want an error on %s, got %v", c.field, err)
			}
		})
	}
}

func at(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, sp) }

func TestNext(t *testing.T) {
	t.Parallel()
	p := sla.Default()
	tue10 := at(2026, 3, 10, 10, 0)
	firstDue := tue10.Add(5 * time.Minute)
	assigned := lead.Lead{ID: "L1", PartnerID: "p", Status: lead.StatusAssigned, OwnerID: "a", Version: 2, UpdatedAt: tue10, FirstContactDueAt: &firstDue}
	friday := at(2026, 4, 17, 16, 0) // the next Tuesday, 21 April, is Tiradentes
	contacted := lead.Lead{ID: "L2", PartnerID: "p", Status: lead.StatusContacted, OwnerID: "a", Version: 3, UpdatedAt: friday}
	staleAt := func(step int) lead.Entry {
		return lead.Entry{Change: lead.ChangeStale, SLA: &lead.SLAStep{Step: step}}
	}
	cases := []struct {
		name   string
		l      lead.Lead
		change lead.Entry
		step   int
		action string
		due    time.Time
		none   bool
	}{
		{"first contact keeps routing's deadline", assigned, lead.Entry{Change: lead.ChangeAssigned}, 0, sla.Remind, firstDue, false},
		{"escalation after 2 working hours", assigned, staleAt(0), 1, sla.Escalate, tue10.Add(2 * time.Hour), false},
		{"recall one business day later", assigned, staleAt(1), 2, sla.Recall, at(2026, 3, 11, 10, 0), false},
		{"nothing after the last step", assigned, staleAt(2), 0, "", time.Time{}, true},
		{"3 business days skip the weekend and Tiradentes", contacted, lead.Entry{Change: lead.ChangeStatusChanged}, 0, sla.Remind, at(2026, 4, 23, 16, 0), false},
		{"7 business days", contacted, staleAt(0), 1, sla.Escalate, at(2026, 4, 29, 16, 0), false},
		{"closed leads wait for nothing", lead.Lead{ID: "L3", Status: lead.StatusWon, OwnerID: "a", UpdatedAt: friday}, lead.Entry{}, 0, "", time.Time{}, true},
		{"unowned leads wait for routing", lead.Lead{ID: "L4", Status: lead.StatusNew, UpdatedAt: friday}, lead.Entry{}, 0, "", time.Time{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := sla.Next(p, c.l, c.change)
			if ok == c.none {
				t.Fatalf("ok = %v, want %v (%+v)", ok, !c.none, got)
			}
			if c.none {
				return
			}
			if got.Step != c.step || got.Action != c.action || !got.DueAt.Equal(c.due) || got.Version != c.l.Version || !got.IdleSince.Equal(c.l.UpdatedAt) {
				t.Fatalf("got step %d %s due %s, want step %d %s due %s", got.Step, got.Action, got.DueAt.In(sp), c.step, c.action, c.due)
			}
		})
	}
}

// world is a memstore pipeline: leads routed to reps a and b, a tracker that
// does what the projector does on the stream, and a scanner on a fixed clock.
type world struct {
	t       *testing.T
	st      *memstore.Store
	index   *memstore.DueIndex
	now     time.Time
	router  *routing.Service
	tracker sla.Tracker
}

func newWorld(t *testing.T, start time.Time) *world {
	w := newWorldWithoutRules(t, start)
	w.saveRules()
	return w
}

// newWorldWithoutRules has the reps but no rule set yet: routing fails.
func newWorldWithoutRules(t *testing.T, start time.Time) *world {
	w := &world{t: t, st: memstore.New(), index: memstore.NewDueIndex(), now: start}
	ctx := context.Background()
	adm := routing.Admin{Store: w.st}
	for _, id := range []string{"a", "b"} {
		rep := fmt.Sprintf(`{"id":%q,"name":"R","active":true,"weight":1,"capacity":{"maxOpen":50},"onCall":true,
		  "workingHours":{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[1,2,3,4,5],"start":"09:00","end":"18:00"}}`, id)
		if _, err := adm.PutRep(ctx, id, []byte(rep)); err != nil {
			t.Fatal(err)
		}
	}
	// The config TTL is zero so that a rule set saved later is seen at once.
	w.router = routing.NewService(w.st, w.st, w.clock, 0)
	w.tracker = sla.Tracker{Policies: &sla.Resolver{Store: w.st, Now: w.clock, TTL: time.Minute}, Index: w.index}
	return w
}

func (w *world) saveRules() {
	adm := routing.Admin{Store: w.st}
	if _, err := adm.SaveRuleSet(context.Background(), []byte(`{"fallbackOwner":"a","firstContactMinutes":5,"rules":[{"id":"r","pool":["a","b"],"strategy":"least_loaded"}],"scoring":{"gradeA":80,"gradeB":40}}`), 0); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) clock() time.Time { return w.now }

// newLead stores and routes a lead, and tracks it.
func (w *world) newLead(id string) {
	if err := w.post(id); err != nil {
		w.t.Fatal(err)
	}
}

// post stores a lead, tracks it, routes it as the router would and tracks
// the result: a routing error is returned, the lead stays new.
func (w *world) post(id string) error {
	ctx := context.Background()
	l := lead.Lead{ID: id, PartnerID: "p1", Status: lead.StatusNew, Version: 1, ReceivedAt: w.now, UpdatedAt: w.now, StatusSince: w.now,
		Location: lead.Location{Country: "BR", State: "SP"}}
	e := lead.Entry{LeadID: id, Seq: 1, At: w.now, Change: lead.ChangeCreated, To: lead.StatusNew}.Seal("")
	l.HistoryHash = e.Hash
	if err := w.st.Create(ctx, intake.Creation{Lead: l, Entry: e, Now: w.now}); err != nil {
		w.t.Fatal(err)
	}
	w.track(id)
	_, _, err := w.router.Route(ctx, id)
	w.track(id)
	return err
}

// track does what the projector does with the lead's newest version.
func (w *world) track(id string) {
	ctx := context.Background()
	l, err := w.st.Get(ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	h, _ := w.st.History(ctx, id)
	if err := w.tracker.Track(ctx, l, h[len(h)-1]); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) scan() sla.Report {
	w.t.Helper()
	s := sla.Scanner{Index: w.index, Leads: w.st, Routing: w.router, Now: w.clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Limit: 100}
	r, err := s.Run(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func (w *world) last(id string) lead.Entry {
	h, _ := w.st.History(context.Background(), id)
	return h[len(h)-1]
}

func TestScannerWalksTheLadder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	start := at(2026, 3, 10, 10, 0) // a Tuesday, in working hours
	w := newWorld(t, start)
	w.newLead("L1")
	first, _ := w.st.Get(ctx, "L1")
	if first.OwnerID != "a" {
		t.Fatalf("routed to %s", first.OwnerID)
	}

	w.now = start.Add(4 * time.Minute)
	if r := w.scan(); r != (sla.Report{}) {
		t.Fatalf("before the first deadline: %+v", r)
	}

	// Step 1: remind. Two overlapping runs take it once.
	w.now = start.Add(6 * time.Minute)
	var wg sync.WaitGroup
	reports := make([]sla.Report, 2)
	for i := range reports {
		wg.Add(1)
		go func() { defer wg.Done(); reports[i] = w.scan() }()
	}
	wg.Wait()
	if got := reports[0].Reminded + reports[1].Reminded; got != 1 || reports[0].Skipped+reports[1].Skipped != 1 {
		t.Fatalf("overlapping runs: %+v %+v", reports[0], reports[1])
	}
	e := w.last("L1")
	if e.Change != lead.ChangeStale || e.SLA == nil || e.SLA.Action != sla.Remind || e.Actor != lead.ScannerActor {
		t.Fatalf("history: %+v", e)
	}
	if l, _ := w.st.Get(ctx, "L1"); !l.UpdatedAt.Equal(first.UpdatedAt) {
		t.Fatalf("a stale mark is not an update: updatedAt %s → %s", first.UpdatedAt, l.UpdatedAt)
	}
	// A repeated run before the tracker catches up skips the old step.
	if r := w.scan(); r.Skipped != 1 || r.Reminded != 0 {
		t.Fatalf("repeated run: %+v", r)
	}
	w.track("L1")
	if r := w.scan(); r.Due != 0 {
		t.Fatalf("escalation is not due yet: %+v", r)
	}

	// Step 2: escalate, two working hours after the assignment.
	w.now = start.Add(2*time.Hour + time.Minute)
	if r := w.scan(); r.Escalated != 1 {
		t.Fatalf("escalate: %+v", r)
	}
	if e := w.last("L1"); e.SLA == nil || e.SLA.Action != sla.Escalate || e.SLA.Step != 1 {
		t.Fatalf("history: %+v", e)
	}
	w.track("L1")

	// Step 3: recall one business day later: the lead goes to b, never back to a.
	w.now = at(2026, 3, 11, 10, 1)
	if r := w.scan(); r.Recalled != 1 {
		t.Fatalf("recall: %+v", r)
	}
	l, _ := w.st.Get(ctx, "L1")
	e = w.last("L1")
	if l.OwnerID != "b" || e.Change != lead.ChangeRecalled || e.SLA == nil || e.SLA.FromOwner != "a" || !l.UpdatedAt.Equal(w.now) {
		t.Fatalf("after recall: owner %s, entry %+v", l.OwnerID, e)
	}
	if w.st.OpenCount("a") != 0 || w.st.OpenCount("b") != 1 {
		t.Fatalf("loads: a=%d b=%d", w.st.OpenCount("a"), w.st.OpenCount("b"))
	}
	w.track("L1")
	p, ok := w.index.Pending("L1")
	if !ok || p.Step != 0 || p.OwnerID != "b" || !p.DueAt.Equal(w.now.Add(5*time.Minute)) {
		t.Fatalf("the ladder restarts for the new owner: %+v %v", p, ok)
	}

	// The events: one lead.stale per reminder and escalation, one lead.recalled.
	page, _ := w.st.Feed(ctx, "p1", "", 100)
	var types []string
	for _, ev := range page.Events {
		types = append(types, ev.Type)
	}
	want := fmt.Sprint([]string{lead.EventLeadCreated, lead.EventLeadAssigned, lead.EventLeadStale, lead.EventLeadStale, lead.EventLeadRecalled})
	if fmt.Sprint(types) != want {
		t.Fatalf("events %v, want %v", types, want)
	}

	// A real update restarts the ladder on the contacted rung; closing takes
	// the lead out of the index.
	rep := auth.Principal{Role: auth.RoleRep, SubjectID: "b"}
	lc := lifecycle.NewService(w.st, w.clock)
	if _, err := lc.ChangeStatus(ctx, rep, "L1", lifecycle.Request{To: lead.StatusContacted}); err != nil {
		t.Fatal(err)
	}
	w.track("L1")
	if p, _ := w.index.Pending("L1"); p.Action != sla.Remind || !p.DueAt.Equal(at(2026, 3, 16, 10, 1)) {
		t.Fatalf("contacted: %+v", p)
	}
	if _, err := lc.ChangeStatus(ctx, rep, "L1", lifecycle.Request{To: lead.StatusLost, Reason: "no budget"}); err != nil {
		t.Fatal(err)
	}
	w.track("L1")
	if _, ok := w.index.Pending("L1"); ok {
		t.Fatal("a closed lead is still in the due index")
	}
}

func TestTrackerIgnoresOlderVersions(t *testing.T) {
	t.Parallel()
	w := newWorld(t, at(2026, 3, 10, 10, 0))
	w.newLead("L1")
	ctx := context.Background()
	l, _ := w.st.Get(ctx, "L1")
	old := l
	old.Version = 1
	old.Status, old.OwnerID = lead.StatusNew, ""
	// A retried stream record of version 1 must not take version 2 out.
	if err := w.tracker.Track(ctx, old, lead.Entry{Change: lead.ChangeCreated}); err != nil {
		t.Fatal(err)
	}
	if p, ok := w.index.Pending("L1"); !ok || p.Version != 2 {
		t.Fatalf("pending after an old record: %+v %v", p, ok)
	}
}

func TestProgramsPickTheirPolicy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memstore.New()
	now := func() time.Time { return at(2026, 3, 10, 10, 0) }
	if err := st.PutPartner(ctx, adminPartner("gold")); err != nil {
		t.Fatal(err)
	}
	a := sla.Admin{Store: st, Now: now}
	if err := a.SetProgram(ctx, "gold", "gold"); err != nil {
		t.Fatal(err)
	}
	if err := a.SetProgram(ctx, "nobody", "gold"); err == nil {
		t.Fatal("program of an unknown partner was set")
	}
	fast := sla.Default()
	fast.Stages = []sla.Stage{{Status: lead.StatusContacted, Steps: []sla.Step{{Action: sla.Remind, After: "1d"}}}}
	saved, err := a.Put(ctx, "gold", fast, 0)
	if err != nil || saved.Version != 1 {
		t.Fatalf("put: %+v %v", saved, err)
	}
	if _, err := a.Put(ctx, "gold", fast, 7); !errors.Is(err, sla.ErrPolicyConflict) {
		t.Fatalf("stale If-Match: %v", err)
	}
	r := &sla.Resolver{Store: st, Now: now, TTL: time.Minute}
	gold, err := r.For(ctx, "gold")
	if err != nil || gold.Program != "gold" || len(gold.Stages) != 1 {
		t.Fatalf("gold: %+v %v", gold, err)
	}
	other, err := r.For(ctx, "silver")
	if err != nil || other.Program != sla.DefaultProgram || len(other.Stages) != 5 {
		t.Fatalf("a partner without a program: %+v %v", other, err)
	}
	list, _ := a.List(ctx)
	if len(list) != 2 || list[0].Program != sla.DefaultProgram {
		t.Fatalf("list: %+v", list)
	}
}
func adminPartner(id string) admin.Partner { return admin.Partner{ID: id, Name: id} }

// Never unowned: with no rule set the router fails and leads stay new; the
// ladder routes them again, escalates to managers, and once rules are saved
// every lead gets an owner with no manual step.
func TestUnownedLeadsGetAnOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	start := at(2026, 3, 10, 23, 0) // at night: nobody's working clock applies
	w := newWorldWithoutRules(t, start)
	ids := []string{"U1", "U2", "U3"}
	for _, id := range ids {
		if err := w.post(id); !errors.Is(err, routing.ErrNoRuleSet) {
			t.Fatalf("routing %s with no rule set: %v, want ErrNoRuleSet", id, err)
		}
	}
	trackAll := func() {
		for _, id := range ids {
			w.track(id)
		}
	}
	w.now = start.Add(9 * time.Minute)
	if r := w.scan(); r.Due != 0 {
		t.Fatalf("before 10 minutes: %+v, want nothing due", r)
	}
	w.now = start.Add(11 * time.Minute)
	if r := w.scan(); r.Due != 3 || r.Unowned != 3 || r.Rerouted != 0 {
		t.Fatalf("first retry with no rules: %+v, want 3 due and still unowned", r)
	}
	if e := w.last("U1"); e.SLA == nil || e.SLA.Action != sla.Reroute || e.SLA.Program != sla.UnownedProgram {
		t.Fatalf("history after a failed retry: %+v", e)
	}
	trackAll()
	w.now = start.Add(31 * time.Minute)
	if r := w.scan(); r.Escalated != 3 || r.Unowned != 3 {
		t.Fatalf("second retry: %+v, want 3 escalated to managers", r)
	}
	trackAll()

	w.saveRules()
	w.now = start.Add(91 * time.Minute)
	if r := w.scan(); r.Rerouted != 3 || r.Unowned != 0 {
		t.Fatalf("after the rules are saved: %+v, want 3 rerouted", r)
	}
	trackAll()
	for _, id := range ids {
		l, _ := w.st.Get(ctx, id)
		if l.OwnerID == "" || l.Status != lead.StatusAssigned {
			t.Errorf("%s: owner %q status %s, want an owner", id, l.OwnerID, l.Status)
		}
		if p, ok := w.index.Pending(id); !ok || p.Program == sla.UnownedProgram || p.OwnerID != l.OwnerID {
			t.Errorf("%s waits for %+v (found %v), want its owner's ladder", id, p, ok)
		}
	}
}
