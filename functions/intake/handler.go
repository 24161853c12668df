package main

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/edge/emf"
	"github.com/partnerleads/pipeline/shared/edge/endpoints"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
	"github.com/partnerleads/pipeline/shared/edge/openapi"
)

// handler serves the lead API: partner intake and reads, and the
// manager's routing explanation and reassignment.
type handler struct {
	leads     *intake.Service
	router    *routing.Service
	routing   routing.Admin // what-if simulation
	recent    routing.RecentLeads
	lifecycle *lifecycle.Service
	mappings  lifecycle.MappingStore
	log       *slog.Logger
	meter     *emf.Meter
}

func routes(h handler) []httpapi.Route {
	return httpapi.MustBind(endpoints.Intake, map[string]httpapi.HandlerFunc{
		"GET /v1/openapi.json":               h.openAPI,
		"POST /v1/leads":                     h.create,
		"GET /v1/leads":                      h.list,
		"GET /v1/queue":                      h.queue,
		"POST /v1/leads/bulk-status":         h.bulkStatus,
		"POST /v1/leads/upload":              h.upload,
		"POST /v1/integrations/{crm}/status": h.crmSync,
		"GET /v1/leads/{id}":                 h.get,
		"GET /v1/leads/{id}/routing":         h.routingExplanation,
		"POST /v1/leads/{id}/assign":         h.assign,
		"POST /v1/leads/{id}/status":         h.changeStatus,
		"POST /v1/leads/{id}/touches":        h.logTouch,
		"GET /v1/leads/{id}/history":         h.history,
		"GET /v1/events":                     h.events,
		"POST /v1/admin/routing/simulate":    h.simulate,
	})
}

// receipt is the 201 body of an accepted lead.
type receipt struct {
	ID         string      `json:"id"`
	Status     lead.Status `json:"status"`
	ReceivedAt time.Time   `json:"receivedAt"`
}

func (h handler) create(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	resp, err := h.submit(ctx, r)
	if name := outcomeMetric(resp, err); name != "" {
		h.meter.Put(emf.Count(name, 1))
	}
	return resp, err
}

// outcomeMetric names what a submission became: accepted, a duplicate of a
// lead already held, or rejected as invalid (server faults are the
// function's Errors metric, and an idempotent replay is not a new outcome).
func outcomeMetric(resp httpapi.Response, err error) string {
	p := httpapi.ProblemFor(err)
	switch {
	case err == nil && resp.Headers["Idempotency-Replayed"] == "":
		return emf.LeadsAccepted
	case err == nil:
		return ""
	case p.Type == httpapi.ProblemTypePrefix+"duplicate-lead", p.Type == httpapi.ProblemTypePrefix+"already-registered":
		return emf.LeadsDuplicate
	case p.Status < 500:
		return emf.LeadsRejected
	}
	return ""
}

func (h handler) submit(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	idemKey := r.Header("Idempotency-Key")
	if len(idemKey) > 255 || !printableASCII(idemKey) {
		return httpapi.Response{}, httpapi.BadRequest("invalid-idempotency-key", "Invalid Idempotency-Key", "use 1 to 255 printable ASCII characters")
	}
	body, err := r.JSONBody(intake.MaxBodyBytes)
	if err != nil {
		return httpapi.Response{}, err
	}
	n, err := intake.Parse(body)
	if err != nil {
		return httpapi.Response{}, err
	}
	rc, err := h.leads.Submit(ctx, r.Principal, n, idemKey)
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.JSON(http.StatusCreated, receipt{ID: rc.LeadID, Status: rc.Status, ReceivedAt: rc.ReceivedAt})
	resp.Headers["Location"] = "/v1/leads/" + rc.LeadID
	if rc.Replayed {
		resp.Headers["Idempotency-Replayed"] = "true"
	}
	return resp, nil
}

func (h handler) get(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	l, err := h.leads.Get(ctx, r.Principal, r.Params["id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	auth.LogAccess(ctx, h.log, r.Principal, "lead", "leadId", l.ID)
	resp := httpapi.JSON(http.StatusOK, l)
	resp.Headers["ETag"] = httpapi.ETag(l.Version)
	return resp, nil
}

type page struct {
	Items      []lead.Lead `json:"items"`
	NextCursor string      `json:"nextCursor,omitempty"`
}

func (h handler) list(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	q := intake.ListQuery{PartnerID: r.Query("partnerId"), Cursor: r.Query("cursor")}
	var ve validation.Error
	if s := r.Query("status"); s != "" {
		st, err := lead.ParseStatus(s)
		if err != nil {
			ve.Add("status", "invalid_enum", "is not a lifecycle status")
		}
		q.Status = st
	}
	if s := r.Query("updatedSince"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			ve.Add("updatedSince", "invalid_time", "must be an RFC 3339 time such as 2026-01-31T00:00:00Z")
		}
		q.UpdatedSince = t
	}
	if s := r.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > intake.MaxPageSize {
			ve.Add("limit", "out_of_range", "must be a whole number from 1 to %d", intake.MaxPageSize)
		}
		q.Limit = n
	}
	if err := ve.OrNil(); err != nil {
		return httpapi.Response{}, err
	}
	p, err := h.leads.List(ctx, r.Principal, q)
	if err != nil {
		return httpapi.Response{}, err
	}
	if p.Leads == nil {
		p.Leads = []lead.Lead{}
	}
	ids := make([]string, len(p.Leads))
	for i, l := range p.Leads {
		ids[i] = l.ID
	}
	auth.LogAccess(ctx, h.log, r.Principal, "listing", "partnerId", q.PartnerID, "leadIds", ids)
	return httpapi.JSON(http.StatusOK, page{Items: p.Leads, NextCursor: p.NextCursor}), nil
}

func (h handler) openAPI(context.Context, httpapi.Request) (httpapi.Response, error) {
	return httpapi.Response{
		StatusCode: http.StatusOK,
		Headers:    map[string]string{"Content-Type": "application/json", "Cache-Control": "max-age=300"},
		Body:       string(openapi.Document),
	}, nil
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
