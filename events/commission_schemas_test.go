package events

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

// captured keeps what the code puts on the bus.
type captured struct{ events map[string][]any }

func (c *captured) Put(_ context.Context, detailType string, detail any, _ time.Time) error {
	c.events[detailType] = append(c.events[detailType], detail)
	return nil
}

// leadsOf answers the one won lead.
type leadsOf lead.Lead

func (l leadsOf) Get(context.Context, string) (lead.Lead, error) { return lead.Lead(l), nil }

func mustSchema(t *testing.T, eventType string) *jsonschema.Schema {
	t.Helper()
	s, err := Schema(eventType, 1)
	if err != nil {
		t.Fatalf("schema %s: %v", eventType, err)
	}
	return s
}

// The commission-side events the code publishes validate against their
// schemas, and the schemas refuse what they should.
func TestCommissionEventsMatchTheirSchemas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	at := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	plan := commission.Plan{ID: "tiered", Version: 1, Name: "Tiered", PartnerID: "ptn_1", EffectiveFrom: "2026-01-01", Currency: "BRL",
		Type: commission.Tiered, TierMode: "retroactive", Tiers: []commission.Tier{{UpTo: 100_00, RateBps: 1000}, {RateBps: 2000}}, ClawbackDays: 90, ClawbackMode: "full"}
	deal := &lead.Deal{Value: lead.Money{Amount: 100_00, Currency: "BRL"}, ContractStart: "2026-11-01"}
	states, periods := map[string]commission.LeadState{}, map[string]commission.PeriodState{}
	var lines []commission.Entry
	for _, tr := range []commission.Trigger{
		{ID: "01M85YWTKE0RD52J1QXHTJQDDA.7", Kind: commission.TriggerWon, LeadID: "01M85YWTKE0RD52J1QXHTJQDDA", PartnerID: "ptn_1", At: at, Deal: deal, Seq: 7},
		{ID: "01M85YWTKE0RD52J1QXHTJQDDB.7", Kind: commission.TriggerWon, LeadID: "01M85YWTKE0RD52J1QXHTJQDDB", PartnerID: "ptn_1", At: at, Deal: deal, Seq: 7},
		{ID: "01M85YWTKE0RD52J1QXHTJQDDB.8", Kind: commission.TriggerReopened, LeadID: "01M85YWTKE0RD52J1QXHTJQDDB", PartnerID: "ptn_1", At: at.Add(time.Hour), Seq: 8},
	} {
		out, err := commission.Apply(&plan, tr, states[tr.LeadID], periods)
		if err != nil {
			t.Fatalf("apply %s: %v", tr.ID, err)
		}
		states[tr.LeadID] = out.Lead
		for k, v := range out.Periods {
			periods[k] = v
		}
		lines = append(lines, out.Entries...)
	}
	accrued, clawed := mustSchema(t, commission.EventCommissionAccrued), mustSchema(t, commission.EventCommissionClawedBack)
	kinds := map[commission.EntryKind]bool{}
	for _, e := range lines {
		s, wrong := accrued, clawed
		if e.Amount < 0 {
			s, wrong = clawed, accrued
		}
		kinds[e.Kind] = true
		if err := s.Validate(encode(t, e)); err != nil {
			t.Fatalf("line %s (%s %d) breaks its schema: %v", e.ID, e.Kind, e.Amount, err)
		}
		if wrong.Validate(encode(t, e)) == nil {
			t.Fatalf("line %s (%d) also passes the other sign's schema", e.ID, e.Amount)
		}
		m := encode(t, e).(map[string]any)
		m["email"] = "x@y.z"
		if s.Validate(m) == nil {
			t.Fatalf("line %s with an extra field passed", e.ID)
		}
	}
	for _, k := range []commission.EntryKind{commission.KindAccrual, commission.KindTierBonus, commission.KindReversal} {
		if !kinds[k] {
			t.Fatalf("the scenario should produce a %s line; got %v", k, kinds)
		}
	}

	bus := &captured{events: map[string][]any{}}
	won := lead.Lead{ID: "01M85YWTKE0RD52J1QXHTJQDDA", PartnerID: "ptn_1", Status: lead.StatusWon, Deal: deal, Version: 7}
	ledger := memstore.NewLedger()
	svc := commission.Service{Store: ledger, Leads: leadsOf(won), Bus: bus, Now: func() time.Time { return at.Add(48 * time.Hour) }}
	fin := auth.Principal{Role: auth.RoleFinance, SubjectID: "fin-1"}
	if _, err := svc.Cancel(ctx, fin, won.ID, "2026-11-11", "churned"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ConfirmRevenue(ctx, fin, won.ID, "2026-11", lead.Money{Amount: 500_00, Currency: "BRL"}, "NF-1"); err != nil {
		t.Fatal(err)
	}
	x, err := svc.RequestExport(ctx, fin, "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RunExport(ctx, x, &storetest.MemUploader{}, nil); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{commission.EventDealCancelled, commission.EventDealRevenueConfirmed, commission.EventExportRequested, commission.EventExportCompleted} {
		s, evs := mustSchema(t, typ), bus.events[typ]
		if len(evs) != 1 {
			t.Fatalf("%s published %d times, want 1: %+v", typ, len(evs), bus.events)
		}
		if err := s.Validate(encode(t, evs[0])); err != nil {
			t.Fatalf("%s from code breaks its schema: %v", typ, err)
		}
		for other := range bus.events {
			if other != typ && strings.HasPrefix(other, strings.Split(typ, ".")[0]) && s.Validate(encode(t, bus.events[other][0])) == nil {
				t.Fatalf("%s's schema accepts a %s", typ, other)
			}
		}
	}
}

