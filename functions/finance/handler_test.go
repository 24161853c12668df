package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/edge/endpoints"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

// now is 2026-03-20, midday in São Paulo: the current period is 2026-03.
var now = time.Date(2026, 3, 20, 15, 0, 0, 0, time.UTC)

// bus keeps the detail types published.
type bus struct {
	mu    sync.Mutex
	types []string
}

func (b *bus) Put(_ context.Context, detailType string, _ any, _ time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.types = append(b.types, detailType)
	return nil
}

func (b *bus) published() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.types)
}

// signer signs nothing: its links name the key and the lifetime.
type signer struct{ err error }

func (p signer) DownloadURL(_ context.Context, key string, ttl time.Duration) (string, error) {
	if p.err != nil {
		return "", p.err
	}
	return fmt.Sprintf("https://bucket.example/%s?expires=%d", key, int(ttl.Seconds())), nil
}

// bucket swallows uploads, for running an export to completion.
type bucket struct{}

func (bucket) Upload(_ context.Context, _, _ string, write func(io.Writer) error) error {
	return write(io.Discard)
}

type fixture struct {
	router httpapi.Router
	svc    commission.Service
	ledger *memstore.Ledger
	leads  *memstore.Store
	bus    *bus
	tokens map[string]string
}

// newFixture has partners p1 and p2 on 10% plans, each with a deal won this
// period (L1 of p1, L2 of p2, 1000.00 BRL each, so 100.00 accrued), a lead
// L4 of p1 that is not won, and a key for every role.
func newFixture(t *testing.T, links signer) *fixture {
	t.Helper()
	ctx := context.Background()
	clock := func() time.Time { return now }
	leads, l, b := memstore.New(), memstore.NewLedger(), &bus{}
	f := &fixture{ledger: l, leads: leads, bus: b, tokens: map[string]string{}}
	mint := func(name string, role auth.Role, partnerID, subjectID string) {
		k, tok, err := auth.NewKey(role, partnerID, subjectID, name, now)
		if err != nil {
			t.Fatalf("mint %s: %v", name, err)
		}
		if err := leads.PutKey(ctx, k); err != nil {
			t.Fatalf("store key %s: %v", name, err)
		}
		f.tokens[name] = tok
	}
	mint("p1", auth.RolePartner, "p1", "")
	mint("p2", auth.RolePartner, "p2", "")
	mint("rep", auth.RoleRep, "", "r1")
	mint("manager", auth.RoleManager, "", "m1")
	mint("finance", auth.RoleFinance, "", "fin1")
	mint("admin", auth.RoleAdmin, "", "adm1")

	for _, id := range []string{"p1", "p2"} {
		if err := leads.PutPartner(ctx, admin.Partner{ID: id, Name: id, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	f.svc = commission.Service{Store: l, Leads: leads, Feed: leads, Partners: leads, Bus: b, Now: clock}
	won := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	deal := &lead.Deal{Value: lead.Money{Amount: 1000_00, Currency: "BRL"}, ContractStart: "2026-03-01"}
	for _, s := range []struct {
		id, partner string
		status      lead.Status
	}{{"L1", "p1", lead.StatusWon}, {"L2", "p2", lead.StatusWon}, {"L4", "p1", lead.StatusContacted}} {
		ld := lead.Lead{ID: s.id, PartnerID: s.partner, Status: s.status, OwnerID: "r1", Version: 1, ReceivedAt: won, UpdatedAt: won, StatusSince: won}
		if s.status == lead.StatusWon {
			ld.Deal = deal
		}
		e := lead.Entry{LeadID: s.id, Seq: 1, At: won, Change: lead.ChangeCreated, To: s.status}.Seal("")
		ld.HistoryHash = e.Hash
		if err := leads.Create(ctx, intake.Creation{Lead: ld, Entry: e, Now: won}); err != nil {
			t.Fatalf("create %s: %v", s.id, err)
		}
		if s.status != lead.StatusWon {
			continue
		}
		plan := commission.Plan{ID: "std-" + s.partner, Version: 1, Name: "Standard", PartnerID: s.partner, EffectiveFrom: "2026-01-01",
			Currency: "BRL", Type: commission.PercentOfDeal, RateBps: 1000, ClawbackDays: 90, ClawbackMode: "full"}
		if err := l.PutPlan(ctx, plan); err != nil {
			t.Fatalf("plan %s: %v", plan.ID, err)
		}
		tr := commission.Trigger{ID: s.id + ".5", Kind: commission.TriggerWon, LeadID: s.id, PartnerID: s.partner, At: won, Deal: deal}
		if out, err := f.svc.Process(ctx, tr); err != nil || len(out.Entries) != 1 {
			t.Fatalf("accrue %s: %+v %v", s.id, out, err)
		}
	}
	h := handler{svc: f.svc, links: links}
	f.router = httpapi.Router{Routes: routes(h), Auth: auth.Authenticator{Keys: leads}, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	return f
}

// path is a row of the finance endpoint table ("METHOD /pattern") with its
// {parameters} filled in order; a row the table does not have fails the test.
func path(t *testing.T, row string, args ...string) (method, p string) {
	t.Helper()
	for _, e := range endpoints.Of(endpoints.Finance) {
		if e.Key() != row {
			continue
		}
		p = e.Path
		for _, a := range args {
			i, j := strings.Index(p, "{"), strings.Index(p, "}")
			if i < 0 || j < i {
				t.Fatalf("%s has fewer parameters than %v", row, args)
			}
			p = p[:i] + a + p[j+1:]
		}
		if strings.Contains(p, "{") {
			t.Fatalf("%s needs more parameters than %v", row, args)
		}
		return e.Method, p
	}
	t.Fatalf("%s is not a finance endpoint", row)
	return "", ""
}

type call struct {
	row   string   // the endpoint table's key
	args  []string // its path parameters
	query string   // a=b&c=d
	who   string   // the key's name; "" sends none
	body  string
}

func (f *fixture) do(t *testing.T, c call) lambdaevents.APIGatewayV2HTTPResponse {
	t.Helper()
	method, p := path(t, c.row, c.args...)
	ev := lambdaevents.APIGatewayV2HTTPRequest{RawPath: p, RawQueryString: c.query, Body: c.body,
		Headers: map[string]string{}, QueryStringParameters: map[string]string{}}
	ev.RequestContext.HTTP.Method = method
	if c.who != "" {
		tok, ok := f.tokens[c.who]
		if !ok {
			t.Fatalf("no key named %q", c.who)
		}
		ev.Headers["authorization"] = "Bearer " + tok
	}
	if c.body != "" {
		ev.Headers["content-type"] = "application/json"
	}
	for _, kv := range strings.Split(c.query, "&") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			ev.QueryStringParameters[k] = v
		}
	}
	resp, err := f.router.Handle(context.Background(), ev)
	if err != nil {
		t.Fatalf("%s: the router returned an error: %v", c.row, err)
	}
	return resp
}

// decode reads a response body into v, failing the test with the body.
func decode(t *testing.T, resp lambdaevents.APIGatewayV2HTTPResponse, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(resp.Body), v); err != nil {
		t.Fatalf("status %d, body is not the expected JSON (%v): %s", resp.StatusCode, err, resp.Body)
	}
}

// expectFields checks that a problem names exactly the fields want (sorted).
func expectFields(t *testing.T, resp lambdaevents.APIGatewayV2HTTPResponse, p httpapi.Problem, want []string) {
	t.Helper()
	var fields []string
	for _, fe := range p.Errors {
		fields = append(fields, fe.Field)
	}
	slices.Sort(fields)
	if !slices.Equal(fields, want) {
		t.Fatalf("fields %v, want %v; body %s", fields, want, resp.Body)
	}
}

// expect checks the status and, for a problem, its type.
func expect(t *testing.T, resp lambdaevents.APIGatewayV2HTTPResponse, status int, problem string) httpapi.Problem {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d; body %s", resp.StatusCode, status, resp.Body)
	}
	var p httpapi.Problem
	if problem != "" {
		decode(t, resp, &p)
		if p.Type != httpapi.ProblemTypePrefix+problem || p.Status != status {
			t.Fatalf("problem %s (%d), want %s; body %s", p.Type, p.Status, problem, resp.Body)
		}
	}
	return p
}

