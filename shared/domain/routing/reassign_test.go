package routing_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

// desk is a routing set-up on the in-memory store: reps a (capacity 5), b
// (capacity 1, daily cap 1), off (inactive), a rule over a and b, and a
// clock the test moves.
type desk struct {
	st      *memstore.Store
	svc     *routing.Service
	life    *lifecycle.Service
	intake  *intake.Service
	now     time.Time
	created int
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	ctx := context.Background()
	d := &desk{st: memstore.New(), now: time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)} // a Tuesday, 10:00 in São Paulo
	clock := func() time.Time { return d.now }
	adm := routing.Admin{Store: d.st}
	reps := map[string]string{
		"a":   fmtRep("a"),
		"b":   `{"id":"b","name":"B","active":true,"weight":1,"capacity":{"maxOpen":1,"dailyCap":1},"workingHours":{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[1,2,3,4,5],"start":"09:00","end":"18:00"}}`,
		"off": `{"id":"off","name":"Off","active":false,"weight":1,"capacity":{"maxOpen":5},"workingHours":{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[1,2,3,4,5],"start":"09:00","end":"18:00"}}`,
	}
	for id, body := range reps {
		if _, err := adm.PutRep(ctx, id, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := adm.SaveRuleSet(ctx, []byte(`{"fallbackOwner":"a","firstContactMinutes":5,"rules":[{"id":"r","pool":["a","b"],"strategy":"least_loaded","allowAfterHours":true}],"scoring":{"gradeA":80,"gradeB":40}}`), 0); err != nil {
		t.Fatal(err)
	}
	d.svc = routing.NewService(d.st, d.st, clock, 0)
	d.life = lifecycle.NewService(d.st, clock)
	d.intake = intake.NewService(d.st, intake.DefaultConfig, clock)
	return d
}

// lead creates and routes a lead, returning its id.
func (d *desk) lead(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	d.created++
	n, err := intake.Parse([]byte(fmt.Sprintf(`{"contact":{"name":"N %d","email":"n%d@x%d.com.br"},"company":{"name":"C"},"location":{"country":"BR"},"consent":{"lgpd":true}}`, d.created, d.created, d.created)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := d.intake.Submit(ctx, auth.Principal{Role: auth.RolePartner, PartnerID: "p1"}, n, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.svc.Route(ctx, rc.LeadID); err != nil {
		t.Fatal(err)
	}
	return rc.LeadID
}

var mgr = lead.Actor{ID: "mgr-1", Role: "manager"}
var mgrKey = auth.Principal{KeyID: "k", Role: auth.RoleManager, SubjectID: "mgr-1"}

func TestReassignChecksTheNewOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDesk(t)
	id := d.lead(t) // least loaded: a
	if l, _ := d.st.Get(ctx, id); l.OwnerID != "a" {
		t.Fatalf("routed to %q, want a", l.OwnerID)
	}
	fieldCode := func(err error) string {
		var ve *validation.Error
		if errors.As(err, &ve) && len(ve.Fields) == 1 && ve.Fields[0].Field == "ownerId" {
			return ve.Fields[0].Code
		}
		return fmt.Sprintf("not one ownerId field error: %v", err)
	}
	for owner, code := range map[string]string{"nobody": "unknown_rep", "off": "inactive_rep"} {
		if _, _, err := d.svc.Reassign(ctx, mgr, id, owner, "typo", false); fieldCode(err) != code {
			t.Errorf("reassign to %s: %s, want %s", owner, fieldCode(err), code)
		}
	}
	if a, n, off := d.st.OpenCount("a"), d.st.OpenCount("nobody"), d.st.OpenCount("off"); a != 1 || n != 0 || off != 0 {
		t.Fatalf("refused moves changed counters: a=%d nobody=%d off=%d", a, n, off)
	}

	// b has room for one lead: the second move to b is refused, unless a
	// manager overrides capacity, which the history then says.
	d.now = d.now.Add(3 * time.Hour) // 13:00 in São Paulo
	l, _, err := d.svc.Reassign(ctx, mgr, id, "b", "Ana is on leave", false)
	if err != nil || l.OwnerID != "b" {
		t.Fatalf("reassign to b: %+v %v", l, err)
	}
	if want := d.now.Add(5 * time.Minute); l.FirstContactDueAt == nil || !l.FirstContactDueAt.Equal(want) {
		t.Fatalf("first-contact clock %v, want restarted for b at %v", l.FirstContactDueAt, want)
	}
	other := d.lead(t) // a again: b is full
	var full *routing.CapacityError
	if _, _, err := d.svc.Reassign(ctx, mgr, other, "b", "balance", false); !errors.As(err, &full) || full.RepID != "b" {
		t.Fatalf("reassign to a full rep: %v, want a capacity error for b", err)
	}
	l, _, err = d.svc.Reassign(ctx, mgr, other, "b", "the customer asked for Bruno", true)
	if err != nil || l.OwnerID != "b" {
		t.Fatalf("override: %+v %v", l, err)
	}
	h, _ := d.st.History(ctx, other)
	if last := h[len(h)-1]; last.Reason != "the customer asked for Bruno (capacity overridden)" || last.Actor != mgr {
		t.Fatalf("history of the override: %+v", last)
	}
	if a, b := d.st.OpenCount("a"), d.st.OpenCount("b"); a != 0 || b != 2 {
		t.Fatalf("counters a=%d b=%d, want 0 and 2", a, b)
	}
}

func TestARecycledLeadIsNotReassigned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDesk(t)
	id := d.lead(t)
	if _, err := d.life.ChangeStatus(ctx, mgrKey, id, lifecycle.Request{To: lead.StatusRecycled, Reason: "back to nurture"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.svc.Reassign(ctx, mgr, id, "b", "x", false); !errors.Is(err, routing.ErrNotReassignable) {
		t.Fatalf("reassigning a recycled lead: %v", err)
	}
	if a, b := d.st.OpenCount("a"), d.st.OpenCount("b"); a != 0 || b != 0 {
		t.Fatalf("counters a=%d b=%d after recycling, want 0 and 0", a, b)
	}
}

// Any sequence of creating, routing, reassigning, re-routing, recycling,
// reopening and closing keeps every rep's open-lead counter equal to the
// leads it owns that hold capacity, and never below zero.
func TestRepCountersStayTrue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for seed := range uint64(40) {
		d := newDesk(t)
		rng := rand.New(rand.NewPCG(seed, 7))
		var ids []string
		for step := range 60 {
			d.now = d.now.Add(time.Duration(rng.IntN(90)) * time.Minute)
			if len(ids) == 0 || rng.IntN(5) == 0 {
				ids = append(ids, d.lead(t))
				continue
			}
			id := ids[rng.IntN(len(ids))]
			owners := []string{"a", "b", "off", "nobody", ""}
			won := &lead.Deal{Value: lead.Money{Amount: 100000, Currency: "BRL"}, ContractStart: "2026-03-01"}
			var err error
			switch rng.IntN(7) {
			case 0, 1:
				_, _, err = d.svc.Reassign(ctx, mgr, id, owners[rng.IntN(len(owners))], "move", rng.IntN(3) == 0)
			case 2:
				_, err = d.life.ChangeStatus(ctx, mgrKey, id, lifecycle.Request{To: lead.StatusRecycled, Reason: "nurture"})
			case 3:
				_, err = d.life.ChangeStatus(ctx, mgrKey, id, lifecycle.Request{To: lead.StatusNew})
				if err == nil {
					_, _, err = d.svc.Route(ctx, id)
				}
			case 4:
				_, err = d.life.ChangeStatus(ctx, mgrKey, id, lifecycle.Request{To: lead.StatusContacted})
			case 5:
				_, err = d.life.ChangeStatus(ctx, mgrKey, id, lifecycle.Request{To: lead.StatusWon, Deal: won})
			case 6:
				_, err = d.life.ChangeStatus(ctx, mgrKey, id, lifecycle.Request{To: lead.StatusProposal, Reason: "reopened"})
			}
			_ = err // refusals are part of the walk: only the counters must hold
			owned := map[string]int{}
			for _, l := range d.st.AllLeads() {
				if l.OwnerID != "" && l.Status.HoldsOwner() {
					owned[l.OwnerID]++
				}
			}
			for _, rep := range []string{"a", "b", "off", "nobody"} {
				if got := d.st.OpenCount(rep); got != owned[rep] || got < 0 {
					t.Fatalf("seed %d step %d: %s's counter is %d, it owns %d open leads", seed, step, rep, got, owned[rep])
				}
			}
		}
	}
}
