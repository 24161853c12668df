//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/testkit/intaketest"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

// A lead POSTed to the API becomes assigned, with a stored explanation a
// manager can read, through stream → publisher → bus → router.
func TestE2ERouting(t *testing.T) {
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Routing")
	mgr := a.key(t, "manager", "mgr-e2e")

	reps, version := a.routeTo(t, partnerID, 2)

	start := time.Now()
	id := a.createLead(t, key, lead(storetest.Unique("rt")))
	got := a.waitAssigned(t, id, mgr)
	owner, _ := got.body["ownerId"].(string)
	if got.body["status"] != "assigned" || (owner != reps[0] && owner != reps[1]) || got.body["grade"] == nil || got.body["firstContactDueAt"] == nil {
		t.Fatalf("lead not assigned to the pool %v: %s", reps, got)
	}
	t.Logf("accepted → assigned in %s", time.Since(start).Round(100*time.Millisecond))
	// The partner sees its lead assigned, not to whom nor how it scored.
	seen := a.call(t, "GET", "/v1/leads/"+id, key, "", nil, true).expect(t, 200)
	for _, hidden := range []string{"ownerId", "score", "grade"} {
		if _, ok := seen.body[hidden]; ok || seen.body["status"] != "assigned" {
			t.Fatalf("the partner's view shows %s (or is not assigned): %s", hidden, seen)
		}
	}

	if r := a.call(t, "GET", "/v1/leads/"+id+"/routing", key, "", nil, true); r.status != 403 {
		t.Fatalf("a partner reads the routing explanation: %s", r)
	}
	ex := a.call(t, "GET", "/v1/leads/"+id+"/routing", mgr, "", nil, true).expect(t, 200)
	ds := ex.items(t, "decisions")
	if len(ds) != 1 {
		t.Fatalf("explanation: %s", ex)
	}
	d := ds[0]
	if d.get("chosen") != owner || d.get("ruleId") != "e2e-"+partnerID || d.get("path") != "rule" || d.get("ruleSetVersion") != version || len(d.list(t, "candidates")) != 2 {
		t.Fatalf("explanation does not explain: %s", ex)
	}

	other := reps[0]
	if owner == reps[0] {
		other = reps[1]
	}
	moved := a.call(t, "POST", "/v1/leads/"+id+"/assign", mgr, fmt.Sprintf(`{"ownerId":%q,"reason":"e2e rebalance"}`, other), nil, true)
	if moved.status != 200 || moved.body["ownerId"] != other {
		t.Fatalf("reassign: %s", moved)
	}
	if r := a.call(t, "GET", "/v1/leads/"+id, mgr, "", nil, true); r.body["ownerId"] != other || r.body["version"] != float64(3) {
		t.Fatalf("after reassign to %s: %s", other, r)
	}

	var sim struct {
		RuleSet json.RawMessage   `json:"ruleSet"`
		Leads   []json.RawMessage `json:"leads"`
	}
	sim.RuleSet = a.call(t, "GET", "/v1/admin/routing/rules", mgr, "", nil, true).expect(t, 200).raw
	for range 4 {
		sim.Leads = append(sim.Leads, json.RawMessage(intaketest.ValidBody))
	}
	body, _ := json.Marshal(sim)
	rep := a.call(t, "POST", "/v1/admin/routing/simulate", mgr, string(body), nil, true)
	if rep.status != 200 || rep.body["leads"] != float64(4) || rep.body["unassigned"] != float64(0) {
		t.Fatalf("simulate: %s", rep)
	}
}