// Every row of the table refuses the roles it does not list, before the
// handler runs.
func TestEveryRouteRefusesOtherRoles(t *testing.T) {
	t.Parallel()
	f := newFixture(t, signer{})
	names := map[auth.Role]string{auth.RolePartner: "p1", auth.RoleRep: "rep", auth.RoleManager: "manager", auth.RoleFinance: "finance", auth.RoleAdmin: "admin"}
	for _, e := range endpoints.Of(endpoints.Finance) {
		var args []string
		for range strings.Count(e.Path, "{") {
			args = append(args, "x1")
		}
		if resp := f.do(t, call{row: e.Key(), args: args}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without a key: status %d, body %s", e.Key(), resp.StatusCode, resp.Body)
		}
		for _, role := range auth.Roles {
			if slices.Contains(e.Roles, role) {
				continue
			}
			if resp := f.do(t, call{row: e.Key(), args: args, who: names[role], body: "{}"}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s as %s: status %d, want 403; body %s", e.Key(), role, resp.StatusCode, resp.Body)
			}
		}
	}
}

func TestStatement(t *testing.T) {
	t.Parallel()
	f := newFixture(t, signer{})
	cases := []struct {
		name, who, query string
		status           int
		problem          string
		partners         []string // whose statements the answer holds
	}{
		{"a partner sees its own statement", "p1", "period=2026-03", 200, "", []string{"p1"}},
		{"the period defaults to the current one", "p2", "", 200, "", []string{"p2"}},
		{"a partner may name itself", "p1", "period=2026-03&partnerId=p1", 200, "", []string{"p1"}},
		{"a partner may not name another", "p1", "period=2026-03&partnerId=p2", 403, "forbidden", nil},
		{"reps are refused", "rep", "period=2026-03", 403, "forbidden", nil},
		{"managers are refused", "manager", "period=2026-03", 403, "forbidden", nil},
		{"no key, no statement", "", "period=2026-03", 401, "unauthenticated", nil},
		{"finance sees every partner", "finance", "period=2026-03", 200, "", []string{"p1", "p2"}},
		{"finance may pick one partner", "admin", "period=2026-03&partnerId=p2", 200, "", []string{"p2"}},
		{"a malformed period", "p1", "period=march", 422, "validation-error", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			resp := f.do(t, call{row: "GET /v1/commissions", who: c.who, query: c.query})
			expect(t, resp, c.status, c.problem)
			if c.status != 200 {
				return
			}
			var st commission.Statement
			decode(t, resp, &st)
			var got []string
			for _, ps := range st.Partners {
				got = append(got, ps.PartnerID)
				lead := map[string]string{"p1": "L1", "p2": "L2"}[ps.PartnerID]
				if len(ps.Lines) != 1 || ps.Lines[0].PartnerID != ps.PartnerID || ps.Lines[0].LeadID != lead || ps.Totals["BRL"].Accrued != 100_00 {
					t.Fatalf("statement of %s: %+v", ps.PartnerID, ps)
				}
			}
			slices.Sort(got)
			if st.Period != "2026-03" || !slices.Equal(got, c.partners) {
				t.Fatalf("period %s partners %v, want 2026-03 %v; body %s", st.Period, got, c.partners, resp.Body)
			}
		})
	}
}

