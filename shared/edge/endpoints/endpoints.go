// Package endpoints is the one table of the HTTP API: which function serves
// each method and path, and who may call it. The CDK stack makes one API
// route per row, each function's router binds its handlers to its rows
// (httpapi.Bind), the OpenAPI document must list the same operations with
// the same roles (x-roles), and the security tests call every row with
// every role. A new endpoint is one row here plus its handler.
package endpoints

import "github.com/partnerleads/pipeline/shared/domain/auth"

// The functions behind the API.
const (
	Intake  = "intake"
	Admin   = "admin"
	Finance = "finance"
	Metrics = "metrics"
	// Web serves the web app's files and its sign-in, on the app's API only.
	Web = "web"
)

// Endpoint is one operation.
type Endpoint struct {
	Method, Path string
	Function     string
	Roles        []auth.Role // nil: public
}

// Key is "METHOD /path", as API Gateway names routes.
func (e Endpoint) Key() string { return e.Method + " " + e.Path }

var (
	partner       = []auth.Role{auth.RolePartner}
	admin         = []auth.Role{auth.RoleAdmin}
	managers      = []auth.Role{auth.RoleManager, auth.RoleAdmin}
	finance       = []auth.Role{auth.RoleFinance, auth.RoleAdmin}
	sales         = []auth.Role{auth.RoleRep, auth.RoleManager, auth.RoleAdmin}
	anyLeadReader = []auth.Role{auth.RolePartner, auth.RoleRep, auth.RoleManager, auth.RoleAdmin}
	listers       = []auth.Role{auth.RolePartner, auth.RoleManager, auth.RoleAdmin}
	statements    = []auth.Role{auth.RolePartner, auth.RoleFinance, auth.RoleAdmin}
)

// All is every endpoint.
var All = []Endpoint{
	{"GET", "/v1/openapi.json", Intake, nil},
	{"GET", "/v1/docs", Metrics, nil}, // the reference page, beside the dashboard
	{"POST", "/v1/leads", Intake, partner},
	{"GET", "/v1/leads", Intake, listers},
	{"GET", "/v1/queue", Intake, sales},
	{"POST", "/v1/leads/bulk-status", Intake, sales},
	{"POST", "/v1/leads/upload", Intake, partner},
	{"POST", "/v1/integrations/{crm}/status", Intake, managers},
	{"GET", "/v1/leads/{id}", Intake, anyLeadReader},
	{"GET", "/v1/leads/{id}/routing", Intake, managers},
	{"POST", "/v1/leads/{id}/assign", Intake, managers},
	{"POST", "/v1/leads/{id}/status", Intake, sales},
	{"POST", "/v1/leads/{id}/touches", Intake, sales},
	{"GET", "/v1/leads/{id}/history", Intake, anyLeadReader},
	{"GET", "/v1/events", Intake, partner},
	// The simulator parses lead submissions as intake does, so it runs where
	// the phone-number metadata is already loaded.
	{"POST", "/v1/admin/routing/simulate", Intake, managers},

	{"GET", "/v1/admin/reps", Admin, managers},
	{"PUT", "/v1/admin/reps/{id}", Admin, admin},
	{"GET", "/v1/admin/teams", Admin, managers},
	{"PUT", "/v1/admin/teams/{id}", Admin, admin},
	{"GET", "/v1/admin/calendars", Admin, managers},
	{"PUT", "/v1/admin/calendars/{name}", Admin, admin},
	{"GET", "/v1/admin/routing/rules", Admin, managers},
	{"PUT", "/v1/admin/routing/rules", Admin, managers},
	{"GET", "/v1/admin/channels", Admin, managers},
	{"PUT", "/v1/admin/channels/{id}", Admin, admin},
	{"GET", "/v1/admin/crm/{crm}/mapping", Admin, managers},
	{"PUT", "/v1/admin/crm/{crm}/mapping", Admin, admin},
	{"GET", "/v1/admin/partners", Admin, managers},
	{"POST", "/v1/admin/partners", Admin, admin},
	{"PUT", "/v1/admin/partners/{id}/program", Admin, admin},
	{"PUT", "/v1/admin/partners/{id}/rate-limit", Admin, admin},
	{"GET", "/v1/admin/sla-policies", Admin, managers},
	{"PUT", "/v1/admin/sla-policies/{program}", Admin, admin},
	{"POST", "/v1/admin/keys", Admin, admin},
	{"GET", "/v1/admin/keys", Admin, admin},
	{"POST", "/v1/admin/keys/{id}/revoke", Admin, admin},
	{"POST", "/v1/admin/keys/{id}/disable", Admin, admin},
	{"POST", "/v1/admin/keys/{id}/enable", Admin, admin},
	{"POST", "/v1/webhooks", Admin, partner},
	{"GET", "/v1/webhooks", Admin, partner},
	{"DELETE", "/v1/webhooks/{id}", Admin, partner},
	{"POST", "/v1/webhooks/{id}/rotate", Admin, partner},
	{"POST", "/v1/webhooks/replay", Admin, partner},
	{"GET", "/v1/notification-preferences", Admin, partner},
	{"PUT", "/v1/notification-preferences", Admin, partner},

	{"GET", "/v1/commission-plans", Finance, finance},
	{"PUT", "/v1/commission-plans/{id}", Finance, finance},
	{"PUT", "/v1/commission-tiers/{partnerId}", Finance, finance},
	{"GET", "/v1/commissions", Finance, statements},
	{"GET", "/v1/commissions/diff", Finance, statements},
	{"PUT", "/v1/commission-adjustments/{id}", Finance, finance},
	{"POST", "/v1/commission-disputes", Finance, partner},
	{"GET", "/v1/commission-disputes", Finance, statements},
	{"GET", "/v1/commission-disputes/{id}", Finance, statements},
	{"POST", "/v1/commission-disputes/{id}/answer", Finance, finance},
	{"POST", "/v1/commissions/approve", Finance, finance},
	{"POST", "/v1/commissions/pay", Finance, finance},
	{"POST", "/v1/leads/{id}/cancellation", Finance, finance},
	{"POST", "/v1/leads/{id}/revenue", Finance, finance},
	{"POST", "/v1/exports", Finance, finance},
	{"GET", "/v1/exports/{id}", Finance, finance},

	{"GET", "/v1/metrics", Metrics, listers},
	{"GET", "/v1/metrics/stale", Metrics, listers},
	{"GET", "/v1/metrics/reports/{week}", Metrics, listers},
	// The indicators page: static files, public (the page asks for a key).
	{"GET", "/dashboard", Metrics, nil},
	{"GET", "/dashboard/app.js", Metrics, nil},
	{"GET", "/dashboard/app.css", Metrics, nil},
	// The web app: its files and its sign-in (public: the password is the credential).
	{"GET", "/app", Web, nil},
	{"GET", "/app/{file}", Web, nil},
	{"POST", "/app/session", Web, nil},
	{"POST", "/app/session/refresh", Web, nil},
	{"POST", "/app/session/revoke", Web, nil},
}

// Of is the endpoints one function serves.
func Of(function string) []Endpoint {
	var out []Endpoint
	for _, e := range All {
		if e.Function == function {
			out = append(out, e)
		}
	}
	return out
}

// Functions is every function that serves endpoints, in table order.
func Functions() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range All {
		if !seen[e.Function] {
			seen[e.Function] = true
			out = append(out, e.Function)
		}
	}
	return out
}
