//go:build e2e

// The roles matrix and tenant isolation, through the deployed API.
//
// No PII-in-the-logs check here: on the emulator there is nothing to scan.
// MiniStack runs a provided.al2023 function as a child process per
// invocation and keeps none of what it prints. On success it discards
// stdout (where our functions log, platform.NewFunctionLogger) and logs
// stderr only through its own Python logger at INFO, cut to 500 characters,
// which the default LOG_LEVEL=WARNING drops; only a timed-out invocation's
// first 500 characters of output survive, inside its error message. What
// it writes to CloudWatch Logs, into the function's own LoggingConfig group
// (our explicit LogGroup, infra/config.go goFunction), is only the START,
// END and REPORT lines it makes up per invocation (lambda_svc.py
// _execute_function_provided and _emit_lambda_logs). A scan of those lines
// proves nothing, so it is not done.
//
// The check lives in the chaos run (make chaos; infra/e2e/chaos and
// shared/testkit/chaos), which starts every function's binary itself,
// captures all of its output, and fails if any seeded email or phone number
// is in it, or if there was no output at all to scan.

package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/edge/endpoints"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

// allRoles is every role, as the keys are minted.
var allRoles = func() []string {
	var out []string
	for _, r := range auth.Roles {
		out = append(out, string(r))
	}
	return out
}()

// pathArgs fills an operation's path parameters with values that name
// nothing (or the caller's own partner): an allowed role then gets a 404 or
// a 4xx about its empty body, and nothing is changed.
var pathArgs = strings.NewReplacer("{id}", "sec-nothing", "{crm}", "hubspot", "{name}", "BR",
	"{program}", "sec-nothing", "{week}", "2026-W47")

func TestE2ESecurity(t *testing.T) {
	t.Parallel() // alongside TestE2EFollowUp, which mostly waits
	a := newAPI(t)
	partnerA, keyA := a.partner(t, "E2E Security A")
	_, keyB := a.partner(t, "E2E Security B")
	keys := map[string]string{"partner": keyA, "admin": a.admin}
	for _, role := range []string{"rep", "manager", "finance"} {
		keys[role] = a.key(t, role, "sec-"+role)
	}

	// Every row of the endpoint table (which a unit test holds to the
	// OpenAPI document's x-roles), called with no key and with every role's.
	t.Run("roles", func(t *testing.T) { roleMatrix(t, a, keys, partnerA) })

	// One partner's lead, webhook and numbers, tried by another partner and
	// by a rep who does not own the lead. The lead is routed to a new rep.
	a.routeTo(t, partnerA, 1)
	leadA := a.createLead(t, keyA, lead(storetest.Unique("sec")))
	hookA := a.call(t, "POST", "/v1/webhooks", keyA, `{"url":"https://hooks.partner-a.example/leads"}`, nil, true).expect(t, 201).str(t, "webhook", "id")

	t.Run("partners and reps see only their own", func(t *testing.T) {
		cases := []struct {
			name, method, path, key, body string
			status                        int
			mustNotContain                string
		}{
			{"get another partner's lead", "GET", "/v1/leads/" + leadA, keyB, "", 404, leadA},
			{"its history", "GET", "/v1/leads/" + leadA + "/history", keyB, "", 404, leadA},
			{"list naming the other partner", "GET", "/v1/leads?partnerId=" + partnerA, keyB, "", 200, leadA},
			{"the events feed", "GET", "/v1/events?limit=500", keyB, "", 200, leadA},
			{"list webhooks", "GET", "/v1/webhooks", keyB, "", 200, hookA},
			{"delete another partner's webhook", "DELETE", "/v1/webhooks/" + hookA, keyB, "", 404, ""},
			{"rotate its secret", "POST", "/v1/webhooks/" + hookA + "/rotate", keyB, "", 404, ""},
			{"another partner's statement", "GET", "/v1/commissions?partnerId=" + partnerA, keyB, "", 403, ""},
			{"another partner's indicators", "GET", "/v1/metrics?partnerId=" + partnerA, keyB, "", 403, ""},
			{"another partner's stale leads", "GET", "/v1/metrics/stale?partnerId=" + partnerA, keyB, "", 403, ""},
			{"another partner's weekly report", "GET", "/v1/metrics/reports/2026-W47?partnerId=" + partnerA, keyB, "", 403, ""},
			{"a rep reading a lead it does not own", "GET", "/v1/leads/" + leadA, keys["rep"], "", 404, leadA},
			{"… its history", "GET", "/v1/leads/" + leadA + "/history", keys["rep"], "", 404, leadA},
			{"… moving it", "POST", "/v1/leads/" + leadA + "/status", keys["rep"], `{"status":"contacted"}`, 404, ""},
		}
		for _, c := range cases {
			r := a.call(t, c.method, c.path, c.key, c.body, nil, false)
			if r.status != c.status || (c.mustNotContain != "" && strings.Contains(string(r.raw), c.mustNotContain)) {
				t.Errorf("%s: want %d without %q, got %s", c.name, c.status, c.mustNotContain, r)
			}
		}
		if r := a.call(t, "GET", "/v1/webhooks", keyA, "", nil, true); !strings.Contains(string(r.raw), hookA) {
			t.Errorf("the owner lost its webhook: %s", r)
		}
		if r := a.call(t, "GET", "/v1/leads/"+leadA, keyA, "", nil, true); r.status != 200 {
			t.Errorf("the owner cannot read its lead: %s", r)
		}
	})
}

// roleMatrix calls every row of the endpoint table that a's API serves
// with no credential and with every role's (tokens: API keys, or people's
// ID tokens on the app's API), and checks each role gets in exactly where
// the table says. A person and a key meet the one policy.
func roleMatrix(t *testing.T, a *api, tokens map[string]string, partnerID string) {
	for _, e := range endpoints.All {
		if e.Function == endpoints.Web && !a.people {
			continue // the app is served on the app's API only
		}
		op, method := e.Key(), e.Method
		path := strings.ReplaceAll(pathArgs.Replace(e.Path), "{partnerId}", partnerID)
		var allowed []string
		for _, r := range e.Roles {
			allowed = append(allowed, string(r))
		}
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			if e.Roles == nil {
				if e.Function == endpoints.Web {
					return // the app's files and sign-in: TestE2EApp
				}
				// The dashboard's files are not API operations: no document to check them against.
				if r := a.call(t, method, path, "", "", nil, strings.HasPrefix(e.Path, "/v1/")); r.status != 200 {
					t.Errorf("public %s: %s", op, r)
				}
				return
			}
			if r := a.call(t, method, path, "", "", nil, false); r.status != 401 || (!a.people && r.problemType() != "unauthenticated") {
				t.Errorf("no credential: %s", r)
			}
			body := ""
			if method == "POST" || method == "PUT" {
				body = `{"probe":` // malformed: an allowed role is refused with 400 and nothing changes
			}
			for _, role := range allRoles {
				r := a.call(t, method, path, tokens[role], body, nil, false)
				switch {
				case slices.Contains(allowed, role) && (r.status == 401 || r.status == 403 || r.status >= 500):
					t.Errorf("%s may call it but got %s", role, r)
				case !slices.Contains(allowed, role) && (r.status != 403 || r.problemType() != "forbidden"):
					t.Errorf("%s may not call it but got %s", role, r)
				}
			}
		})
	}
}