func TestSavePlan(t *testing.T) {
	t.Parallel()
	valid := `{"name":"Gold","partnerId":"p1","currency":"BRL","type":"percent_of_deal","rateBps":1500}`
	cases := []struct {
		name    string
		id      string
		body    string
		status  int
		problem string
		fields  []string // the fields a 422 names, sorted
	}{
		{"a valid plan is saved as version 1, in force from today", "gold", valid, 201, "", nil},
		{"every invalid field is named", "gold", `{"name":"","currency":"brl","type":"percent_of_deal","rateBps":0}`, 422, "validation-error",
			[]string{"currency", "name", "partnerId", "rateBps"}},
		{"the id is the path's", "Gold_Plan", valid, 422, "validation-error", []string{"id"}},
		{"a version never takes effect in the past", "gold", `{"name":"Gold","partnerId":"p1","effectiveFrom":"2026-03-19","currency":"BRL","type":"percent_of_deal","rateBps":1500}`,
			422, "validation-error", []string{"effectiveFrom"}},
		{"fields of another type are refused", "gold", `{"name":"Gold","partnerId":"p1","currency":"BRL","type":"flat_per_won","flatAmount":100,"rateBps":1500}`,
			422, "validation-error", []string{"rateBps"}},
		{"unknown fields are refused", "gold", `{"name":"Gold","partnerId":"p1","currency":"BRL","type":"percent_of_deal","rateBps":1500,"bonus":1}`,
			422, "validation-error", []string{"bonus"}},
		{"a body that is not JSON", "gold", `{"name":`, 400, "malformed-json", nil},
		{"only for a partner that exists", "gold", `{"name":"Gold","partnerId":"p404","currency":"BRL","type":"percent_of_deal","rateBps":1500}`,
			422, "validation-error", []string{"partnerId"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, signer{})
			resp := f.do(t, call{row: "PUT /v1/commission-plans/{id}", args: []string{c.id}, who: "finance", body: c.body})
			p := expect(t, resp, c.status, c.problem)
			if c.status == 422 {
				expectFields(t, resp, p, c.fields)
			}
			versions, err := f.ledger.PlanVersions(context.Background(), c.id)
			if err != nil {
				t.Fatalf("read plan %s: %v", c.id, err)
			}
			if c.status != 201 {
				if len(versions) != 0 {
					t.Fatalf("a refused plan was stored: %+v", versions)
				}
				return
			}
			var got commission.Plan
			decode(t, resp, &got)
			if got.ID != c.id || got.Version != 1 || got.EffectiveFrom != "2026-03-20" || got.CreatedBy != "fin1" || len(versions) != 1 {
				t.Fatalf("saved %+v; stored %d versions", got, len(versions))
			}
			// A retried PUT is not a new version: 200 with the one it made.
			resp = f.do(t, call{row: "PUT /v1/commission-plans/{id}", args: []string{c.id}, who: "finance", body: c.body})
			expect(t, resp, 200, "")
			decode(t, resp, &got)
			if versions, _ := f.ledger.PlanVersions(context.Background(), c.id); got.Version != 1 || len(versions) != 1 {
				t.Fatalf("retry: version %d, %d stored", got.Version, len(versions))
			}
		})
	}
}

