package main

import (
	"context"
	"net/http"

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/notify"
	"github.com/partnerleads/pipeline/shared/domain/ratelimit"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/sla"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/edge/endpoints"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
)

const maxBody = 4 << 10

// handler serves the directory: partners, keys, routing configuration, CRM
// mappings and notification settings. Admin routes are admin-only (managers
// may read routing); partners manage their own webhooks and preferences.
type handler struct {
	admin    admin.Service
	routing  routing.Admin
	mappings lifecycle.MappingStore
	notify   notify.Admin
	feed     feed
	replays  replayer
	// replayOnce spaces a partner's replays.
	replayOnce ratelimit.Once
	sla        sla.Admin
}

func routes(h handler) []httpapi.Route {
	return httpapi.MustBind(endpoints.Admin, map[string]httpapi.HandlerFunc{
		"GET /v1/admin/reps":                     h.listReps,
		"PUT /v1/admin/reps/{id}":                h.putRep,
		"POST /v1/webhooks/replay":               h.replay,
		"POST /v1/webhooks":                      h.createWebhook,
		"GET /v1/webhooks":                       h.listWebhooks,
		"DELETE /v1/webhooks/{id}":               h.deleteWebhook,
		"POST /v1/webhooks/{id}/rotate":          h.rotateWebhook,
		"GET /v1/notification-preferences":       h.getPrefs,
		"PUT /v1/notification-preferences":       h.putPrefs,
		"GET /v1/admin/channels":                 h.listChannels,
		"PUT /v1/admin/channels/{id}":            h.putChannel,
		"GET /v1/admin/crm/{crm}/mapping":        h.getCRMMapping,
		"PUT /v1/admin/crm/{crm}/mapping":        h.putCRMMapping,
		"GET /v1/admin/teams":                    h.listTeams,
		"PUT /v1/admin/teams/{id}":               h.putTeam,
		"GET /v1/admin/calendars":                h.listCalendars,
		"PUT /v1/admin/calendars/{name}":         h.putCalendar,
		"GET /v1/admin/routing/rules":            h.getRules,
		"PUT /v1/admin/routing/rules":            h.putRules,
		"GET /v1/admin/partners":                 h.listPartners,
		"POST /v1/admin/partners":                h.createPartner,
		"PUT /v1/admin/partners/{id}/program":    h.putProgram,
		"PUT /v1/admin/partners/{id}/rate-limit": h.putRateLimit,
		"GET /v1/admin/sla-policies":             h.listPolicies,
		"PUT /v1/admin/sla-policies/{program}":   h.putPolicy,
		"POST /v1/admin/keys":                    h.createKey,
		"GET /v1/admin/keys":                     h.listKeys,
		"POST /v1/admin/keys/{id}/revoke":        h.setStatus(auth.KeyRevoked),
		"POST /v1/admin/keys/{id}/disable":       h.setStatus(auth.KeyDisabled),
		"POST /v1/admin/keys/{id}/enable":        h.setStatus(auth.KeyActive),
	})
}

type partnerCreated struct {
	Partner admin.Partner `json:"partner"`
	admin.Issued
}

func (h handler) listPartners(ctx context.Context, _ httpapi.Request) (httpapi.Response, error) {
	ps, err := h.admin.ListPartners(ctx)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"items": ps}), nil
}

func (h handler) createPartner(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in struct {
		Name string `json:"name"`
	}
	if err := r.DecodeJSON(maxBody, &in); err != nil {
		return httpapi.Response{}, err
	}
	p, iss, err := h.admin.CreatePartner(ctx, in.Name)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, partnerCreated{Partner: p, Issued: iss}), nil
}

func (h handler) putRateLimit(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in struct {
		PerMinute *int `json:"perMinute"`
	}
	if err := r.DecodeJSON(maxBody, &in); err != nil {
		return httpapi.Response{}, err
	}
	if in.PerMinute == nil {
		return httpapi.Response{}, validation.Field("perMinute", "required", "is required: -1 (no limit), 0 (the default) or a number of requests")
	}
	if err := h.admin.SetRateLimit(ctx, r.Params["id"], *in.PerMinute); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"partnerId": r.Params["id"], "perMinute": *in.PerMinute}), nil
}

func (h handler) createKey(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in struct {
		Role      auth.Role `json:"role"`
		PartnerID string    `json:"partnerId"`
		SubjectID string    `json:"subjectId"`
		Name      string    `json:"name"`
	}
	if err := r.DecodeJSON(maxBody, &in); err != nil {
		return httpapi.Response{}, err
	}
	iss, err := h.admin.CreateKey(ctx, in.Role, in.PartnerID, in.SubjectID, in.Name)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, iss), nil
}

func (h handler) listKeys(ctx context.Context, _ httpapi.Request) (httpapi.Response, error) {
	keys, err := h.admin.ListKeys(ctx)
	if err != nil {
		return httpapi.Response{}, err
	}
	if keys == nil {
		keys = []auth.Key{}
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"items": keys}), nil
}

func (h handler) setStatus(status string) httpapi.HandlerFunc {
	return func(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
		k, err := h.admin.SetKeyStatus(ctx, r.Params["id"], status)
		if err != nil {
			return httpapi.Response{}, err
		}
		return httpapi.JSON(http.StatusOK, k), nil
	}
}
