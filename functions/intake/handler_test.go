package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/events"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/edge/emf"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
	"github.com/partnerleads/pipeline/shared/testkit/intaketest"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

type fixture struct {
	router  httpapi.Router
	store   *memstore.Store
	tokens  map[string]string // by name
	keyIDs  map[string]string
	partner map[string]string // partner id by name
	metrics bytes.Buffer      // EMF records the handler wrote
	logs    bytes.Buffer      // the handler's log lines (the access log)
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	st := memstore.New()
	f := &fixture{store: st, tokens: map[string]string{}, keyIDs: map[string]string{}, partner: map[string]string{"a": "ptn_a", "b": "ptn_b"}}
	mint := func(name string, role auth.Role, partnerID string) {
		k, tok, err := auth.NewKey(role, partnerID, "", name, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := st.PutKey(context.Background(), k); err != nil {
			t.Fatal(err)
		}
		f.tokens[name], f.keyIDs[name] = tok, k.ID
	}
	mint("a", auth.RolePartner, "ptn_a")
	mint("b", auth.RolePartner, "ptn_b")
	mint("manager", auth.RoleManager, "")
	mint("finance", auth.RoleFinance, "")
	h := handler{leads: intake.NewService(st, intake.DefaultConfig, time.Now), router: routing.NewService(st, st, time.Now, time.Minute),
		lifecycle: lifecycle.NewService(st, time.Now), mappings: st, log: slog.New(slog.NewJSONHandler(&f.logs, nil)),
		meter: emf.NewMeter(&f.metrics, "intake", time.Now)}
	f.router = httpapi.Router{Routes: routes(h), Auth: auth.Authenticator{Keys: st}, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	return f
}

// request builds an event from the checked-in POST sample, as API Gateway
// would send it.
func (f *fixture) request(t testing.TB, method, path, who, body string, headers map[string]string) lambdaevents.APIGatewayV2HTTPRequest {
	t.Helper()
	var ev lambdaevents.APIGatewayV2HTTPRequest
	if err := events.Sample("http-api-post-lead", &ev); err != nil {
		t.Fatal(err)
	}
	ev.RequestContext.HTTP.Method, ev.RawPath, ev.Body = method, path, body
	path, query, _ := strings.Cut(path, "?")
	ev.RawPath, ev.RawQueryString = path, query
	ev.QueryStringParameters = map[string]string{}
	for _, kv := range strings.Split(query, "&") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			ev.QueryStringParameters[k] = v
		}
	}
	delete(ev.Headers, "idempotency-key")
	ev.Headers["authorization"] = "Bearer " + f.tokens[who]
	for k, v := range headers {
		ev.Headers[k] = v
	}
	return ev
}

func (f *fixture) do(t testing.TB, method, path, who, body string, headers map[string]string) (int, map[string]any, lambdaevents.APIGatewayV2HTTPResponse) {
	t.Helper()
	resp, err := f.router.Handle(context.Background(), f.request(t, method, path, who, body, headers))
	if err != nil {
		t.Fatalf("Handle returned an error: %v", err)
	}
	var m map[string]any
	_ = json.Unmarshal([]byte(resp.Body), &m)
	return resp.StatusCode, m, resp
}

