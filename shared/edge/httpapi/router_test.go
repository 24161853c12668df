package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/ratelimit"
)

type tokens map[string]auth.Principal

func (t tokens) Authenticate(_ context.Context, header string) (auth.Principal, error) {
	p, ok := t[strings.TrimPrefix(header, "Bearer ")]
	if !ok {
		return auth.Principal{}, auth.ErrUnauthenticated
	}
	return p, nil
}

// Person refuses the users listed as "removed:<sub>".
func (t tokens) Person(_ context.Context, claims map[string]string) (auth.Principal, error) {
	if _, gone := t["removed:"+claims[auth.ClaimUser]]; gone {
		return auth.Principal{}, auth.ErrPersonRemoved
	}
	return auth.FromClaims(claims)
}

// full refuses every partner after its first request.
type full map[string]int

func (f full) Allow(_ context.Context, partnerID string) error {
	f[partnerID]++
	if f[partnerID] > 1 {
		return &ratelimit.Exceeded{Limit: 1, RetryAfter: 17 * time.Second}
	}
	return nil
}

func TestRateLimitedPartnersGet429WithRetryAfter(t *testing.T) {
	t.Parallel()
	ok := func(context.Context, Request) (Response, error) { return JSON(http.StatusOK, map[string]string{}), nil }
	counts := full{}
	rt := Router{
		Routes: []Route{
			{Method: "GET", Pattern: "/x", Roles: []auth.Role{auth.RolePartner, auth.RoleManager}, Handler: ok},
			{Method: "GET", Pattern: "/public", Handler: ok},
		},
		Auth:    tokens{"p": {Role: auth.RolePartner, PartnerID: "p1"}, "m": {Role: auth.RoleManager, SubjectID: "m"}},
		Limiter: counts,
		Log:     slog.New(slog.NewJSONHandler(io.Discard, nil)),
	}
	call := func(path, token string) events.APIGatewayV2HTTPResponse {
		ev := events.APIGatewayV2HTTPRequest{RawPath: path, Headers: map[string]string{"authorization": "Bearer " + token}}
		ev.RequestContext.HTTP.Method = "GET"
		r, _ := rt.Handle(context.Background(), ev)
		return r
	}
	if r := call("/x", "p"); r.StatusCode != 200 {
		t.Fatalf("first request: %d", r.StatusCode)
	}
	r := call("/x", "p")
	if r.StatusCode != 429 || r.Headers["Retry-After"] != "17" || r.Headers["Content-Type"] != "application/problem+json" || !strings.Contains(r.Body, "rate-limited") {
		t.Fatalf("over the limit: %d %v %s", r.StatusCode, r.Headers, r.Body)
	}
	for range 3 {
		if r := call("/x", "m"); r.StatusCode != 200 {
			t.Fatalf("managers are not rate-limited: %d", r.StatusCode)
		}
		if r := call("/public", ""); r.StatusCode != 200 {
			t.Fatalf("public routes are not rate-limited: %d", r.StatusCode)
		}
	}
	if counts["p1"] != 2 || len(counts) != 1 {
		t.Fatalf("counted %v, want only p1's two requests", counts)
	}
}
