package openapi

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/notify"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/sla"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// validators are the handlers' own checks of a request body, per operation:
// nil when the body is accepted. The document must accept exactly those.
var validators = map[string]func(body map[string]any) error{
	"createKey": func(b map[string]any) error {
		role, _ := b["role"].(string)
		if _, err := auth.ParseRole(role); err != nil {
			return err
		}
		partnerID, _ := b["partnerId"].(string)
		subjectID, _ := b["subjectId"].(string)
		_, _, err := auth.NewKey(auth.Role(role), partnerID, subjectID, "", time.Now())
		return err
	},
	"payCommissions": func(b map[string]any) error {
		if p, _ := b["partnerId"].(string); p == "" {
			return errEmpty
		}
		through, _ := b["through"].(string)
		_, err := commission.ParsePeriod(through)
		return err
	},
	"approveCommissions": decoded(func(in *struct {
		Period    string `json:"period"`
		PartnerID string `json:"partnerId"`
	}) error {
		_, err := commission.ParsePeriod(in.Period)
		return err
	}),
	"requestExport": decoded(func(in *struct {
		Period string `json:"period"`
	}) error {
		_, err := commission.ParsePeriod(in.Period)
		return err
	}),
	"putCalendar":   decoded(func(c *routing.CalendarDef) error { return c.Validate() }),
	"putChannel":    decoded(func(c *notify.Channel) error { return c.Validate(notify.Targets{}) }),
	"putCRMMapping": decoded(func(m *lifecycle.CRMMapping) error { return m.Validate() }),
	"putSLAPolicy": decoded(func(p *sla.Policy) error {
		p.Program = sla.DefaultProgram // from the path
		return p.Validate()
	}),
	"savePlan": decoded(func(p *commission.Plan) error {
		p.ID = "plano-2027" // from the path
		if p.EffectiveFrom == "" {
			p.EffectiveFrom = "2027-01-01" // SavePlan's default: today
		}
		return p.Validate()
	}),
}

// decoded is a handler's check of a body: it decodes into the handler's
// request type as every handler decodes (unknown fields refused), then
// check runs on it.
func decoded[T any](check func(*T) error) func(map[string]any) error {
	return func(b map[string]any) error {
		raw, _ := json.Marshal(b)
		var in T
		if err := validation.Decode(raw, &in); err != nil {
			return err
		}
		return check(&in)
	}
}

type contractError string

func (e contractError) Error() string { return string(e) }

const errEmpty = contractError("empty")