func TestApproveAndPay(t *testing.T) {
	t.Parallel()
	f := newFixture(t, signer{})
	approve := func(body string) lambdaevents.APIGatewayV2HTTPResponse {
		return f.do(t, call{row: "POST /v1/commissions/approve", who: "finance", body: body})
	}
	pay := func(body string) lambdaevents.APIGatewayV2HTTPResponse {
		return f.do(t, call{row: "POST /v1/commissions/pay", who: "finance", body: body})
	}
	var a struct {
		Period   string `json:"period"`
		Approved *int   `json:"approved"`
	}
	resp := approve(`{"period":"2026-03","partnerId":"p1"}`)
	expect(t, resp, 200, "")
	decode(t, resp, &a)
	if a.Period != "2026-03" || a.Approved == nil || *a.Approved != 1 {
		t.Fatalf("approve: body %s, want 1 line of 2026-03", resp.Body)
	}
	resp = approve(`{"period":"2026-03","partnerId":"p1"}`)
	expect(t, resp, 200, "")
	decode(t, resp, &a)
	if a.Approved == nil || *a.Approved != 0 {
		t.Fatalf("approving again: body %s, want 0", resp.Body)
	}
	expect(t, approve(`{"period":"03/2026"}`), 422, "validation-error")

	// p2's line is still accrued: nothing to pay.
	expect(t, pay(`{"partnerId":"p2","through":"2026-03"}`), 409, "nothing-payable")
	resp = pay(`{"partnerId":" p1 ","through":"2026-03"}`)
	expect(t, resp, 200, "")
	var po commission.Payout
	decode(t, resp, &po)
	if !strings.HasPrefix(po.ID, "pay_") || po.PartnerID != "p1" || po.Through != "2026-03" || po.Lines != 1 || po.Currency != "BRL" || po.Total != 100_00 ||
		po.State != commission.PayoutPaid || po.PaidAt == nil || !po.PaidAt.Equal(now) || !slices.Equal(po.LineIDs, []string{"L1.5:accrual:1"}) {
		t.Fatalf("payout %+v", po)
	}
	var st commission.Statement
	decode(t, f.do(t, call{row: "GET /v1/commissions", who: "p1", query: "period=2026-03"}), &st)
	if ps := st.Partners; len(ps) != 1 || len(ps[0].Payouts) != 1 || ps[0].Payouts[0].ID != po.ID {
		t.Fatalf("the statement lists the payout: %+v", st)
	}
	expect(t, pay(`{"partnerId":"p1","through":"2026-03"}`), 409, "nothing-payable")
	expect(t, pay(`{"partnerId":"p1","through":"soon"}`), 422, "validation-error")

	lines, err := f.ledger.Lines(context.Background(), "p1", "2026-03")
	if err != nil || len(lines) != 1 {
		t.Fatalf("p1's lines: %+v %v", lines, err)
	}
	if e := lines[0]; e.State != commission.StatePaid || e.ApprovedBy != "fin1" || e.PaidBy != "fin1" || e.PayoutID != po.ID {
		t.Fatalf("p1's line after payment: %+v", e)
	}
	if lines, _ := f.ledger.Lines(context.Background(), "p2", "2026-03"); len(lines) != 1 || lines[0].State != commission.StateAccrued {
		t.Fatalf("approving p1 touched p2: %+v", lines)
	}
}

