package events

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// The events our code builds validate against their schemas, and the schemas
// refuse what they should.
func TestLeadCreatedMatchesSchema(t *testing.T) {
	t.Parallel()
	s, err := Schema(lead.EventLeadCreated, 1)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 5, 1, 43, 918730000, time.UTC)
	l := lead.Lead{ID: "01M85YWTKE0RD52J1QXHTJQDDE", PartnerID: "ptn_1", Status: lead.StatusNew, Version: 1, ReceivedAt: at, UpdatedAt: at,
		Location: lead.Location{Country: "BR", State: "SP"}, Company: lead.Company{Size: "10-49", Industry: "6201-5/01"},
		Contact: lead.Contact{Name: "Maria", Email: "maria@example.com.br"}, EstimatedValue: &lead.Money{Amount: 150000, Currency: "BRL"}}
	good := encode(t, lead.CreatedEvent(l))
	if err := s.Validate(good); err != nil {
		t.Fatalf("lead.created from code breaks its schema: %v", err)
	}
	if bytes.Contains(mustJSON(t, good), []byte("maria")) {
		t.Fatal("lead.created carries contact data")
	}
	bad := map[string]func(m map[string]any){
		"no id":             func(m map[string]any) { delete(m, "id") },
		"wrong type":        func(m map[string]any) { m["type"] = "lead.assigned" },
		"sequence 2":        func(m map[string]any) { m["sequence"] = 2 },
		"extra field":       func(m map[string]any) { m["email"] = "x@y.z" },
		"lower country":     func(m map[string]any) { m["detail"].(map[string]any)["country"] = "br" },
		"bad time":          func(m map[string]any) { m["occurredAt"] = "yesterday" },
		"contact in detail": func(m map[string]any) { m["detail"].(map[string]any)["email"] = "x@y.z" },
	}
	for name, f := range bad {
		m := encode(t, lead.CreatedEvent(l)).(map[string]any)
		f(m)
		if err := s.Validate(m); err == nil {
			t.Errorf("%s: schema accepted it", name)
		}
	}
}

func encode(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every change kind gives an event that validates against its type's schema.
func TestEveryChangeMatchesItsSchema(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 24, 5, 1, 43, 0, time.UTC)
	l := lead.Lead{ID: "01M85YWTKE0RD52J1QXHTJQDDE", PartnerID: "ptn_1", Status: lead.StatusAssigned, Version: 2, ReceivedAt: at,
		Location: lead.Location{Country: "BR"}}
	changes := []lead.Entry{
		{Seq: 1, At: at, Change: lead.ChangeCreated, To: lead.StatusNew, Actor: lead.Actor{ID: "ptn_1", Role: "partner"}},
		{Seq: 2, At: at, Change: lead.ChangeAssigned, From: lead.StatusNew, To: lead.StatusAssigned, Owner: "rep-ana", Reason: "rule r1", Actor: lead.Actor{ID: "router", Role: "system"}},
		{Seq: 3, At: at, Change: lead.ChangeReassigned, From: lead.StatusAssigned, To: lead.StatusAssigned, Owner: "rep-bia", Actor: lead.Actor{ID: "mgr", Role: "manager"}},
		{Seq: 4, At: at, Change: lead.ChangeStale, From: lead.StatusAssigned, To: lead.StatusAssigned, Owner: "rep-bia", Actor: lead.ScannerActor,
			SLA: &lead.SLAStep{Program: "default", Step: 1, Action: "escalate", DueAt: at, IdleSince: at}},
		{Seq: 5, At: at, Change: lead.ChangeRecalled, From: lead.StatusAssigned, To: lead.StatusAssigned, Owner: "rep-cid", Actor: lead.ScannerActor, Reason: "recalled",
			SLA: &lead.SLAStep{Program: "default", Step: 2, Action: "recall", DueAt: at, IdleSince: at, FromOwner: "rep-bia"}},
		{Seq: 6, At: at, Change: lead.ChangeTouched, From: lead.StatusContacted, To: lead.StatusContacted, Owner: "rep-cid", Actor: lead.Actor{ID: "rep-cid", Role: "rep"},
			Note: "internal", Touch: &lead.Touch{Channel: "whatsapp", Outcome: "no_answer", At: at}},
		{Seq: 7, At: at, Change: lead.ChangeStatusChanged, From: lead.StatusProposal, To: lead.StatusLost, Reason: "price", Actor: lead.Actor{ID: "rep-bia", Role: "rep"}},
	}
	for _, c := range changes {
		if c.Change == lead.ChangeCreated {
			l.Status = lead.StatusNew
		}
		l.Touches = 1
		ev, err := lead.EventFor(l, c)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Schema(ev.Type, ev.Version)
		if err != nil {
			t.Fatalf("%s: %v", ev.Type, err)
		}
		if err := s.Validate(encode(t, ev)); err != nil {
			t.Errorf("%s breaks its schema: %v", ev.Type, err)
		}
		if ev.Sequence != c.Seq || ev.ID != lead.EventID(l.ID, c.Seq) {
			t.Errorf("%s: sequence %d id %s", ev.Type, ev.Sequence, ev.ID)
		}
	}
	if _, err := lead.EventFor(l, lead.Entry{Seq: 9, Change: "teleported"}); err == nil {
		t.Error("unknown change kind accepted")
	}
}