func (f *fixture) leadCount(t *testing.T, partner string) int {
	t.Helper()
	p, err := f.store.List(context.Background(), intake.ListQuery{PartnerID: partner, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return len(p.Leads)
}

func TestCreateGetList(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	code, body, resp := f.do(t, "POST", "/v1/leads", "a", intaketest.ValidBody, map[string]string{"Idempotency-Key": "k1"})
	if code != http.StatusCreated || body["status"] != "new" || resp.Headers["Location"] != "/v1/leads/"+body["id"].(string) {
		t.Fatalf("create: %d %v %v", code, body, resp.Headers)
	}
	id := body["id"].(string)

	code, got, _ := f.do(t, "GET", "/v1/leads/"+id, "a", "", nil)
	if code != 200 || got["id"] != id || got["contact"].(map[string]any)["phone"] != "+5511912345678" {
		t.Fatalf("get: %d %v", code, got)
	}
	if code, p, _ := f.do(t, "GET", "/v1/leads/"+id, "b", "", nil); code != 404 || p["type"] != httpapi.ProblemTypePrefix+"not-found" {
		t.Fatalf("cross-partner get: %d %v", code, p)
	}
	if code, _, _ := f.do(t, "GET", "/v1/leads/"+id, "manager", "", nil); code != 200 {
		t.Fatalf("manager get: %d", code)
	}
	if code, p, _ := f.do(t, "GET", "/v1/leads?status=new", "a", "", nil); code != 200 || len(p["items"].([]any)) != 1 {
		t.Fatalf("list: %d %v", code, p)
	}
	if code, p, _ := f.do(t, "GET", "/v1/leads", "b", "", nil); code != 200 || len(p["items"].([]any)) != 0 {
		t.Fatalf("other partner's list: %d %v", code, p)
	}
	code, _, resp = f.do(t, "POST", "/v1/leads", "a", intaketest.ValidBody, map[string]string{"Idempotency-Key": "k1"})
	if code != 201 || resp.Headers["Idempotency-Replayed"] != "true" {
		t.Fatalf("replay: %d %v", code, resp.Headers)
	}
	code, p, _ := f.do(t, "POST", "/v1/leads", "a", intaketest.ValidBody, nil)
	if code != 409 || p["existingLeadId"] != id || p["type"] != httpapi.ProblemTypePrefix+"duplicate-lead" {
		t.Fatalf("duplicate: %d %v", code, p)
	}
	code, p, _ = f.do(t, "POST", "/v1/leads", "b", intaketest.ValidBody, nil)
	if code != 409 || p["type"] != httpapi.ProblemTypePrefix+"already-registered" || strings.Contains(p["detail"].(string), "ptn_a") {
		t.Fatalf("channel conflict: %d %v", code, p)
	}
}

func TestBase64Body(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ev := f.request(t, "POST", "/v1/leads", "a", base64.StdEncoding.EncodeToString([]byte(intaketest.ValidBody)), nil)
	ev.IsBase64Encoded = true
	resp, _ := f.router.Handle(context.Background(), ev)
	if resp.StatusCode != 201 {
		t.Fatalf("base64 body: %d %s", resp.StatusCode, resp.Body)
	}
}

// Every refused request answers problem+json with a stable type and stores
// nothing.
func TestRefusedRequestsStoreNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	type tc struct {
		name, method, path, who, body string
		headers                       map[string]string
		status                        int
		slug                          string
	}
	cases := []tc{
		{"no key", "POST", "/v1/leads", "", intaketest.ValidBody, map[string]string{"authorization": ""}, 401, "unauthenticated"},
		{"bad key", "POST", "/v1/leads", "", intaketest.ValidBody, map[string]string{"authorization": "Bearer nope"}, 401, "unauthenticated"},
		{"manager cannot submit", "POST", "/v1/leads", "manager", intaketest.ValidBody, nil, 403, "forbidden"},
		{"finance cannot list", "GET", "/v1/leads", "finance", "", nil, 403, "forbidden"},
		{"text/plain", "POST", "/v1/leads", "a", intaketest.ValidBody, map[string]string{"content-type": "text/plain"}, 415, "unsupported-media-type"},
		{"idempotency key too long", "POST", "/v1/leads", "a", intaketest.ValidBody, map[string]string{"Idempotency-Key": strings.Repeat("k", 256)}, 400, "invalid-idempotency-key"},
		{"idempotency key control char", "POST", "/v1/leads", "a", intaketest.ValidBody, map[string]string{"Idempotency-Key": "a\tb"}, 400, "invalid-idempotency-key"},
		{"unknown route", "GET", "/v1/nothing", "a", "", nil, 404, "not-found"},
		{"wrong method", "DELETE", "/v1/leads", "a", "", nil, 405, "method-not-allowed"},
		{"bad cursor", "GET", "/v1/leads?cursor=zzz", "a", "", nil, 400, "invalid-cursor"},
		{"bad status filter", "GET", "/v1/leads?status=closed", "a", "", nil, 422, "validation-error"},
		{"bad limit", "GET", "/v1/leads?limit=1000", "a", "", nil, 422, "validation-error"},
		{"manager without partnerId", "GET", "/v1/leads", "manager", "", nil, 422, "validation-error"},
	}
	for _, ib := range intaketest.InvalidBodies() {
		status, slug := 422, "validation-error"
		switch ib.Code {
		case "malformed_json":
			status, slug = 400, "malformed-json"
		case "too_large":
			status, slug = 413, "body-too-large"
		}
		cases = append(cases, tc{"body: " + ib.Name, "POST", "/v1/leads", "a", ib.Body, nil, status, slug})
	}
	for _, c := range cases {
		code, p, resp := f.do(t, c.method, c.path, c.who, c.body, c.headers)
		if code != c.status || p["type"] != httpapi.ProblemTypePrefix+c.slug || resp.Headers["Content-Type"] != "application/problem+json" || p["status"] != float64(c.status) {
			t.Errorf("%s: %d %v %v; want %d %s", c.name, code, p, resp.Headers["Content-Type"], c.status, c.slug)
		}
	}
	if n := f.leadCount(t, "ptn_a"); n != 0 {
		t.Fatalf("%d leads stored by refused requests", n)
	}
	if len(cases) < 30 {
		t.Fatalf("only %d refused requests checked", len(cases))
	}
}

func TestRevokedKeyStopsAtOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if code, _, _ := f.do(t, "GET", "/v1/leads", "a", "", nil); code != 200 {
		t.Fatalf("before revoke: %d", code)
	}
	if _, err := f.store.SetKeyStatus(context.Background(), f.keyIDs["a"], auth.KeyRevoked, time.Now()); err != nil {
		t.Fatal(err)
	}
	if code, _, resp := f.do(t, "GET", "/v1/leads", "a", "", nil); code != 401 || resp.Headers["WWW-Authenticate"] == "" {
		t.Fatalf("after revoke: %d", code)
	}
}