type polled struct {
	Export      commission.Export `json:"export"`
	DownloadURL string            `json:"downloadUrl"`
	ManifestURL string            `json:"manifestUrl"`
	ExpiresAt   *time.Time        `json:"expiresAt"`
}

func TestExportRequestAndPoll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, signer{})
	resp := f.do(t, call{row: "POST /v1/exports", who: "finance", body: `{"period":"2026-03"}`})
	expect(t, resp, 202, "")
	var x commission.Export
	decode(t, resp, &x)
	if !strings.HasPrefix(x.ID, "exp_") || x.Period != "2026-03" || x.Status != "pending" || x.RequestedBy != "fin1" {
		t.Fatalf("requested %+v", x)
	}
	if loc := resp.Headers["Location"]; loc != "/v1/exports/"+x.ID {
		t.Fatalf("Location %q, want /v1/exports/%s", loc, x.ID)
	}
	if got := f.bus.published(); !slices.Equal(got, []string{commission.EventExportRequested}) {
		t.Fatalf("published %v, want the request for the exporter", got)
	}

	var p polled
	resp = f.do(t, call{row: "GET /v1/exports/{id}", args: []string{x.ID}, who: "finance"})
	expect(t, resp, 200, "")
	decode(t, resp, &p)
	if p.Export.ID != x.ID || p.Export.Status != "pending" || p.DownloadURL != "" || p.ManifestURL != "" || p.ExpiresAt != nil {
		t.Fatalf("pending export: %s", resp.Body)
	}

	// The exporter runs it.
	if _, err := f.svc.RunExport(ctx, x, bucket{}, nil); err != nil {
		t.Fatalf("run export: %v", err)
	}
	resp = f.do(t, call{row: "GET /v1/exports/{id}", args: []string{x.ID}, who: "admin"})
	expect(t, resp, 200, "")
	p = polled{}
	decode(t, resp, &p)
	dir := commission.ExportPrefix + "period=2026-03/" + x.ID + "/"
	if p.Export.Status != "completed" || p.Export.Manifest == nil || p.Export.Manifest.Rows != 2 ||
		p.DownloadURL != "https://bucket.example/"+dir+"commissions.csv?expires=900" ||
		p.ManifestURL != "https://bucket.example/"+dir+"manifest.json?expires=900" ||
		p.ExpiresAt == nil || !p.ExpiresAt.Equal(now.Add(15*time.Minute)) {
		t.Fatalf("completed export: %s", resp.Body)
	}

	expect(t, f.do(t, call{row: "GET /v1/exports/{id}", args: []string{"exp_nope"}, who: "finance"}), 404, "not-found")
	expect(t, f.do(t, call{row: "POST /v1/exports", who: "finance", body: `{"period":"2026-04"}`}), 422, "validation-error")
	expect(t, f.do(t, call{row: "POST /v1/exports", who: "finance", body: `{"period":"last month"}`}), 422, "validation-error")
	if got := f.bus.published(); len(got) != 2 || got[1] != commission.EventExportCompleted {
		t.Fatalf("refused requests published: %v", got)
	}
}

