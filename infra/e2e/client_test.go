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
	"os/exec"
	"slices"
	"sort"
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
	"github.com/partnerleads/pipeline/shared/testkit/seed"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

// api is a client of the deployed stage.
type api struct {
	base   string
	http   *http.Client
	router routers.Router
	admin  string // an admin token, minted straight into the directory table
	// people: the app's API, where the user pool's JWT authorizer, not our
	// function, refuses a missing or bad token (401 without a problem body).
	people bool
	stack  *deployed.Stack
}

// newAPI is a client of the machines' API (API keys).
// The reference page (GET /v1/docs) answers HTML, which the validator
// reads as text.
func init() { openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder) }

func newAPI(t *testing.T) *api { return connect(t, false) }

// newAppAPI is a client of the app's API (people's tokens).
func newAppAPI(t *testing.T) *api { return connect(t, true) }

func connect(t *testing.T, people bool) *api {
	t.Helper()
	ctx := context.Background()
	st, err := deployed.Open(ctx, stackinfo.DefaultStack)
	if err != nil {
		t.Fatal(err)
	}
	base := st.Base
	if people {
		base = st.AppBase
	}
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
	return &api{base: base, http: &http.Client{Timeout: 30 * time.Second}, router: router, admin: adminToken, people: people, stack: st}
}

// reply is a decoded answer and the request it answers.
type reply struct {
	method, path string
	status       int
	header       http.Header
	body         map[string]any
	raw          []byte
}

// String is the exchange as a failure message shows it: the request, the
// status and the body.
func (r reply) String() string {
	return fmt.Sprintf("%s %s → %d %s", r.method, r.path, r.status, clip(r.raw))
}

// dump is String with the answer's headers, for answers nobody expected.
func (r reply) dump() string {
	names := make([]string, 0, len(r.header))
	for k := range r.header {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s → %d\n", r.method, r.path, r.status)
	for _, k := range names {
		fmt.Fprintf(&b, "  %s: %s\n", k, strings.Join(r.header[k], ", "))
	}
	b.WriteString("  body: ")
	b.WriteString(clip(r.raw))
	return b.String()
}

// clip is a body for a message: whole up to 4 KiB, cut beyond.
func clip(b []byte) string {
	const max = 4096
	switch {
	case len(b) == 0:
		return "(empty body)"
	case len(b) > max:
		return fmt.Sprintf("%s… (%d bytes in all)", b[:max], len(b))
	}
	return string(b)
}

func (r reply) problemType() string {
	s, _ := r.body["type"].(string)
	return strings.TrimPrefix(s, "urn:partnerleads:problem:")
}

// expect fails the test unless the answer has one of the statuses.
func (r reply) expect(t *testing.T, statuses ...int) reply {
	t.Helper()
	if !slices.Contains(statuses, r.status) {
		want := fmt.Sprint(statuses)
		if len(statuses) == 1 {
			want = fmt.Sprint(statuses[0])
		}
		t.Fatalf("want status %s, got %s", want, r)
	}
	return r
}

// The accessors below read a member of the answer's JSON body by its path
// of keys: r.str(t, "partner", "id") is body.partner.id. They never panic:
// a missing member, or one of another type, fails the test with the
// exchange.

func (r reply) top() object { return object{m: r.body, from: &r} }

func (r reply) str(t *testing.T, keys ...string) string {
	t.Helper()
	return r.top().str(t, keys...)
}

func (r reply) num(t *testing.T, keys ...string) float64 {
	t.Helper()
	return r.top().num(t, keys...)
}

func (r reply) obj(t *testing.T, keys ...string) object {
	t.Helper()
	return r.top().obj(t, keys...)
}

func (r reply) list(t *testing.T, keys ...string) []any {
	t.Helper()
	return r.top().list(t, keys...)
}

func (r reply) items(t *testing.T, keys ...string) []object {
	t.Helper()
	return r.top().items(t, keys...)
}

// object is a JSON object inside an answer, with where it sits in the
// body and the exchange it came from, for failure messages.
type object struct {
	m    map[string]any
	at   string // "" for the body, "partners[0].lines[2]" deeper
	from *reply
}

// get is a member for a comparison: nil when missing.
func (o object) get(key string) any { return o.m[key] }

// String is the object, where it sits and the exchange it came from.
func (o object) String() string {
	b, _ := json.Marshal(o.m)
	return fmt.Sprintf("%s %s\n  in %s", o.where(""), b, o.from)
}

func (o object) where(key string) string {
	at := o.at
	if key != "" {
		if at != "" {
			at += "."
		}
		at += key
	}
	if at == "" {
		return "the body"
	}
	return at
}

// member is the value at keys, and its path.
func (o object) member(t *testing.T, keys []string) (any, string) {
	t.Helper()
	var v any = o.m
	cur := o
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s is %s, not an object with %q, in %s", cur.where(""), kind(v), k, o.from)
		}
		if v, ok = m[k]; !ok {
			t.Fatalf("no member %s in %s", cur.where(k), o.from)
		}
		cur.at = cur.where(k)
	}
	return v, cur.at
}

