package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/aws/cognito"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/notify"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
)

// pool knows one user.
type pool struct{ revoked []string }

func (p *pool) SignIn(_ context.Context, email, password string) (cognito.Tokens, error) {
	if email != "ana@example.com" || password != "Right-Password-1" {
		return cognito.Tokens{}, auth.ErrBadCredentials
	}
	return cognito.Tokens{IDToken: "id.for.ana", RefreshToken: "refresh-ana", ExpiresIn: 3600}, nil
}

func (p *pool) Refresh(_ context.Context, token string) (cognito.Tokens, error) {
	if token != "refresh-ana" {
		return cognito.Tokens{}, auth.ErrBadCredentials
	}
	return cognito.Tokens{IDToken: "id.for.ana.2", ExpiresIn: 3600}, nil
}

func (p *pool) Revoke(_ context.Context, token string) error {
	p.revoked = append(p.revoked, token)
	return nil
}

func TestWebRoutes(t *testing.T) {
	t.Parallel()
	p := &pool{}
	r := httpapi.Router{Routes: routes(handler{sessions: p}), Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	cases := []struct {
		name, method, path, body string
		status                   int
		contains                 string
	}{
		{"the page", "GET", "/app", "", 200, `<script type="module" src="app/app.js">`},
		{"its script", "GET", "/app/app.js", "", 200, `import { h, field`},
		{"its catalogue", "GET", "/app/pt-BR.json", "", 200, `"signIn.title": "Entrar"`},
		{"the lifecycle, from package lead", "GET", "/app/lifecycle.json", "", 200, `"proposal":["won","lost","qualified"]`},
		{"no other file", "GET", "/app/secret.go", "", 404, ""},
		{"no way out of the folder", "GET", "/app/..%2Fhandler.go", "", 404, ""},
		{"sign in", "POST", "/app/session", `{"email":" Ana@Example.com ","password":"Right-Password-1"}`, 200, `"idToken":"id.for.ana"`},
		{"a wrong password", "POST", "/app/session", `{"email":"ana@example.com","password":"nope"}`, 401, `bad-credentials`},
		{"nothing typed", "POST", "/app/session", `{"email":"","password":""}`, 422, `"field":"password"`},
		{"not JSON", "POST", "/app/session", `email=ana`, 400, `malformed`},
		{"renew", "POST", "/app/session/refresh", `{"refreshToken":"refresh-ana"}`, 200, `"idToken":"id.for.ana.2"`},
		{"renew without a token", "POST", "/app/session/refresh", `{}`, 422, `"field":"refreshToken"`},
		{"sign out", "POST", "/app/session/revoke", `{"refreshToken":"refresh-ana"}`, 204, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := lambdaevents.APIGatewayV2HTTPRequest{RawPath: c.path, Body: c.body, Headers: map[string]string{"content-type": "application/json"}}
			ev.RequestContext.HTTP.Method = c.method
			resp, _ := r.Handle(context.Background(), ev)
			if resp.StatusCode != c.status || !strings.Contains(resp.Body, c.contains) {
				t.Fatalf("%s %s: %d %.300s", c.method, c.path, resp.StatusCode, resp.Body)
			}
			if c.method == "GET" && c.status == 200 && !strings.Contains(resp.Headers["Content-Security-Policy"], "script-src 'self'") {
				t.Fatalf("%s has no strict CSP: %v", c.path, resp.Headers)
			}
			if c.method == "POST" && strings.Contains(resp.Body, "idToken") && resp.Headers["Cache-Control"] != "no-store" {
				t.Fatalf("tokens may be cached: %v", resp.Headers)
			}
		})
	}
	if !slices.Equal(p.revoked, []string{"refresh-ana"}) {
		t.Fatalf("revoked %v", p.revoked)
	}
}

// Every string the page shows is in both catalogues, and the catalogues
// have the same keys.
func TestCataloguesCoverThePage(t *testing.T) {
	t.Parallel()
	read := func(name string) map[string]string {
		b, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return m
	}
	pt, en := read("pt-BR.json"), read("en.json")
	if a, b := slices.Sorted(maps.Keys(pt)), slices.Sorted(maps.Keys(en)); !slices.Equal(a, b) {
		t.Fatalf("the catalogues differ:\npt-BR %v\nen    %v", a, b)
	}
	used := map[string]bool{}
	pages, _ := fs.Glob(files, "*.js")
	for _, name := range append(pages, "index.html") {
		b, _ := fs.ReadFile(files, name)
		for _, m := range regexp.MustCompile(`(?:\bt\(|data-i18n=|nav: )"([a-zA-Z_.]*[a-zA-Z])"`).FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	if len(used) < 40 {
		t.Fatalf("found only %d keys in the page: the pattern no longer matches it", len(used))
	}
	mark(used, "status.", lead.Statuses)
	mark(used, "why.excluded.", routing.Exclusions)
	mark(used, "why.path.", routing.Paths)
	mark(used, "strategy.", routing.StrategyNames())
	mark(used, "channel.", lead.TouchChannels)
	mark(used, "outcome.", lead.TouchOutcomes)
	mark(used, "role.", auth.Roles)
	mark(used, "change.", []string{lead.ChangeCreated, lead.ChangeStatusChanged, lead.ChangeAssigned, lead.ChangeReassigned, lead.ChangeStale, lead.ChangeRecalled, lead.ChangeTouched})
	mark(used, "kind.", commission.EntryKinds)
	mark(used, "lineState.", commission.States)
	mark(used, "payoutState.", commission.PayoutStates)
	mark(used, "planType.", commission.PlanTypeNames())
	mark(used, "disputeState.", commission.DisputeStates)
	mark(used, "dispute.filter.", []string{"open", "answered", "all"})
	mark(used, "event.", notify.EventTypes)
	mark(used, "prefs.mode.", []string{"immediate", "digest", "off"})
	mark(used, "keyState.", auth.KeyStatuses)
	mark(used, "column.", intake.SheetColumns())
	mark(used, "upload.outcome.", intake.RowOutcomes)
	mark(used, "upload.count.", intake.RowOutcomes[1:]) // accepted rows are counted apart from replayed ones
	used["secret.once"] = true
	for _, prefix := range []string{"plans", "reps", "sla", "channels"} { // the document editors' words (widgets.js docEditor)
		mark(used, prefix+".", []string{"pick", "new", "newID", "document", "save", "needID", "reload", "edit", "editHint"})
	}
	for d := range 7 {
		used[fmt.Sprintf("weekday.%d", d)] = true
	}
	mark(used, "channels.kind.", notify.ChannelKindNames())
	mark(used, "sla.step.", []string{"remind", "escalate", "recall"})
	mark(used, "rules.when.", []string{"countries", "states", "industries", "sizes", "products", "grades", "partners"})
	for k := range used {
		if _, ok := pt[k]; !ok {
			t.Errorf("%q is shown but not in the catalogues", k)
		}
	}
}

// mark counts every value of a registry as shown under prefix.
func mark[S ~string](used map[string]bool, prefix string, values []S) {
	for _, v := range values {
		used[prefix+string(v)] = true
	}
}