func TestCompletedExportWithoutLinks(t *testing.T) {
	t.Parallel()
	f := newFixture(t, signer{err: errors.New("no credentials")})
	x, err := f.svc.RequestExport(context.Background(), auth.Principal{Role: auth.RoleFinance, SubjectID: "fin1"}, "2026-03")
	if err != nil {
		t.Fatalf("request export: %v", err)
	}
	if _, err := f.svc.RunExport(context.Background(), x, bucket{}, nil); err != nil {
		t.Fatalf("run export: %v", err)
	}
	resp := f.do(t, call{row: "GET /v1/exports/{id}", args: []string{x.ID}, who: "finance"})
	expect(t, resp, 500, "internal")
	if bytes.Contains([]byte(resp.Body), []byte("no credentials")) {
		t.Fatalf("a 500 leaks the cause: %s", resp.Body)
	}
}

func TestDealInputs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		row     string
		leadID  string
		body    string
		status  int
		problem string
		want    string // the deal event's type when accepted
		detail  string // and what it carries
	}{
		{"a cancellation of a won deal is accepted", "POST /v1/leads/{id}/cancellation", "L1", `{"date":"2026-03-10","reason":" churned "}`, 202, "", commission.EventDealCancelled,
			"date=2026-03-10 reason=churned"},
		{"a cancellation of a lead that is not won", "POST /v1/leads/{id}/cancellation", "L4", `{"date":"2026-03-10"}`, 409, "not-won", "", ""},
		{"a cancellation of an unknown lead", "POST /v1/leads/{id}/cancellation", "L9", `{"date":"2026-03-10"}`, 404, "not-found", "", ""},
		{"a cancellation before the contract started", "POST /v1/leads/{id}/cancellation", "L1", `{"date":"2026-02-28"}`, 422, "validation-error", "", ""},
		{"a cancellation in the future", "POST /v1/leads/{id}/cancellation", "L1", `{"date":"2026-03-21"}`, 422, "validation-error", "", ""},
		{"revenue of a won deal is accepted", "POST /v1/leads/{id}/revenue", "L2", `{"month":"2026-03","amount":{"amount":5000,"currency":"BRL"},"reference":"inv-1"}`, 202, "", commission.EventDealRevenueConfirmed,
			"month=2026-03 amount=5000 BRL reference=inv-1"},
		{"revenue of a lead that is not won", "POST /v1/leads/{id}/revenue", "L4", `{"month":"2026-03","amount":{"amount":5000,"currency":"BRL"}}`, 409, "not-won", "", ""},
		{"revenue without an amount", "POST /v1/leads/{id}/revenue", "L2", `{"month":"2026-03"}`, 422, "validation-error", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, signer{})
			before := len(f.bus.published())
			resp := f.do(t, call{row: c.row, args: []string{c.leadID}, who: "finance", body: c.body})
			expect(t, resp, c.status, c.problem)
			published := f.bus.published()[before:]
			if c.status != 202 {
				if len(published) != 0 {
					t.Fatalf("a refused input was published: %v", published)
				}
				return
			}
			var ev commission.DealEvent
			decode(t, resp, &ev)
			if ev.Type != c.want || ev.LeadID != c.leadID || ev.By != "fin1" || !slices.Equal(published, []string{c.want}) {
				t.Fatalf("event %+v, published %v; want one %s", ev, published, c.want)
			}
			detail := "date=" + ev.Date + " reason=" + ev.Reason
			if ev.Type == commission.EventDealRevenueConfirmed {
				detail = "month=" + ev.Month + " amount=<nil> reference=" + ev.Reference
				if ev.Amount != nil {
					detail = fmt.Sprintf("month=%s amount=%d %s reference=%s", ev.Month, ev.Amount.Amount, ev.Amount.Currency, ev.Reference)
				}
			}
			if detail != c.detail {
				t.Fatalf("event carries %q, want %q", detail, c.detail)
			}
		})
	}
}

