package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/ratelimit"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

// adminAPI is the admin function's routes over an in-memory store, with an
// admin and a manager token; do sends one request (header name and value
// pairs after the body).
func adminAPI() (st *memstore.Store, adminToken, mgrToken string, do func(method, path, token, body string, header ...string) (int, map[string]any)) {
	st = memstore.New()
	ctx := context.Background()
	adminKey, adminToken, _ := auth.NewKey(auth.RoleAdmin, "", "root", "root", time.Now())
	mgrKey, mgrToken, _ := auth.NewKey(auth.RoleManager, "", "m", "m", time.Now())
	_ = st.PutKey(ctx, adminKey)
	_ = st.PutKey(ctx, mgrKey)
	h := handler{admin: admin.Service{Partners: st, Keys: st, Now: time.Now}, routing: routing.Admin{Store: st}, mappings: st,
		feed: st, replays: &sentReplays{}, replayOnce: ratelimit.Once{Counter: memstore.NewRateCounter(), Every: time.Minute, Now: time.Now}}
	r := httpapi.Router{Routes: routes(h),
		Auth: auth.Authenticator{Keys: st}, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	do = func(method, path, token, body string, header ...string) (int, map[string]any) {
		ev := lambdaevents.APIGatewayV2HTTPRequest{RawPath: path, Body: body,
			Headers: map[string]string{"authorization": "Bearer " + token, "content-type": "application/json"}}
		for i := 0; i+1 < len(header); i += 2 {
			ev.Headers[strings.ToLower(header[i])] = header[i+1]
		}
		ev.RequestContext.HTTP.Method = method
		resp, _ := r.Handle(ctx, ev)
		var m map[string]any
		_ = json.Unmarshal([]byte(resp.Body), &m)
		return resp.StatusCode, m
	}
	return st, adminToken, mgrToken, do
}

func TestAdminRoutes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, adminToken, mgrToken, do := adminAPI()
	authn := auth.Authenticator{Keys: st}

	if code, _ := do("GET", "/v1/admin/keys", mgrToken, ""); code != 403 {
		t.Fatalf("manager on admin route: %d", code)
	}
	code, m := do("POST", "/v1/admin/partners", adminToken, `{"name":"Acme"}`)
	if code != 201 {
		t.Fatalf("create partner: %d %v", code, m)
	}
	partnerToken := m["apiKey"].(string)
	partnerID := m["partner"].(map[string]any)["id"].(string)
	keyID := m["key"].(map[string]any)["id"].(string)
	if p, err := authn.Authenticate(ctx, "Bearer "+partnerToken); err != nil || p.PartnerID != partnerID {
		t.Fatalf("new partner key: %+v %v", p, err)
	}
	cases := []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/v1/admin/partners", `{"name":""}`, 422},
		{"POST", "/v1/admin/partners", `{"name":"x","tier":"gold"}`, 422},
		{"POST", "/v1/admin/keys", `{"role":"root"}`, 422},
		{"POST", "/v1/admin/keys", `{"role":"partner","partnerId":"ptn_nope"}`, 422},
		{"POST", "/v1/admin/keys", `{"role":"rep","subjectId":"rep-1","name":"Rui"}`, 201},
		{"POST", "/v1/admin/keys", `{"role":"partner","partnerId":"` + partnerID + `"}`, 201},
		{"GET", "/v1/admin/keys", "", 200},
		{"POST", "/v1/admin/keys/" + keyID + "/disable", "", 200},
		{"POST", "/v1/admin/keys/" + keyID + "/enable", "", 200},
		{"POST", "/v1/admin/keys/" + keyID + "/revoke", "", 200},
		{"POST", "/v1/admin/keys/" + keyID + "/enable", "", 409},
		{"POST", "/v1/admin/keys/nokey/revoke", "", 404},
	}
	for _, c := range cases {
		if code, m := do(c.method, c.path, adminToken, c.body); code != c.want {
			t.Errorf("%s %s %s: %d %v, want %d", c.method, c.path, c.body, code, m, c.want)
		}
	}
	if _, err := authn.Authenticate(ctx, "Bearer "+partnerToken); err == nil {
		t.Fatal("revoked partner key still authenticates")
	}
	code, m = do("GET", "/v1/admin/keys", adminToken, "")
	for _, k := range m["items"].([]any) {
		if _, leaked := k.(map[string]any)["hash"]; leaked {
			t.Fatal("key listing leaks hashes")
		}
	}
	if code != 200 || len(m["items"].([]any)) != 5 {
		t.Fatalf("list: %d %d keys", code, len(m["items"].([]any)))
	}
}

// Managers pick a partner from the list to see its leads; it comes by name.
func TestPartnersListedByName(t *testing.T) {
	t.Parallel()
	_, adminToken, mgrToken, do := adminAPI()
	for _, n := range []string{"zeta Ltda", "Acme", "beta SA"} {
		if code, m := do("POST", "/v1/admin/partners", adminToken, `{"name":"`+n+`"}`); code != 201 {
			t.Fatalf("create %s: %d %v", n, code, m)
		}
	}
	code, m := do("GET", "/v1/admin/partners", mgrToken, "")
	items, _ := m["items"].([]any)
	var names []string
	for _, it := range items {
		names = append(names, it.(map[string]any)["name"].(string))
	}
	if code != 200 || strings.Join(names, ",") != "Acme,beta SA,zeta Ltda" {
		t.Fatalf("GET /v1/admin/partners = %d %v, want 200 with Acme,beta SA,zeta Ltda", code, m)
	}
}