func (o object) str(t *testing.T, keys ...string) string {
	t.Helper()
	v, at := o.member(t, keys)
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%s is %s, not a string, in %s", at, kind(v), o.from)
	}
	return s
}

func (o object) num(t *testing.T, keys ...string) float64 {
	t.Helper()
	v, at := o.member(t, keys)
	n, ok := v.(float64)
	if !ok {
		t.Fatalf("%s is %s, not a number, in %s", at, kind(v), o.from)
	}
	return n
}

func (o object) obj(t *testing.T, keys ...string) object {
	t.Helper()
	v, at := o.member(t, keys)
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s is %s, not an object, in %s", at, kind(v), o.from)
	}
	return object{m: m, at: at, from: o.from}
}

func (o object) list(t *testing.T, keys ...string) []any {
	t.Helper()
	v, at := o.member(t, keys)
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("%s is %s, not an array, in %s", at, kind(v), o.from)
	}
	return l
}

// items is an array of objects.
func (o object) items(t *testing.T, keys ...string) []object {
	t.Helper()
	v, at := o.member(t, keys)
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("%s is %s, not an array, in %s", at, kind(v), o.from)
	}
	out := make([]object, len(l))
	for i, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			t.Fatalf("%s[%d] is %s, not an object, in %s", at, i, kind(e), o.from)
		}
		out[i] = object{m: m, at: fmt.Sprintf("%s[%d]", at, i), from: o.from}
	}
	return out
}

// strs is an array of strings.
func (o object) strs(t *testing.T, keys ...string) []string {
	t.Helper()
	v, at := o.member(t, keys)
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("%s is %s, not an array, in %s", at, kind(v), o.from)
	}
	out := make([]string, len(l))
	for i, e := range l {
		s, ok := e.(string)
		if !ok {
			t.Fatalf("%s[%d] is %s, not a string, in %s", at, i, kind(e), o.from)
		}
		out[i] = s
	}
	return out
}

// kind names a decoded JSON value's type for a message.
func kind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", v)
	case float64:
		return fmt.Sprintf("the number %v", v)
	case bool:
		return fmt.Sprintf("the boolean %v", v)
	case []any:
		return fmt.Sprintf("an array of %d", len(v))
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// call sends one request. The response is always checked against the
// OpenAPI document; the request too when validRequest is set (malformed
// requests are sent on purpose and would fail that check). An answer of
// 500 or more is a finding whatever the test expects: it is reported with
// its headers and body (the faults test, which provokes them, sends its
// requests through retry instead).
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
	start := time.Now()
	resp, err := a.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: no answer after %v: %v", method, path, time.Since(start).Round(time.Millisecond), err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{method: method, path: path, status: resp.StatusCode, header: resp.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.body)
	if r.status >= 500 {
		t.Errorf("UNEXPECTED %d from the deployed stack after %v:\n%s", r.status, time.Since(start).Round(time.Millisecond), r.dump())
		return r
	}
	gateway := a.people && r.status == 401 // the authorizer's answer, not ours
	if routeErr == nil && !gateway {
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(raw)
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Errorf("response breaks the OpenAPI document: %v\n%s", err, r)
		}
	}
	if resp.StatusCode >= 400 && !gateway && resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("answered as %q, want application/problem+json: %s", resp.Header.Get("Content-Type"), r)
	}
	return r
}

// key mints a key of role for subject through the admin API.
func (a *api) key(t *testing.T, role, subject string) string {
	t.Helper()
	body := fmt.Sprintf(`{"role":%q,"subjectId":%q,"name":"e2e %s"}`, role, subject, role)
	return a.call(t, "POST", "/v1/admin/keys", a.admin, body, nil, true).expect(t, 201).str(t, "apiKey")
}

// createLead submits body as the partner of key and returns the lead's id.
func (a *api) createLead(t *testing.T, key, body string) string {
	t.Helper()
	r := a.call(t, "POST", "/v1/leads", key, body, nil, true)
	if r.status == 409 && r.problemType() == "duplicate-lead" {
		a.duplicateOfItself(t, r, key, body)
	}
	return r.expect(t, 201).str(t, "id")
}

