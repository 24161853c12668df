package main

import (
	"context"
	"net/http"

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/notify"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/sla"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
)

const maxBody = 4 << 10

// handler serves the directory: partners, keys, routing configuration, CRM
// mappings and notification settings. Admin routes are admin-only (managers
// may read routing); partners manage their own webhooks and preferences.
type handler struct {
	admin    admin.Service
	routing  routing.Admin
	recent   routing.RecentLeads
	mappings lifecycle.MappingStore
	notify   notify.Admin
	feed     feed
	replays  replayer
	sla      sla.Admin
}

func routes(h handler) []httpapi.Route {
	only := []auth.Role{auth.RoleAdmin}
	managers := []auth.Role{auth.RoleAdmin, auth.RoleManager}
	partners := []auth.Role{auth.RolePartner}
	return []httpapi.Route{
		{Method: http.MethodGet, Pattern: "/v1/admin/reps", Roles: managers, Handler: h.listReps},
		{Method: http.MethodPut, Pattern: "/v1/admin/reps/{id}", Roles: only, Handler: h.putRep},
		{Method: http.MethodPost, Pattern: "/v1/webhooks/replay", Roles: partners, Handler: h.replay},
		{Method: http.MethodPost, Pattern: "/v1/webhooks", Roles: partners, Handler: h.createWebhook},
		{Method: http.MethodGet, Pattern: "/v1/webhooks", Roles: partners, Handler: h.listWebhooks},
		{Method: http.MethodDelete, Pattern: "/v1/webhooks/{id}", Roles: partners, Handler: h.deleteWebhook},
		{Method: http.MethodPost, Pattern: "/v1/webhooks/{id}/rotate", Roles: partners, Handler: h.rotateWebhook},
		{Method: http.MethodGet, Pattern: "/v1/notification-preferences", Roles: partners, Handler: h.getPrefs},
		{Method: http.MethodPut, Pattern: "/v1/notification-preferences", Roles: partners, Handler: h.putPrefs},
		{Method: http.MethodGet, Pattern: "/v1/admin/channels", Roles: managers, Handler: h.listChannels},
		{Method: http.MethodPut, Pattern: "/v1/admin/channels/{id}", Roles: only, Handler: h.putChannel},
		{Method: http.MethodGet, Pattern: "/v1/admin/crm/{crm}/mapping", Roles: managers, Handler: h.getCRMMapping},
		{Method: http.MethodPut, Pattern: "/v1/admin/crm/{crm}/mapping", Roles: only, Handler: h.putCRMMapping},
		{Method: http.MethodGet, Pattern: "/v1/admin/teams", Roles: managers, Handler: h.listTeams},
		{Method: http.MethodPut, Pattern: "/v1/admin/teams/{id}", Roles: only, Handler: h.putTeam},
		{Method: http.MethodGet, Pattern: "/v1/admin/calendars", Roles: managers, Handler: h.listCalendars},
		{Method: http.MethodPut, Pattern: "/v1/admin/calendars/{name}", Roles: only, Handler: h.putCalendar},
		{Method: http.MethodGet, Pattern: "/v1/admin/routing/rules", Roles: managers, Handler: h.getRules},
		{Method: http.MethodPut, Pattern: "/v1/admin/routing/rules", Roles: only, Handler: h.putRules},
		{Method: http.MethodPost, Pattern: "/v1/admin/routing/simulate", Roles: managers, Handler: h.simulate},
		{Method: http.MethodPost, Pattern: "/v1/admin/partners", Roles: only, Handler: h.createPartner},
		{Method: http.MethodPut, Pattern: "/v1/admin/partners/{id}/program", Roles: only, Handler: h.putProgram},
		{Method: http.MethodPut, Pattern: "/v1/admin/partners/{id}/rate-limit", Roles: only, Handler: h.putRateLimit},
		{Method: http.MethodGet, Pattern: "/v1/admin/sla-policies", Roles: managers, Handler: h.listPolicies},
		{Method: http.MethodPut, Pattern: "/v1/admin/sla-policies/{program}", Roles: only, Handler: h.putPolicy},
		{Method: http.MethodPost, Pattern: "/v1/admin/keys", Roles: only, Handler: h.createKey},
		{Method: http.MethodGet, Pattern: "/v1/admin/keys", Roles: only, Handler: h.listKeys},
		{Method: http.MethodPost, Pattern: "/v1/admin/keys/{id}/revoke", Roles: only, Handler: h.setStatus(auth.KeyRevoked)},
		{Method: http.MethodPost, Pattern: "/v1/admin/keys/{id}/disable", Roles: only, Handler: h.setStatus(auth.KeyDisabled)},
		{Method: http.MethodPost, Pattern: "/v1/admin/keys/{id}/enable", Roles: only, Handler: h.setStatus(auth.KeyActive)},
	}
}

type partnerCreated struct {
	Partner admin.Partner `json:"partner"`
	admin.Issued
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