// Bodies near each validator's edges: the document and the handler's
// checks must agree on every one, so a client generated from the document
// is right first time (issue 18, item 12).
func TestTheDocumentAcceptsWhatTheHandlersAccept(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(Document)
	if err != nil {
		t.Fatal(err)
	}
	bodies := map[string][]string{
		"createKey": {
			`{"role":"partner","partnerId":"p1"}`, `{"role":"partner"}`, `{"role":"partner","partnerId":""}`,
			`{"role":"rep","subjectId":"r1"}`, `{"role":"rep","partnerId":"p1"}`, `{"role":"admin","name":"Ops"}`,
			`{"role":"boss"}`, `{"role":"finance","partnerId":"p1","subjectId":"f1"}`,
		},
		"payCommissions": {
			`{"partnerId":"p1","through":"2026-03"}`, `{"partnerId":"p1","through":"2026-3"}`, `{"partnerId":"p1","through":"2026-13"}`,
			`{"partnerId":"p1","through":"1999-12"}`, `{"partnerId":"p1","through":"2201-01"}`, `{"partnerId":"","through":"2026-03"}`,
			`{"partnerId":"p1","through":"2026-03-01"}`, `{"partnerId":"p1","through":"2200-12"}`,
		},
		"approveCommissions": {
			`{"period":"2026-03"}`, `{"period":"2026-03","partnerId":"p1"}`, `{"period":"2026-00"}`, `{}`, `{"period":"2026-03","extra":1}`,
		},
		"requestExport": {`{"period":"2026-03"}`, `{"period":"26-03"}`, `{"period":"2026-03","partnerId":"p1"}`},
		"putCalendar": {
			`{"name":"sp","extends":"BR","dates":["2026-01-25"]}`, `{"name":"sp","extends":"","dates":[]}`,
			`{"name":"","extends":"BR","dates":[]}`, `{"name":"BR","extends":"BR","dates":[]}`, `{"name":"s p","extends":"BR","dates":[]}`,
			`{"name":"a/b","extends":"BR","dates":[]}`, `{"name":"sp","extends":"US","dates":[]}`, `{"name":"sp","extends":"BR","dates":["2026-02-30"]}`,
			`{"name":"sp","extends":"BR","dates":["25/01/2026"]}`, `{"name":"sp","extends":"BR","dates":[],"zone":"x"}`,
			`{"name":"abcdefghijklmnopqrstuvwxyz0123456","extends":"BR","dates":[]}`,
		},
		"putChannel": {
			`{"id":"vendas","kind":"slack","url":"https://hooks.example.com/T1"}`, `{"id":"vendas","kind":"teams","url":"https://x.example.com/w","events":["lead.assigned"]}`,
			`{"id":"","kind":"slack","url":"https://hooks.example.com/T1"}`, `{"id":"a b","kind":"slack","url":"https://hooks.example.com/T1"}`,
			`{"id":"a#b","kind":"slack","url":"https://hooks.example.com/T1"}`, `{"id":"` + strings.Repeat("c", 65) + `","kind":"slack","url":"https://hooks.example.com/T1"}`,
			`{"id":"vendas","kind":"discord","url":"https://hooks.example.com/T1"}`, `{"id":"vendas","kind":"slack","url":"http://hooks.example.com/T1"}`,
			`{"id":"vendas","kind":"slack","url":"hooks.example.com"}`, `{"id":"vendas","kind":"slack","url":"https://hooks.example.com/T1","events":["lead.won"]}`,
			`{"id":"vendas","kind":"slack","url":"https://hooks.example.com/T1","secret":"x"}`,
		},
		"putSLAPolicy": slaBodies(),
		"savePlan":     planBodies(),
		"putCRMMapping": {
			`{"crm":"hubspot","statuses":{"Closed Won":"won","appointmentscheduled":"contacted"}}`, `{"crm":"rd","statuses":{"x":"junk"}}`,
			`{"crm":"hubspot","statuses":{}}`, `{"crm":"hubspot","statuses":{"Open":"assigned"}}`, `{"crm":"hubspot","statuses":{"Open":"open"}}`,
			`{"crm":"","statuses":{"x":"won"}}`, `{"crm":"hub spot","statuses":{"x":"won"}}`, `{"crm":"` + strings.Repeat("h", 33) + `","statuses":{"x":"won"}}`,
			`{"crm":"hubspot","statuses":{"x":"won"},"token":"t"}`, `{"crm":"hubspot"}`,
		},
	}
	for opID, cases := range bodies {
		schema := requestSchema(t, doc, opID)
		for _, raw := range cases {
			var body map[string]any
			if err := json.Unmarshal([]byte(raw), &body); err != nil {
				t.Fatal(err)
			}
			handler := validators[opID](body)
			document := schema.VisitJSON(body)
			if (handler == nil) != (document == nil) {
				t.Errorf("%s %s: the handler says %v, the document says %v", opID, raw, orOK(handler), orOK(document))
			}
		}
	}
}

