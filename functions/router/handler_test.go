package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/testkit/intaketest"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

func TestRoutesCreatedLeadsOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memstore.New()
	now := func() time.Time { return time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC) }
	_, _ = routing.Admin{Store: st}.PutRep(ctx, "rep-1", []byte(`{"id":"rep-1","name":"R","active":true,"weight":1,"capacity":{"maxOpen":5},
		"workingHours":{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[1,2,3,4,5],"start":"09:00","end":"18:00"}}`))
	if _, err := (routing.Admin{Store: st}).SaveRuleSet(ctx, []byte(`{"fallbackOwner":"rep-1","rules":[{"id":"all","pool":["rep-1"],"strategy":"least_loaded"}],"scoring":{"gradeA":80,"gradeB":40}}`), 0); err != nil {
		t.Fatal(err)
	}
	n, _ := intake.Parse([]byte(intaketest.ValidBody))
	rc, err := intake.NewService(st, intake.DefaultConfig, now).Submit(ctx, auth.Principal{Role: auth.RolePartner, PartnerID: "p1"}, n, "")
	if err != nil {
		t.Fatal(err)
	}
	h := handler{router: routing.NewService(st, st, now, time.Minute), log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	deliver := func(typ, leadID string) error {
		detail, _ := json.Marshal(lead.Event{ID: leadID + ".1", Type: typ, Version: 1, LeadID: leadID, Sequence: 1})
		return h.Handle(ctx, lambdaevents.EventBridgeEvent{DetailType: typ, Source: "partnerleads.leads", Detail: detail})
	}
	for range 3 { // at-least-once delivery
		if err := deliver(lead.EventLeadCreated, rc.LeadID); err != nil {
			t.Fatal(err)
		}
	}
	l, _ := st.Get(ctx, rc.LeadID)
	ds, _ := st.Decisions(ctx, rc.LeadID)
	if l.OwnerID != "rep-1" || l.Status != lead.StatusAssigned || len(ds) != 1 || st.OpenCount("rep-1") != 1 {
		t.Fatalf("owner %q status %s, %d decisions, open count %d", l.OwnerID, l.Status, len(ds), st.OpenCount("rep-1"))
	}
	if err := deliver(lead.EventLeadAssigned, rc.LeadID); err != nil {
		t.Fatalf("other event types are ignored: %v", err)
	}
	if !needsOwner(lead.Event{Type: lead.EventLeadStatusChanged, Detail: lead.StatusChangedDetail{From: lead.StatusRecycled, To: lead.StatusNew}}) ||
		needsOwner(lead.Event{Type: lead.EventLeadStatusChanged, Detail: lead.StatusChangedDetail{From: lead.StatusAssigned, To: lead.StatusContacted}}) {
		t.Fatal("only leads back to new need an owner again")
	}
	if err := h.Handle(ctx, lambdaevents.EventBridgeEvent{Detail: json.RawMessage(`"nope"`)}); err != nil {
		t.Fatalf("malformed events are dropped, not retried: %v", err)
	}
	if err := deliver(lead.EventLeadCreated, "01UNKNOWNLEAD0000000000000"); err == nil {
		t.Fatal("an unknown lead must fail, to be retried and then dead-lettered")
	}
}