func TestDiff(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, who, query string
		tamper           bool // add a line the events do not explain
		status           int
		problem          string
		diffs            int
	}{
		{"a ledger that matches its events has no differences", "finance", "period=2026-03&partnerId=p1", false, 200, "", 0},
		{"a partner diffs its own ledger", "p1", "period=2026-03", false, 200, "", 0},
		{"a line the events do not explain is shown", "finance", "period=2026-03&partnerId=p1", true, 200, "", 1},
		{"a partner may not diff another", "p1", "period=2026-03&partnerId=p2", false, 403, "forbidden", 0},
		{"finance names the partner", "finance", "period=2026-03", false, 422, "validation-error", 0},
		{"a malformed period", "finance", "period=2026-3&partnerId=p1", false, 422, "validation-error", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, signer{})
			ctx := context.Background()
			if c.tamper {
				ls, err := f.ledger.LeadState(ctx, "L1")
				if err != nil {
					t.Fatal(err)
				}
				bogus := ls.Entries[0]
				bogus.ID, bogus.Amount, bogus.Explanation = bogus.ID+".extra", 5_00, "typed in by hand"
				next := ls
				next.Version++
				if err := f.ledger.Commit(ctx, ls, commission.Outcome{Lead: next, Entries: []commission.Entry{bogus}}); err != nil {
					t.Fatal(err)
				}
			}
			resp := f.do(t, call{row: "GET /v1/commissions/diff", who: c.who, query: c.query})
			expect(t, resp, c.status, c.problem)
			if c.status != 200 {
				return
			}
			var d commission.Diff
			decode(t, resp, &d)
			if d.PartnerID != "p1" || d.Period != "2026-03" || len(d.Differences) != c.diffs || d.Rows != 1 || d.LeadsRead != 1 {
				t.Fatalf("diff: %s", resp.Body)
			}
			if c.diffs == 0 {
				if d.Ledger["BRL"] != 100_00 || d.Recomputed["BRL"] != 100_00 {
					t.Fatalf("totals: %s", resp.Body)
				}
				return
			}
			r := d.Differences[0]
			if r.LeadID != "L1" || r.Ledger != 105_00 || r.Recomputed != 100_00 || r.Difference != 5_00 || len(r.Lines) != 2 || len(r.Expected) != 1 || r.Expected[0].Plan != "std-p1@1" {
				t.Fatalf("the row that differs: %+v", r)
			}
		})
	}
}

func TestAdjustments(t *testing.T) {
	t.Parallel()
	ok := `{"partnerId":"p1","period":"2026-03","leadId":"L1","amount":{"amount":-1250,"currency":"BRL"},"reason":"double-counted upsell"}`
	cases := []struct {
		name, who, id, body string
		status              int
		problem             string
		fields              []string
	}{
		{"finance adds a signed line with a reason", "finance", "fix-1", ok, 201, "", nil},
		{"a partner may not", "p1", "fix-1", ok, 403, "forbidden", nil},
		{"every invalid field is named", "finance", "fix-1", `{"partnerId":"","period":"2026-13","amount":{"amount":0,"currency":"BRL"},"reason":""}`, 422, "validation-error",
			[]string{"amount.amount", "partnerId", "period", "reason"}},
		{"not in a future period", "finance", "fix-1", `{"partnerId":"p1","period":"2026-04","amount":{"amount":100,"currency":"BRL"},"reason":"x"}`, 422, "validation-error", []string{"period"}},
		{"only for a partner on a plan, in its currency", "finance", "fix-1", `{"partnerId":"p9","period":"2026-03","amount":{"amount":100,"currency":"BRL"},"reason":"x"}`, 422, "validation-error", []string{"partnerId"}},
		{"in the plan's currency", "finance", "fix-1", `{"partnerId":"p1","period":"2026-03","amount":{"amount":100,"currency":"USD"},"reason":"x"}`, 422, "validation-error", []string{"amount.currency"}},
		{"about a lead of that partner", "finance", "fix-1", `{"partnerId":"p1","period":"2026-03","leadId":"L2","amount":{"amount":100,"currency":"BRL"},"reason":"x"}`, 422, "validation-error", []string{"leadId"}},
		{"a bad id", "finance", "Fix_1", ok, 422, "validation-error", []string{"id"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, signer{})
			resp := f.do(t, call{row: "PUT /v1/commission-adjustments/{id}", args: []string{c.id}, who: c.who, body: c.body})
			expectFields(t, resp, expect(t, resp, c.status, c.problem), c.fields)
		})
	}

	t.Run("append-only: a retry answers the same line, a different body under the id is a 409; the statement and the diff show it", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, signer{})
		put := func(body string) lambdaevents.APIGatewayV2HTTPResponse {
			return f.do(t, call{row: "PUT /v1/commission-adjustments/{id}", args: []string{"fix-1"}, who: "finance", body: body})
		}
		var first, again commission.Entry
		decode(t, put(ok), &first)
		resp := put(ok)
		expect(t, resp, 200, "")
		decode(t, resp, &again)
		if first.ID != "adj.fix-1" || again.ID != first.ID || first.Kind != commission.KindAdjustment || first.Amount != -1250 || !strings.Contains(first.Explanation, "double-counted upsell") {
			t.Fatalf("first %+v, again %+v", first, again)
		}
		expect(t, put(strings.Replace(ok, "-1250", "-1300", 1)), 409, "conflict")

		var st commission.Statement
		decode(t, f.do(t, call{row: "GET /v1/commissions", who: "p1", query: "period=2026-03"}), &st)
		if len(st.Partners) != 1 || len(st.Partners[0].Lines) != 2 || st.Partners[0].Totals["BRL"].Net != 100_00-1250 {
			t.Fatalf("statement with the adjustment: %+v", st)
		}
		var d commission.Diff
		decode(t, f.do(t, call{row: "GET /v1/commissions/diff", who: "finance", query: "period=2026-03&partnerId=p1"}), &d)
		if len(d.Differences) != 0 || len(d.Adjustments) != 1 || d.Adjustments[0].ID != "adj.fix-1" {
			t.Fatalf("the diff counts the adjustment apart: %+v", d)
		}
	})
}

