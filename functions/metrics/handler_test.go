package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/metrics"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

func TestMetricsRoutes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memstore.New()
	pKey, pToken, _ := auth.NewKey(auth.RolePartner, "p1", "", "p", time.Now())
	repKey, repToken, _ := auth.NewKey(auth.RoleRep, "", "r", "r", time.Now())
	_ = st.PutKey(ctx, pKey)
	_ = st.PutKey(ctx, repKey)
	h := handler{metrics: metrics.Service{Store: memstore.NewMetrics(), Now: time.Now}}
	r := httpapi.Router{Routes: routes(h), Auth: auth.Authenticator{Keys: st}, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	cases := []struct {
		name, path, token string
		status            int
		contains          string
	}{
		{"the page is public", "/dashboard", "", 200, `<svg id="funnel"`},
		{"its script", "/dashboard/app.js", "", 200, `fetch(path`},
		{"its style", "/dashboard/app.css", "", 200, `.tiles`},
		{"the API reference is public", "/v1/docs", "", 200, `id="putRules"`},
		{"numbers need a key", "/v1/metrics", "", 401, ""},
		{"a partner's own numbers", "/v1/metrics", pToken, 200, `"partnerId":"p1"`},
		{"not another partner's", "/v1/metrics?partnerId=p2", pToken, 403, ""},
		{"reps have no indicators", "/v1/metrics", repToken, 403, ""},
		{"a bad period", "/v1/metrics?from=yesterday", pToken, 422, ""},
		{"stale days must be a number", "/v1/metrics/stale?days=x", pToken, 400, ""},
		{"no report yet", "/v1/metrics/reports/2026-03-02", pToken, 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path, query, _ := strings.Cut(c.path, "?")
			ev := lambdaevents.APIGatewayV2HTTPRequest{RawPath: path, Headers: map[string]string{}}
			if c.token != "" {
				ev.Headers["authorization"] = "Bearer " + c.token
			}
			if query != "" {
				k, v, _ := strings.Cut(query, "=")
				ev.QueryStringParameters = map[string]string{k: v}
			}
			ev.RequestContext.HTTP.Method = "GET"
			resp, _ := r.Handle(ctx, ev)
			if resp.StatusCode != c.status || !strings.Contains(resp.Body, c.contains) {
				t.Fatalf("%d %.200s", resp.StatusCode, resp.Body)
			}
			if strings.HasPrefix(path, "/dashboard") && !strings.Contains(resp.Headers["Content-Security-Policy"], "script-src 'self'") {
				t.Fatalf("no strict CSP: %v", resp.Headers)
			}
			if resp.StatusCode == 200 && resp.Headers["Content-Security-Policy"] != "" &&
				(resp.Headers["Strict-Transport-Security"] == "" || resp.Headers["X-Content-Type-Options"] != "nosniff") {
				t.Fatalf("a page without the security headers: %v", resp.Headers)
			}
		})
	}
}
