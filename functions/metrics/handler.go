package main

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/metrics"
	"github.com/partnerleads/pipeline/shared/edge/apiref"
	"github.com/partnerleads/pipeline/shared/edge/endpoints"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
)

//go:embed dashboard
var dashboard embed.FS

var page, _ = fs.Sub(dashboard, "dashboard")

// handler serves the indicators and the dashboard page that shows them.
type handler struct {
	metrics metrics.Service
	log     *slog.Logger // the access log of internal roles' reads
}

func routes(h handler) []httpapi.Route {
	return httpapi.MustBind(endpoints.Metrics, map[string]httpapi.HandlerFunc{
		"GET /v1/metrics":                h.indicators,
		"GET /v1/metrics/stale":          h.stale,
		"GET /v1/metrics/reports/{week}": h.report,
		"GET /dashboard":                 httpapi.Static(page, "index.html"),
		"GET /dashboard/app.js":          httpapi.Static(page, "app.js"),
		"GET /dashboard/app.css":         httpapi.Static(page, "app.css"),
		"GET /v1/docs":                   reference,
	})
}

// reference is the API's reference page (package apiref renders it).
func reference(context.Context, httpapi.Request) (httpapi.Response, error) {
	page, csp := apiref.Reference()
	return httpapi.Page("text/html; charset=utf-8", "max-age=300", csp, page), nil
}

func (h handler) indicators(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	in, err := h.metrics.Indicators(ctx, r.Principal, metrics.Query{PartnerID: r.Query("partnerId"), From: r.Query("from"), To: r.Query("to")})
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, in), nil
}

func (h handler) stale(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	days := 3
	if v := r.Query("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return httpapi.Response{}, httpapi.BadRequest("invalid-parameter", "Invalid days", "days must be a whole number")
		}
		days = n
	}
	list, err := h.metrics.StaleList(ctx, r.Principal, r.Query("partnerId"), days)
	if err != nil {
		return httpapi.Response{}, err
	}
	if list == nil {
		list = []metrics.StaleLead{}
	}
	ids := make([]string, len(list))
	for i, l := range list {
		ids[i] = l.LeadID
	}
	auth.LogAccess(ctx, h.log, r.Principal, "stale list", "partnerId", r.Query("partnerId"), "leadIds", ids)
	return httpapi.JSON(http.StatusOK, map[string]any{"days": days, "items": list}), nil
}

func (h handler) report(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	rep, err := h.metrics.GetReport(ctx, r.Principal, r.Query("partnerId"), r.Params["week"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, rep), nil
}