// duplicateOfItself fails the test, saying so, when a duplicate-lead answer
// names the lead this very submission created: the tests' identities are
// unique, so the stack then handled the one request more than once and
// answered with a later handling's 409 (seen on MiniStack, whose Runtime
// API hands the same invocation to every poll of /invocation/next until it
// kills the process, and keeps the last response posted).
func (a *api) duplicateOfItself(t *testing.T, r reply, key, body string) {
	t.Helper()
	var sent struct{ ExternalRef string }
	_ = json.Unmarshal([]byte(body), &sent)
	existing, _ := r.body["existingLeadId"].(string)
	if existing == "" || sent.ExternalRef == "" {
		return
	}
	if g := a.call(t, "GET", "/v1/leads/"+existing, key, "", nil, true); g.status == 200 && g.body["externalRef"] == sent.ExternalRef {
		t.Fatalf("the one POST /v1/leads of %s was handled more than once: it created lead %s, and its answer is a later handling's duplicate of it:\n%s\nthe lead it names: %s",
			sent.ExternalRef, existing, r.dump(), g)
	}
}

// eventually runs check every `every` until it reports done, and fails the
// test with what and the last state check saw when within runs out. check
// runs at least once, and once more after the deadline.
func eventually(t *testing.T, within, every time.Duration, what string, check func() (done bool, last string)) {
	t.Helper()
	start := time.Now()
	for {
		done, last := check()
		if done {
			return
		}
		if time.Since(start) > within {
			t.Fatalf("%s: not within %v; last seen: %s", what, within, last)
		}
		time.Sleep(every)
	}
}

// partner creates a partner through the admin API and returns its id and key.
func (a *api) partner(t *testing.T, name string) (string, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"name": name})
	r := a.call(t, "POST", "/v1/admin/partners", a.admin, string(body), nil, true).expect(t, 201)
	return r.str(t, "partner", "id"), r.str(t, "apiKey")
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
// rule set, through the API as an admin would (testkit/seed). It returns
// the reps and the saved rule set's version.
func (a *api) routeTo(t *testing.T, partnerID string, n int) ([]string, float64) {
	t.Helper()
	var reps []string
	for range n {
		reps = append(reps, storetest.Unique("rep-"))
	}
	api := func(_ context.Context, method, path, token, body string, header map[string]string) (int, map[string]any, []byte, error) {
		r := a.call(t, method, path, token, body, header, true)
		return r.status, r.body, r.raw, nil
	}
	v, err := seed.RouteTo(context.Background(), api, a.admin, seed.Routing{RuleID: "e2e-" + partnerID, Partners: []string{partnerID}, Reps: reps, MaxOpen: 100})
	if err != nil {
		t.Fatalf("route %s's leads: %v", partnerID, err)
	}
	return reps, float64(v)
}

// waitAssigned polls a lead until it has an owner, for up to 90 s.
func (a *api) waitAssigned(t *testing.T, id, key string) reply {
	t.Helper()
	var got reply
	eventually(t, 90*time.Second, 500*time.Millisecond, "lead "+id+" assigned", func() (bool, string) {
		got = a.call(t, "GET", "/v1/leads/"+id, key, "", nil, true)
		return got.status == 200 && got.body["status"] == "assigned", got.String()
	})
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
	if err != nil {
		t.Fatalf("invoke %s: %v", output, err)
	}
	if out.FunctionError != nil {
		t.Fatalf("invoke %s: %s %s", output, *out.FunctionError, out.Payload)
	}
	return out.Payload
}

// leadctl runs the operator tool against the deployed stack, as an
// operator would, and returns what it printed.
func leadctl(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"run", "./shared/cmd/leadctl"}, args...)...)
	cmd.Dir, cmd.Env = "../..", os.Environ()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// waitMail polls the emulator's SES mailbox until one mail holds every
// string of want (in its recipients, subject or text).
func waitMail(t *testing.T, within time.Duration, want ...string) {
	t.Helper()
	eventually(t, within, 2*time.Second, fmt.Sprintf("a mail with %q in the emulator's mailbox", want), func() (bool, string) {
		resp, err := http.Get(os.Getenv("AWS_ENDPOINT_URL") + "/_ministack/ses/messages")
		if err != nil {
			return false, err.Error()
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var box struct {
			Messages map[string][]struct {
				To                          []string
				Subject, BodyText, BodyHtml string
			}
		}
		if err := json.Unmarshal(b, &box); resp.StatusCode != 200 || err != nil {
			return false, fmt.Sprintf("mailbox: %d %v %s", resp.StatusCode, err, clip(b))
		}
		var near []string // mails with the first string, for the message
		total := 0
		for _, mails := range box.Messages {
			for _, m := range mails {
				total++
				text := strings.Join(m.To, ", ") + "\n" + m.Subject + "\n" + m.BodyText + "\n" + m.BodyHtml
				all := true
				for _, w := range want {
					all = all && strings.Contains(text, w)
				}
				if all {
					return true, ""
				}
				if strings.Contains(text, want[0]) {
					near = append(near, fmt.Sprintf("%q", text))
				}
			}
		}
		return false, fmt.Sprintf("%d mails, %d with %q: %.1500s", total, len(near), want[0], strings.Join(near, "; "))
	})
}
