//go:build e2e

// Package e2e drives the stack deployed on the emulator (or AWS) through its
// public HTTP API, and checks every exchange against the OpenAPI document.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	lambdasvc "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/partnerleads/pipeline/shared/aws/deployed"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/edge/openapi"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

// api is a client of the deployed stage.
type api struct {
	base   string
	http   *http.Client
	router routers.Router
	admin  string // an admin token, minted straight into the directory table
}

func newAPI(t *testing.T) *api {
	t.Helper()
	ctx := context.Background()
	st, err := deployed.Open(ctx, stackinfo.DefaultStack)
	if err != nil {
		t.Fatal(err)
	}
	base := st.Base
	adminToken, err := st.MintKey(ctx, auth.RoleAdmin, "", "e2e", "e2e admin")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document)
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = openapi3.Servers{{URL: base}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &api{base: base, http: &http.Client{Timeout: 30 * time.Second}, router: router, admin: adminToken}
}

// reply is a decoded answer.
type reply struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func (r reply) problemType() string {
	s, _ := r.body["type"].(string)
	return strings.TrimPrefix(s, "urn:partnerleads:problem:")
}

// call sends one request. The response is always checked against the
// OpenAPI document; the request too when validRequest is set (malformed
// requests are sent on purpose and would fail that check).
func (a *api) call(t *testing.T, method, path, token, body string, headers map[string]string, validRequest bool) reply {
	t.Helper()
	ctx := context.Background()
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	route, params, routeErr := a.router.FindRoute(req)
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if validRequest {
		if routeErr != nil {
			t.Fatalf("%s %s is not in the OpenAPI document: %v", method, path, routeErr)
		}
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			t.Fatalf("request %s %s breaks the OpenAPI document: %v", method, path, err)
		}
		req.Body = io.NopCloser(strings.NewReader(body))
	}
	resp, err := a.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.body)
	if routeErr == nil {
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(raw)
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Errorf("response to %s %s (%d) breaks the OpenAPI document: %v\n%s", method, path, resp.StatusCode, err, raw)
		}
	}
	if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("%s %s: %d answered as %q, want application/problem+json", method, path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return r
}

// partner creates a partner through the admin API and returns its id and key.
func (a *api) partner(t *testing.T, name string) (string, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"name": name})
	r := a.call(t, "POST", "/v1/admin/partners", a.admin, string(body), nil, true)
	if r.status != 201 {
		t.Fatalf("create partner: %d %s", r.status, r.raw)
	}
	return r.body["partner"].(map[string]any)["id"].(string), r.body["apiKey"].(string)
}

// lead returns a valid submission whose identity is unique to tag.
func lead(tag string) string {
	var b bytes.Buffer
	_ = json.NewEncoder(&b).Encode(map[string]any{
		"externalRef":    "ext-" + tag,
		"contact":        map[string]any{"name": "Contato " + tag, "email": tag + "@example.com.br"},
		"company":        map[string]any{"name": "Empresa " + tag, "domain": tag + ".example.com.br", "size": "10-49"},
		"location":       map[string]any{"country": "BR", "state": "SP", "city": "São Paulo"},
		"estimatedValue": map[string]any{"amount": 250000, "currency": "BRL"},
		"consent":        map[string]any{"lgpd": true},
	})
	return b.String()
}

// routeTo creates n reps and puts a rule for partnerID's leads (after-hours
// allowed, so the hour of the run does not matter) in front of the current
// rule set. It returns the reps and the saved rule set's version.
func (a *api) routeTo(t *testing.T, partnerID string, n int) ([]string, float64) {
	t.Helper()
	var reps []string
	for range n {
		id := storetest.Unique("rep-")
		body := fmt.Sprintf(`{"id":%q,"name":"E2E","active":true,"weight":1,"capacity":{"maxOpen":100},
			"workingHours":{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[1,2,3,4,5],"start":"09:00","end":"18:00"}}`, id)
		if r := a.call(t, "PUT", "/v1/admin/reps/"+id, a.admin, body, nil, true); r.status != 200 {
			t.Fatalf("put rep: %d %s", r.status, r.raw)
		}
		reps = append(reps, id)
	}
	rule := map[string]any{"id": "e2e-" + partnerID, "when": map[string]any{"partners": []string{partnerID}}, "pool": reps,
		"strategy": "weighted_round_robin", "allowAfterHours": true}
	// Read, add the rule, save with If-Match; another test saving in between
	// makes it a 409, and the edit starts again from what that test saved.
	for attempt := 0; attempt < 5; attempt++ {
		rs := map[string]any{"fallbackOwner": "mgr-e2e", "scoring": map[string]any{"gradeA": 80, "gradeB": 40, "completenessPoints": 40}}
		var header map[string]string
		if cur := a.call(t, "GET", "/v1/admin/routing/rules", a.admin, "", nil, true); cur.status == 200 {
			rs = cur.body
			header = map[string]string{"If-Match": fmt.Sprint(rs["version"])}
			delete(rs, "version")
		}
		rules, _ := rs["rules"].([]any)
		rs["rules"] = append([]any{rule}, rules...)
		body, _ := json.Marshal(rs)
		saved := a.call(t, "PUT", "/v1/admin/routing/rules", a.admin, string(body), header, true)
		switch saved.status {
		case 201:
			return reps, saved.body["version"].(float64)
		case 409:
			continue
		}
		t.Fatalf("save rules: %d %s", saved.status, saved.raw)
	}
	t.Fatal("save rules: 5 conflicts in a row")
	return nil, 0
}

// waitAssigned polls a lead until it has an owner, for up to 90 s.
func (a *api) waitAssigned(t *testing.T, id, key string) reply {
	t.Helper()
	var got reply
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if got = a.call(t, "GET", "/v1/leads/"+id, key, "", nil, true); got.body["status"] == "assigned" {
			return got
		}
	}
	t.Fatalf("lead %s not assigned within 90 s: %s", id, got.raw)
	return got
}

// invoke runs a deployed function as an EventBridge schedule would.
func invoke(t *testing.T, output string) []byte {
	t.Helper()
	ctx := context.Background()
	cfg, outs, err := stackinfo.Connect(ctx, stackinfo.DefaultStack)
	if err != nil {
		t.Fatal(err)
	}
	fn, err := outs.Get(output)
	if err != nil {
		t.Fatal(err)
	}
	out, err := lambdasvc.NewFromConfig(cfg).Invoke(ctx, &lambdasvc.InvokeInput{FunctionName: &fn,
		Payload: []byte(`{"version":"0","source":"aws.events","detail-type":"Scheduled Event","detail":{}}`)})
	if err != nil || out.FunctionError != nil {
		t.Fatalf("invoke %s: %v %s", output, err, out.Payload)
	}
	return out.Payload
}

// waitMail polls the emulator's SES mailbox until one read holds every
// string of want.
func waitMail(t *testing.T, within time.Duration, want ...string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get(os.Getenv("AWS_ENDPOINT_URL") + "/_ministack/ses/messages")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		found := true
		for _, w := range want {
			found = found && strings.Contains(string(b), w)
		}
		if found {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail with %q in the emulator's mailbox: %.600s", want, b)
		}
		time.Sleep(2 * time.Second)
	}
}
