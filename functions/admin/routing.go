package main

import (
	"context"
	"net/http"

	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
)

// Routing administration: reps, rule sets and the what-if simulator.

const maxRoutingBody = 1 << 20

func (h handler) putRep(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	body, err := r.JSONBody(64 << 10)
	if err != nil {
		return httpapi.Response{}, err
	}
	rep, err := h.routing.PutRep(ctx, r.Params["id"], body)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, rep), nil
}

func (h handler) listReps(ctx context.Context, _ httpapi.Request) (httpapi.Response, error) {
	reps, err := h.routing.Store.Reps(ctx)
	if err != nil {
		return httpapi.Response{}, err
	}
	if reps == nil {
		reps = []routing.Rep{}
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"items": reps}), nil
}

func (h handler) getRules(ctx context.Context, _ httpapi.Request) (httpapi.Response, error) {
	rs, err := h.routing.Store.RuleSet(ctx)
	if err != nil {
		return httpapi.Response{}, err
	}
	if rs.Version == 0 {
		return httpapi.Response{}, routing.ErrNoRuleSet
	}
	return httpapi.JSON(http.StatusOK, rs), nil
}

func (h handler) putRules(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	body, err := r.JSONBody(maxRoutingBody)
	if err != nil {
		return httpapi.Response{}, err
	}
	ifVersion, err := r.IfMatch()
	if err != nil {
		return httpapi.Response{}, err
	}
	rs, err := h.routing.SaveRuleSet(ctx, body, int(ifVersion))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, rs), nil
}

func (h handler) putCalendar(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	body, err := r.JSONBody(64 << 10)
	if err != nil {
		return httpapi.Response{}, err
	}
	c, err := h.routing.PutCalendar(ctx, r.Params["name"], body)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, c), nil
}

func (h handler) listCalendars(ctx context.Context, _ httpapi.Request) (httpapi.Response, error) {
	cs, err := h.routing.Store.Calendars(ctx)
	if err != nil {
		return httpapi.Response{}, err
	}
	if cs == nil {
		cs = []routing.CalendarDef{}
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"builtIn": []string{"BR", ""}, "items": cs}), nil
}

func (h handler) putTeam(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	body, err := r.JSONBody(64 << 10)
	if err != nil {
		return httpapi.Response{}, err
	}
	t, err := h.routing.PutTeam(ctx, r.Params["id"], body)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, t), nil
}

func (h handler) listTeams(ctx context.Context, _ httpapi.Request) (httpapi.Response, error) {
	ts, err := h.routing.Store.Teams(ctx)
	if err != nil {
		return httpapi.Response{}, err
	}
	if ts == nil {
		ts = []routing.Team{}
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"items": ts}), nil
}

func (h handler) putCRMMapping(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var m lifecycle.CRMMapping
	if err := r.DecodeJSON(64<<10, &m); err != nil {
		return httpapi.Response{}, err
	}
	if m.CRM != r.Params["crm"] {
		return httpapi.Response{}, validation.Field("crm", "mismatch", "must equal the CRM in the path")
	}
	if err := m.Validate(); err != nil {
		return httpapi.Response{}, err
	}
	if err := h.mappings.PutCRMMapping(ctx, m); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, m), nil
}

func (h handler) getCRMMapping(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	m, err := h.mappings.CRMMapping(ctx, r.Params["crm"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, m), nil
}
