package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/edge/emf"
)

// handler routes each lead.created event. Delivery is at least once; routing
// a lead that already has an owner does nothing, so a duplicate is harmless.
type handler struct {
	router *routing.Service
	log    *slog.Logger
	meter  *emf.Meter
}

func (h handler) Handle(ctx context.Context, ev events.EventBridgeEvent) error {
	var e lead.Event
	if err := json.Unmarshal(ev.Detail, &e); err != nil || e.LeadID == "" {
		// Malformed events cannot succeed on retry; they are logged, not retried.
		h.log.ErrorContext(ctx, "malformed event", "eventbridgeId", ev.ID, "detailType", ev.DetailType)
		return nil
	}
	if !needsOwner(e) {
		return nil
	}
	d, routed, err := h.router.Route(ctx, e.LeadID)
	if err != nil {
		h.log.ErrorContext(ctx, "route failed", "eventId", e.ID, "leadId", e.LeadID, "error", err.Error())
		return fmt.Errorf("route %s: %w", e.LeadID, err) // async retry, then the DLQ
	}
	if !routed {
		h.log.InfoContext(ctx, "already routed", "eventId", e.ID, "leadId", e.LeadID)
		return nil
	}
	h.meter.Put(emf.Count(emf.LeadsRouted, 1))
	h.log.InfoContext(ctx, "routed", "eventId", e.ID, "leadId", e.LeadID, "ownerId", d.Chosen,
		"path", d.Path, "ruleId", d.RuleID, "strategy", d.Strategy, "grade", d.Grade)
	return nil
}

// needsOwner: a new lead, or one recycled back to new, must be routed.
func needsOwner(e lead.Event) bool {
	if e.Type == lead.EventLeadCreated {
		return true
	}
	var d struct {
		To lead.Status `json:"to"`
	}
	b, _ := json.Marshal(e.Detail)
	return e.Type == lead.EventLeadStatusChanged && json.Unmarshal(b, &d) == nil && d.To == lead.StatusNew
}