func TestOpenAPIIsPublic(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	code, doc, _ := f.do(t, "GET", "/v1/openapi.json", "", "", map[string]string{"authorization": ""})
	if code != 200 || doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi: %d %v", code, doc["openapi"])
	}
}

func TestSubmissionOutcomesAreCounted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	key := map[string]string{"Idempotency-Key": "k1"}
	for _, c := range []struct {
		who, body string
		headers   map[string]string
		code      int
	}{
		{"a", intaketest.ValidBody, key, 201},                                          // accepted
		{"a", intaketest.ValidBody, key, 201},                                          // replay: not a new outcome
		{"a", intaketest.ValidBody, nil, 409},                                          // duplicate
		{"b", intaketest.ValidBody, nil, 409},                                          // another partner's: duplicate
		{"a", `{"company":{}}`, nil, 422},                                              // rejected
		{"a", `{"company":`, nil, 400},                                                 // rejected
		{"a", intaketest.ValidBody, map[string]string{"Idempotency-Key": "a\tb"}, 400}, // rejected
		{"manager", intaketest.ValidBody, nil, 403},                                    // never reached the handler
	} {
		if code, p, _ := f.do(t, "POST", "/v1/leads", c.who, c.body, c.headers); code != c.code {
			t.Fatalf("%s %q: %d %v", c.who, c.body, code, p)
		}
	}
	got := map[string]float64{}
	for _, line := range strings.Split(strings.TrimSpace(f.metrics.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("EMF line %q: %v", line, err)
		}
		for _, name := range []string{emf.LeadsAccepted, emf.LeadsDuplicate, emf.LeadsRejected} {
			if v, ok := rec[name].(float64); ok {
				got[name] += v
			}
		}
	}
	want := map[string]float64{emf.LeadsAccepted: 1, emf.LeadsDuplicate: 2, emf.LeadsRejected: 3}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("counted %v, want %v", got, want)
	}
}

// accessLines are the "data access" lines logged, decoded.
func (f *fixture) accessLines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(f.logs.String()), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "data access" {
			out = append(out, m)
		}
	}
	return out
}

// Reads by internal roles are access-logged, listings too, with ids and
// never contact data; a partner reading its own leads is not logged.
func TestInternalReadsAreAccessLogged(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, body, _ := f.do(t, "POST", "/v1/leads", "a", intaketest.ValidBody, nil)
	id := body["id"].(string)
	f.do(t, "GET", "/v1/leads/"+id, "a", "", nil)
	f.do(t, "GET", "/v1/leads?partnerId=ptn_a", "a", "", nil)
	if lines := f.accessLines(t); len(lines) != 0 {
		t.Fatalf("a partner's reads of its own leads were access-logged: %v", lines)
	}
	f.do(t, "GET", "/v1/leads/"+id, "manager", "", nil)
	if code, _, _ := f.do(t, "GET", "/v1/leads?partnerId=ptn_a", "manager", "", nil); code != 200 {
		t.Fatalf("manager listing: %d", code)
	}
	lines := f.accessLines(t)
	if len(lines) != 2 || lines[0]["access"] != "lead" || lines[0]["leadId"] != id || lines[1]["access"] != "listing" ||
		lines[1]["partnerId"] != "ptn_a" || fmt.Sprint(lines[1]["leadIds"]) != "["+id+"]" || lines[1]["keyId"] != f.keyIDs["manager"] || lines[1]["role"] != "manager" {
		t.Fatalf("access log: %v", lines)
	}
	if strings.Contains(f.logs.String(), "@") {
		t.Fatalf("the log holds an email address: %s", f.logs.String())
	}
}
