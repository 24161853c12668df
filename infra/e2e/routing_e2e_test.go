//go:build emulator

package e2e

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/intake/intaketest"
	"github.com/partnerleads/pipeline/shared/storetest"
)

// A lead POSTed to the API becomes assigned, with a stored explanation a
// manager can read, through stream → publisher → bus → router.
func TestE2ERouting(t *testing.T) {
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Routing")
	mgr := a.call(t, "POST", "/v1/admin/keys", a.admin, `{"role":"manager","subjectId":"mgr-e2e","name":"e2e manager"}`, nil, true).body["apiKey"].(string)

	reps := []string{storetest.Unique("rep-a-"), storetest.Unique("rep-b-")}
	for _, id := range reps {
		body := fmt.Sprintf(`{"id":%q,"name":"E2E","active":true,"weight":1,"capacity":{"maxOpen":100},
			"workingHours":{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[1,2,3,4,5],"start":"09:00","end":"18:00"}}`, id)
		if r := a.call(t, "PUT", "/v1/admin/reps/"+id, a.admin, body, nil, true); r.status != 200 {
			t.Fatalf("put rep: %d %s", r.status, r.raw)
		}
	}
	rules := fmt.Sprintf(`{"fallbackOwner":"mgr-e2e","scoring":{"gradeA":80,"gradeB":40,"completenessPoints":40},
		"rules":[{"id":"e2e","when":{"partners":[%q]},"pool":[%q,%q],"strategy":"weighted_round_robin","allowAfterHours":true}]}`, partnerID, reps[0], reps[1])
	saved := a.call(t, "PUT", "/v1/admin/routing/rules", a.admin, rules, nil, true)
	if saved.status != 201 {
		t.Fatalf("save rules: %d %s", saved.status, saved.raw)
	}

	start := time.Now()
	created := a.call(t, "POST", "/v1/leads", key, lead(storetest.Unique("rt")), nil, true)
	if created.status != 201 {
		t.Fatalf("create: %d %s", created.status, created.raw)
	}
	id := created.body["id"].(string)
	var got reply
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		got = a.call(t, "GET", "/v1/leads/"+id, key, "", nil, true)
		if got.body["status"] == "assigned" {
			break
		}
	}
	owner, _ := got.body["ownerId"].(string)
	if got.body["status"] != "assigned" || (owner != reps[0] && owner != reps[1]) || got.body["grade"] == nil || got.body["firstContactDueAt"] == nil {
		t.Fatalf("lead not assigned to the pool within 90 s: %s", got.raw)
	}
	t.Logf("accepted → assigned in %s", time.Since(start).Round(100*time.Millisecond))

	if r := a.call(t, "GET", "/v1/leads/"+id+"/routing", key, "", nil, true); r.status != 403 {
		t.Fatalf("a partner reads the routing explanation: %d", r.status)
	}
	ex := a.call(t, "GET", "/v1/leads/"+id+"/routing", mgr, "", nil, true)
	ds, _ := ex.body["decisions"].([]any)
	if ex.status != 200 || len(ds) != 1 {
		t.Fatalf("explanation: %d %s", ex.status, ex.raw)
	}
	d := ds[0].(map[string]any)
	if d["chosen"] != owner || d["ruleId"] != "e2e" || d["path"] != "rule" || d["ruleSetVersion"] != saved.body["version"] || len(d["candidates"].([]any)) != 2 {
		t.Fatalf("explanation does not explain: %s", ex.raw)
	}

	other := reps[0]
	if owner == reps[0] {
		other = reps[1]
	}
	moved := a.call(t, "POST", "/v1/leads/"+id+"/assign", mgr, fmt.Sprintf(`{"ownerId":%q,"reason":"e2e rebalance"}`, other), nil, true)
	if moved.status != 200 || moved.body["ownerId"] != other {
		t.Fatalf("reassign: %d %s", moved.status, moved.raw)
	}
	if r := a.call(t, "GET", "/v1/leads/"+id, mgr, "", nil, true); r.body["ownerId"] != other || r.body["version"] != float64(3) {
		t.Fatalf("after reassign: %s", r.raw)
	}

	var sim struct {
		RuleSet json.RawMessage   `json:"ruleSet"`
		Leads   []json.RawMessage `json:"leads"`
	}
	sim.RuleSet = json.RawMessage(rules)
	for range 4 {
		sim.Leads = append(sim.Leads, json.RawMessage(intaketest.ValidBody))
	}
	body, _ := json.Marshal(sim)
	rep := a.call(t, "POST", "/v1/admin/routing/simulate", mgr, string(body), nil, true)
	if rep.status != 200 || rep.body["leads"] != float64(4) || rep.body["unassigned"] != float64(0) {
		t.Fatalf("simulate: %d %s", rep.status, rep.raw)
	}
}
