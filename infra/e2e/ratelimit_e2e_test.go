//go:build e2e

package e2e

import (
	"strconv"
	"testing"

	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

func TestE2ERateLimit(t *testing.T) {
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Rate limit")
	_, otherKey := a.partner(t, "E2E Rate limit other")
	if r := a.call(t, "PUT", "/v1/admin/partners/"+partnerID+"/rate-limit", key, `{"perMinute":5}`, nil, true); r.status != 403 {
		t.Fatalf("a partner set its own limit: %d", r.status)
	}
	if r := a.call(t, "PUT", "/v1/admin/partners/"+partnerID+"/rate-limit", a.admin, `{"perMinute":-2}`, nil, false); r.status != 422 {
		t.Fatalf("an invalid limit: %d %s", r.status, r.raw)
	}
	if r := a.call(t, "PUT", "/v1/admin/partners/"+partnerID+"/rate-limit", a.admin, `{"perMinute":5}`, nil, true); r.status != 200 {
		t.Fatalf("set limit: %d %s", r.status, r.raw)
	}
	// Requests in one minute: the sixth and later are refused with
	// Retry-After, and nothing they carried is stored. (A minute boundary
	// during the loop opens a new budget; the counts below allow for one.)
	accepted, limited := 0, 0
	for range 8 {
		r := a.call(t, "POST", "/v1/leads", key, lead(storetest.Unique("rl")), nil, true)
		switch r.status {
		case 201:
			accepted++
		case 429:
			limited++
			s, err := strconv.Atoi(r.header.Get("Retry-After"))
			if err != nil || s < 1 || s > 60 || r.problemType() != "rate-limited" {
				t.Fatalf("429 without a usable Retry-After: %q %s", r.header.Get("Retry-After"), r.raw)
			}
		default:
			t.Fatalf("unexpected %d %s", r.status, r.raw)
		}
	}
	if limited == 0 || accepted < 5 || accepted > 8 {
		t.Fatalf("%d accepted, %d limited with a limit of 5 per minute", accepted, limited)
	}
	if r := a.call(t, "GET", "/v1/leads", key, "", nil, true); r.status == 200 {
		if n := len(r.body["items"].([]any)); n != accepted {
			t.Fatalf("%d leads stored, %d accepted", n, accepted)
		}
	}
	// Another partner's budget is its own.
	if r := a.call(t, "POST", "/v1/leads", otherKey, lead(storetest.Unique("rl")), nil, true); r.status != 201 {
		t.Fatalf("another partner was limited: %d", r.status)
	}
	// Back to the default (600 per minute).
	if r := a.call(t, "PUT", "/v1/admin/partners/"+partnerID+"/rate-limit", a.admin, `{"perMinute":0}`, nil, true); r.status != 200 {
		t.Fatalf("reset limit: %d %s", r.status, r.raw)
	}
}
