package main

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
)

// routingExplanation answers GET /v1/leads/{id}/routing: every routing
// decision for the lead, newest first, with candidates and exclusions.
func (h handler) routingExplanation(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	ds, err := h.router.Decisions(ctx, r.Params["id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	if ds == nil {
		ds = []routing.Decision{}
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"leadId": r.Params["id"], "decisions": ds}), nil
}

// assign answers POST /v1/leads/{id}/assign: a manager moves the lead to
// ownerId (an active rep with room, unless overrideCapacity), or re-routes
// it through the rules when ownerId is empty.
func (h handler) assign(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in struct {
		OwnerID          string `json:"ownerId"`
		Reason           string `json:"reason"`
		OverrideCapacity bool   `json:"overrideCapacity"`
	}
	if err := r.DecodeJSON(4<<10, &in); err != nil {
		return httpapi.Response{}, err
	}
	if strings.TrimSpace(in.Reason) == "" || len(in.Reason) > 500 {
		return httpapi.Response{}, validation.Field("reason", "required", "say why, in at most 500 characters")
	}
	actor := lead.Actor{ID: r.Principal.ActorID(), Role: string(r.Principal.Role)}
	l, d, err := h.router.Reassign(ctx, actor, r.Params["id"], strings.TrimSpace(in.OwnerID), in.Reason, in.OverrideCapacity)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"leadId": l.ID, "ownerId": l.OwnerID, "version": l.Version, "decision": d}), nil
}

// maxSimulationBody bounds a what-if request: a rule set and up to
// routing.MaxSimulatedLeads submissions.
const maxSimulationBody = 4 << 20

func (h handler) simulate(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var req routing.SimulationRequest
	if err := r.DecodeJSON(maxSimulationBody, &req); err != nil {
		return httpapi.Response{}, err
	}
	rep, err := h.routing.Simulate(ctx, req, h.recent, intake.ParseLead, time.Now())
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, rep), nil
}