// The dispute events, as the code makes them, validate against their
// schemas; each refuses the other step and an answer that breaks its rule.
func TestDisputeEventsMatchTheirSchemas(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	d := commission.Dispute{ID: commission.DisputeID("ptn_1", "2026-10", "", "01M85YWTKE0RD52J1QXHTJQDDA"), PartnerID: "ptn_1", Period: "2026-10",
		LeadID: "01M85YWTKE0RD52J1QXHTJQDDA", Message: "won, nothing paid", State: commission.DisputeOpen, FiledAt: at,
		Trail: []commission.DisputeStep{{At: at, Action: "filed", ByRole: "partner", ActorID: "key-1"}}}
	filed, answered := mustSchema(t, lead.EventDisputeFiled), mustSchema(t, lead.EventDisputeAnswered)
	accepted := d
	accepted.State = commission.DisputeAccepted
	accepted.Answer = &commission.Answer{Decision: commission.DisputeAccepted, Amount: &lead.Money{Amount: 50_00, Currency: "BRL"},
		Reason: "contract amended", AdjustmentID: "dispute." + d.ID, At: at.Add(time.Hour)}
	accepted.Trail = append(accepted.Trail, commission.DisputeStep{At: at.Add(time.Hour), Action: "answered", ByRole: "finance", ActorID: "fin-1"})
	rejected := accepted
	rejected.State = commission.DisputeRejected
	rejected.Answer = &commission.Answer{Decision: commission.DisputeRejected, Reason: "the lead was lost", At: at.Add(time.Hour)}
	noLead := d
	noLead.LeadID, noLead.LineID, noLead.ID = "", "tier_bonus.2026-10", commission.DisputeID("ptn_1", "2026-10", "tier_bonus.2026-10", "")
	for _, c := range []struct {
		name        string
		d           commission.Dispute
		ok, refused *jsonschema.Schema
	}{{"filed", d, filed, answered}, {"filed about a period line", noLead, filed, answered}, {"accepted", accepted, answered, filed}, {"rejected", rejected, answered, filed}} {
		ev := encode(t, commission.DisputeEvent(c.d))
		if err := c.ok.Validate(ev); err != nil {
			t.Fatalf("%s: the event breaks its schema: %v\n%v", c.name, err, ev)
		}
		if c.refused.Validate(ev) == nil {
			t.Fatalf("%s: the other step's schema accepts it", c.name)
		}
	}
	bad := encode(t, commission.DisputeEvent(rejected)).(map[string]any)
	bad["detail"].(map[string]any)["amount"] = map[string]any{"amount": 100, "currency": "BRL"}
	if answered.Validate(encode(t, bad)) == nil {
		t.Fatal("a rejection with an amount passed")
	}
	bad = encode(t, commission.DisputeEvent(accepted)).(map[string]any)
	delete(bad["detail"].(map[string]any), "adjustmentId")
	if answered.Validate(encode(t, bad)) == nil {
		t.Fatal("an acceptance without its adjustment passed")
	}
}