// A rule set saved with If-Match must be based on the current version, so
// two admins editing at once cannot lose one's change.
func TestRuleSetIfMatch(t *testing.T) {
	t.Parallel()
	_, adminToken, _, do := adminAPI()
	rep := `{"id":"rep-1","name":"R","active":true,"weight":1,"capacity":{"maxOpen":10},"workingHours":{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[1,2,3,4,5],"start":"09:00","end":"18:00"}}`
	if code, m := do("PUT", "/v1/admin/reps/rep-1", adminToken, rep); code != 200 {
		t.Fatalf("put rep: %d %v", code, m)
	}
	rules := `{"fallbackOwner":"rep-1","rules":[{"id":"r","pool":["rep-1"],"strategy":"least_loaded"}],"scoring":{"gradeA":80,"gradeB":40}}`
	other := `{"fallbackOwner":"rep-1","rules":[{"id":"r2","pool":["rep-1"],"strategy":"least_loaded"}],"scoring":{"gradeA":70,"gradeB":40}}`
	steps := []struct {
		ifMatch, body string
		want          int
		version       float64
	}{
		{"", rules, 201, 1},
		{"1", rules, 201, 2},
		{"1", rules, 201, 2}, // the same save resent (its answer was lost): answered again, no new version
		{"1", other, 409, 0}, // edited from version 1, but 2 was saved since
		{"x", rules, 400, 0},
		{`"2"`, rules, 201, 3}, // the ETag form
	}
	for _, s := range steps {
		var header []string
		if s.ifMatch != "" {
			header = []string{"If-Match", s.ifMatch}
		}
		code, m := do("PUT", "/v1/admin/routing/rules", adminToken, s.body, header...)
		if code != s.want || (s.version > 0 && m["version"] != s.version) {
			t.Errorf("If-Match %q: %d %v, want %d version %v", s.ifMatch, code, m, s.want, s.version)
		}
	}
	if code, m := do("GET", "/v1/admin/routing/rules", adminToken, ""); code != 200 || m["version"] != float64(3) {
		t.Fatalf("current rule set: %d %v", code, m)
	}
}

// The API means what its document says: a replay of more than 500 events,
// or a null for a field that cannot be null, is refused, not read as the
// default.
func TestReplayLimitsAndNulls(t *testing.T) {
	t.Parallel()
	st, adminToken, _, do := adminAPI()
	k, tok, _ := auth.NewKey(auth.RolePartner, "p1", "", "p", time.Now())
	_ = st.PutKey(context.Background(), k)
	for body, want := range map[string]string{`{"limit":501}`: "limit", `{"limit":-1}`: "limit", `{"after":null}`: "after"} {
		code, m := do("POST", "/v1/webhooks/replay", tok, body)
		errs, _ := m["errors"].([]any)
		first, _ := func() (map[string]any, bool) {
			if len(errs) == 0 {
				return nil, false
			}
			f, ok := errs[0].(map[string]any)
			return f, ok
		}()
		if code != 422 || len(errs) != 1 || first["field"] != want {
			t.Errorf("replay %s: %d %v, want 422 on %s", body, code, m, want)
		}
	}
	if code, m := do("PUT", "/v1/admin/reps/r1", adminToken, `{"id":"r1","name":"R","active":true,"weight":1,"onCall":null,"capacity":{"maxOpen":5},"workingHours":{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[1],"start":"09:00","end":"18:00"}}`); code != 422 {
		t.Errorf(`a rep with "onCall":null: %d %v, want 422`, code, m)
	}
}

type sentReplays struct{ n int }

func (s *sentReplays) Replay(_ context.Context, bodies []string) error {
	s.n += len(bodies)
	return nil
}

// One replay per partner per minute: the second is a 429 naming the replay
// under way, another partner's goes through.
func TestOneReplayAtATime(t *testing.T) {
	t.Parallel()
	st, _, _, do := adminAPI()
	tokens := map[string]string{}
	for _, p := range []string{"p1", "p2"} {
		k, tok, _ := auth.NewKey(auth.RolePartner, p, "", p, time.Now())
		_ = st.PutKey(context.Background(), k)
		tokens[p] = tok
	}
	if code, m := do("POST", "/v1/webhooks/replay", tokens["p1"], `{}`); code != 202 {
		t.Fatalf("the first replay: %d %v, want 202", code, m)
	}
	if code, m := do("POST", "/v1/webhooks/replay", tokens["p1"], `{}`); code != 429 || !strings.Contains(fmt.Sprint(m["type"]), "replay-in-progress") {
		t.Fatalf("a second replay within the minute: %d %v, want 429 replay-in-progress", code, m)
	}
	if code, m := do("POST", "/v1/webhooks/replay", tokens["p2"], `{}`); code != 202 {
		t.Fatalf("another partner's replay: %d %v, want 202", code, m)
	}
}
