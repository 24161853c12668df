package main

import (
	"strings"
	"testing"
)

// What a partner sees of its lead, by every surface this function serves:
// never the score or grade, and not who owns it or why (the routing
// explanation names the rule), while a manager sees all of it.
func TestPartnersSeeNoSalesSide(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.routed(t, body(1))
	surfaces := []string{"/v1/leads/" + id, "/v1/leads?limit=10", "/v1/leads/" + id + "/history", "/v1/events?limit=100"}
	for _, path := range surfaces {
		code, _, resp := f.do(t, "GET", path, "a", "", nil)
		if code != 200 {
			t.Fatalf("partner GET %s: %d %s", path, code, resp.Body)
		}
		for _, internal := range []string{`"ownerId"`, `"score"`, `"grade"`, "rep-1", "rule r "} {
			if strings.Contains(resp.Body, internal) {
				t.Errorf("partner GET %s shows %s: %s", path, internal, resp.Body)
			}
		}
	}
	code, _, resp := f.do(t, "GET", "/v1/leads/"+id, "manager", "", nil)
	if code != 200 || !strings.Contains(resp.Body, `"ownerId":"rep-1"`) || !strings.Contains(resp.Body, `"grade"`) {
		t.Fatalf("manager GET lead: %d %s, want the owner and the grade", code, resp.Body)
	}
}
