package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/testkit/intaketest"
)

// routed posts a lead as partner a and routes it to rep-1.
func (f *fixture) routed(t *testing.T, body string) string {
	t.Helper()
	ctx := context.Background()
	adm := routing.Admin{Store: f.store}
	if reps, _ := f.store.Reps(ctx); len(reps) == 0 {
		_, _ = adm.PutRep(ctx, "rep-1", []byte(`{"id":"rep-1","name":"R","active":true,"weight":1,"capacity":{"maxOpen":50},
			"workingHours":{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[1,2,3,4,5],"start":"09:00","end":"18:00"}}`))
		_, _ = adm.SaveRuleSet(ctx, []byte(`{"fallbackOwner":"rep-1","rules":[{"id":"r","pool":["rep-1"],"strategy":"least_loaded","allowAfterHours":true}],"scoring":{"gradeA":80,"gradeB":40}}`), 0)
	}
	code, m, _ := f.do(t, "POST", "/v1/leads", "a", body, nil)
	if code != 201 {
		t.Fatalf("create: %d %v", code, m)
	}
	id := m["id"].(string)
	if _, _, err := routing.NewService(f.store, f.store, time.Now, time.Minute).Route(ctx, id); err != nil {
		t.Fatal(err)
	}
	return id
}

func body(i int) string {
	return fmt.Sprintf(`{"contact":{"name":"N","email":"n%d@x.com.br"},"company":{"name":"C"},"location":{"country":"BR"},"consent":{"lgpd":true}}`, i)
}

func TestBulkStatusJSONAndCSV(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, b := f.routed(t, intaketest.ValidBody), f.routed(t, body(1))
	code, m, _ := f.do(t, "POST", "/v1/leads/bulk-status", "manager",
		`[{"leadId":"`+a+`","status":"contacted"},{"leadId":"`+b+`","status":"lost"},{"leadId":"`+b+`","status":"closed"}]`, nil)
	if code != 200 || m["succeeded"] != float64(1) || m["failed"] != float64(2) {
		t.Fatalf("json bulk: %d %v", code, m)
	}
	rows := m["results"].([]any)
	if p := rows[1].(map[string]any)["problem"].(map[string]any); p["status"] != float64(422) {
		t.Fatalf("row 2 problem %v", p)
	}
	csv := "\ufeffleadId,status,reason\n" + a + ",qualified,\n" + b + ",lost,\"no budget, said \"\"next year\"\"\"\n"
	code, m, _ = f.do(t, "POST", "/v1/leads/bulk-status", "manager", csv, map[string]string{"content-type": "text/csv"})
	if code != 200 || m["succeeded"] != float64(2) {
		t.Fatalf("csv bulk: %d %v", code, m)
	}
	if l, _ := f.store.Get(context.Background(), b); l.Status != lead.StatusLost {
		t.Fatalf("csv row not applied: %s", l.Status)
	}
	for _, bad := range []struct{ ct, body string }{
		{"text/csv", "status\nwon\n"},
		{"text/csv", ""},
		{"application/json", `{"leadId":"x"}`},
		{"application/xml", `<x/>`},
		{"application/json", `[]`},
	} {
		if code, _, _ := f.do(t, "POST", "/v1/leads/bulk-status", "manager", bad.body, map[string]string{"content-type": bad.ct}); code < 400 || code >= 500 {
			t.Errorf("%s %q: %d", bad.ct, bad.body, code)
		}
	}
	if code, _, _ := f.do(t, "POST", "/v1/leads/bulk-status", "a", `[]`, nil); code != 403 {
		t.Fatalf("a partner ran a bulk update: %d", code)
	}
}

func TestCRMSync(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.routed(t, intaketest.ValidBody)
	if code, m, _ := f.do(t, "POST", "/v1/integrations/rdstation/status", "manager", `{"leadId":"`+id+`","status":"Venda"}`, nil); code != 409 || m["type"] != "urn:partnerleads:problem:no-crm-mapping" {
		t.Fatalf("without mapping: %d %v", code, m)
	}
	_ = f.store.PutCRMMapping(context.Background(), lifecycle.CRMMapping{CRM: "rdstation", Statuses: map[string]lead.Status{"Venda": lead.StatusWon, "Oportunidade": lead.StatusQualified}})
	if code, m, _ := f.do(t, "POST", "/v1/integrations/rdstation/status", "manager", `{"leadId":"`+id+`","status":"venda"}`, nil); code != 422 {
		t.Fatalf("won without a deal: %d %v", code, m)
	}
	code, m, _ := f.do(t, "POST", "/v1/integrations/rdstation/status", "manager", `{"leadId":"`+id+`","status":"venda","deal":{"value":{"amount":500000,"currency":"BRL"},"contractStart":"2026-11-01"}}`, nil)
	if code != 200 || m["status"] != "won" || len(m["steps"].([]any)) != 4 {
		t.Fatalf("sync: %d %v", code, m)
	}
	if code, _, _ := f.do(t, "POST", "/v1/integrations/rdstation/status", "a", `{"leadId":"`+id+`","status":"venda"}`, nil); code != 403 {
		t.Fatalf("a partner key synced: %d", code)
	}
}