// slaBodies are SLA policies around each edge of Policy.Validate that a
// schema can state; the order of steps is the handler's alone.
func slaBodies() []string {
	hours := `{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[1,2,3,4,5],"start":"09:00","end":"18:00"}`
	policy := func(hours, stages, extra string) string {
		return `{"workingHours":` + hours + `,"stages":` + stages + extra + `}`
	}
	ladder := func(status, after string) string {
		return `[{"status":"` + status + `","steps":[{"action":"remind","after":"` + after + `"}]}]`
	}
	ok := ladder("contacted", "3d")
	return []string{
		policy(hours, ok, ""), policy(hours, ladder("assigned", "5m"), `,"escalateTo":["gerente@example.com"]`),
		policy(hours, ladder("unreachable", "90d"), ""), policy(hours, ladder("contacted", "91d"), ""), policy(hours, ladder("contacted", "9999h"), ""),
		policy(hours, ladder("contacted", "0d"), ""), policy(hours, ladder("contacted", "3w"), ""), policy(hours, ladder("won", "3d"), ""),
		policy(hours, ladder("new", "3d"), ""), policy(hours, `[{"status":"contacted","steps":[]}]`, ""),
		policy(hours, `[{"status":"contacted","steps":[{"action":"call","after":"3d"}]}]`, ""),
		policy(hours, `[{"status":"contacted","steps":[{"action":"remind","after":"3d"}],"note":"x"}]`, ""),
		policy(hours, ok, `,"escalateTo":["gerente"]`), policy(hours, ok, `,"escalateTo":["@example.com"]`), policy(hours, ok, `,"escalateTo":["a b@example.com"]`),
		policy(hours, ok, `,"owner":"x"`),
		policy(`{"timeZone":"America/Sao_Paulo","start":"09:00","end":"18:00"}`, ok, ""),
		policy(`{"timeZone":"","calendar":"BR","weekdays":[1],"start":"09:00","end":"18:00"}`, ok, ""),
		policy(`{"timeZone":"America/Sao_Paulo","calendar":"sp","weekdays":[1],"start":"09:00","end":"18:00"}`, ok, ""),
		policy(`{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[7],"start":"09:00","end":"18:00"}`, ok, ""),
		policy(`{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[1],"start":"24:00","end":"18:00"}`, ok, ""),
		policy(`{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[1],"start":"9:00","end":"18:00"}`, ok, ""),
		policy(`{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[1],"start":"09:00","end":"18:00","lunch":"12:00"}`, ok, ""),
	}
}

// planBodies are plans around the edges every plan type shares; each
// type's own fields are checked by its file (plan_types_test.go).
func planBodies() []string {
	plan := func(fields string) string {
		return `{"name":"Parceiros 2027","currency":"BRL","type":"percent_of_deal","rateBps":1000,"effectiveFrom":"2027-01-01"` + fields + `}`
	}
	return []string{
		plan(`,"partnerId":"p1"`), plan(`,"tier":"ouro"`), plan(`,"tier":"ouro","partnerId":""`),
		plan(``), plan(`,"partnerId":"p1","tier":"ouro"`), plan(`,"partnerId":"","tier":""`), plan(`,"tier":"Ouro"`), plan(`,"tier":"-ouro"`),
		plan(`,"tier":"` + strings.Repeat("o", 41) + `"`), plan(`,"tier":"ouro","currency":"brl"`), plan(`,"tier":"ouro","currency":"BR1"`),
		plan(`,"tier":"ouro","name":""`), plan(`,"tier":"ouro","effectiveFrom":"2027-02-30"`), plan(`,"tier":"ouro","effectiveFrom":"01/01/2027"`),
		plan(`,"tier":"ouro","holdDays":365`), plan(`,"tier":"ouro","holdDays":366`), plan(`,"tier":"ouro","clawbackDays":3650,"clawbackMode":"full"`),
		plan(`,"tier":"ouro","clawbackDays":3651,"clawbackMode":"full"`), plan(`,"tier":"ouro","capPerLead":-1`), plan(`,"tier":"ouro","bonus":1`),
		`{"name":"Sem moeda","type":"flat_per_won","flatAmount":5000,"effectiveFrom":"2027-01-01","tier":"ouro"}`,
		`{"name":"Sem data","currency":"BRL","type":"flat_per_won","flatAmount":5000,"tier":"ouro"}`,
		`{"name":"Recorrente","currency":"BRL","type":"recurring_percent","rateBps":500,"months":120,"effectiveFrom":"2027-01-01","tier":"ouro"}`,
		`{"name":"Recorrente","currency":"BRL","type":"recurring_percent","rateBps":500,"months":121,"effectiveFrom":"2027-01-01","tier":"ouro"}`,
		`{"name":"Faixas","currency":"BRL","type":"tiered","tierMode":"marginal","tiers":[{"upTo":100000,"rateBps":500},{"upTo":0,"rateBps":10001}],"effectiveFrom":"2027-01-01","tier":"ouro"}`,
	}
}

func orOK(err error) any {
	if err == nil {
		return "accepted"
	}
	return err
}

func requestSchema(t *testing.T, doc *openapi3.T, opID string) *openapi3.Schema {
	t.Helper()
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.OperationID == opID {
				return op.RequestBody.Value.Content.Get("application/json").Schema.Value
			}
		}
	}
	t.Fatalf("no operation %s", opID)
	return nil
}