// A plan's holding period keeps young lines out of approval.
func TestHoldingPeriod(t *testing.T) {
	t.Parallel()
	f := newFixture(t, signer{})
	ctx := context.Background()
	plan := commission.Plan{ID: "held-p3", Version: 1, Name: "Held", PartnerID: "p3", EffectiveFrom: "2026-01-01", Currency: "BRL",
		Type: commission.FlatPerWon, FlatAmount: 10_00, HoldDays: 10}
	if err := f.ledger.PutPlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id  string
		age time.Duration
	}{{"L5", 11 * 24 * time.Hour}, {"L6", 9 * 24 * time.Hour}} {
		tr := commission.Trigger{ID: c.id + ".5", Kind: commission.TriggerWon, LeadID: c.id, PartnerID: "p3", At: now.Add(-c.age),
			Deal: &lead.Deal{Value: lead.Money{Amount: 1000_00, Currency: "BRL"}, ContractStart: "2026-03-01"}}
		if _, err := f.svc.Process(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	resp := f.do(t, call{row: "POST /v1/commissions/approve", who: "finance", body: `{"period":"2026-03","partnerId":"p3"}`})
	expect(t, resp, 200, "")
	var got struct{ Approved, Held int }
	decode(t, resp, &got)
	if got.Approved != 1 || got.Held != 1 {
		t.Fatalf("11 and 9 days old under a 10-day hold: %s, want 1 approved and 1 held", resp.Body)
	}
	expect(t, f.do(t, call{row: "PUT /v1/commission-plans/{id}", args: []string{"held"}, who: "finance",
		body: `{"name":"Held","partnerId":"p3","currency":"BRL","type":"flat_per_won","flatAmount":100,"holdDays":400}`}), 422, "validation-error")
}

// A tier is set only for a partner that exists: a typo is a 404, not a
// tier that nobody has.
func TestSetTierNamesAnExistingPartner(t *testing.T) {
	t.Parallel()
	f := newFixture(t, signer{})
	expect(t, f.do(t, call{row: "PUT /v1/commission-tiers/{partnerId}", args: []string{"p1"}, who: "finance", body: `{"tier":"gold"}`}), 200, "")
	expect(t, f.do(t, call{row: "PUT /v1/commission-tiers/{partnerId}", args: []string{"0"}, who: "finance", body: `{"tier":"gold"}`}), 404, "not-found")
	if tier, _ := f.ledger.Tier(context.Background(), "0"); tier != "" {
		t.Fatalf("a tier was stored for a partner that does not exist: %q", tier)
	}
}
