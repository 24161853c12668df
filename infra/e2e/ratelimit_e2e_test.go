//go:build e2e

package e2e

import (
	"strconv"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

func TestE2ERateLimit(t *testing.T) {
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Rate limit")
	_, otherKey := a.partner(t, "E2E Rate limit other")
	if r := a.call(t, "PUT", "/v1/admin/partners/"+partnerID+"/rate-limit", key, `{"perMinute":5}`, nil, true); r.status != 403 {
		t.Fatalf("a partner set its own limit: %s", r)
	}
	if r := a.call(t, "PUT", "/v1/admin/partners/"+partnerID+"/rate-limit", a.admin, `{"perMinute":-2}`, nil, false); r.status != 422 {
		t.Fatalf("an invalid limit: %s", r)
	}
	a.call(t, "PUT", "/v1/admin/partners/"+partnerID+"/rate-limit", a.admin, `{"perMinute":5}`, nil, true).expect(t, 200)
	// Requests in one minute: the sixth and later are refused with
	// Retry-After, and nothing they carried is stored. (A minute boundary
	// during the loop opens a new budget; the counts below allow for one.)
	// An instance may trust a limit it read for the config cache's TTL, and
	// once a fresh-clone run saw all eight accepted: then the next minute,
	// with the limit read again, must refuse.
	accepted, limited := 0, 0
	var statuses []int
	for try := 0; try < 2 && limited == 0; try++ {
		if try > 0 {
			t.Logf("no request limited in the first minute (%v): once more in the next", statuses)
			time.Sleep(time.Until(time.Now().Truncate(time.Minute).Add(time.Minute + time.Second)))
		}
		sent := 0
		for range 8 {
			r := a.call(t, "POST", "/v1/leads", key, lead(storetest.Unique("rl")), nil, true)
			statuses = append(statuses, r.status)
			switch r.status {
			case 201:
				accepted++
				sent++
			case 429:
				limited++
				s, err := strconv.Atoi(r.header.Get("Retry-After"))
				if err != nil || s < 1 || s > 60 || r.problemType() != "rate-limited" {
					t.Fatalf("429 without a usable Retry-After: %q\n%s", r.header.Get("Retry-After"), r.dump())
				}
			default:
				t.Fatalf("unexpected answer: %s", r)
			}
		}
		if limited > 0 && (sent < 5 || sent > 8) {
			t.Fatalf("%d accepted in the minute that limited, with a limit of 5 per minute: statuses %v", sent, statuses)
		}
	}
	if limited == 0 {
		t.Fatalf("%d accepted, none limited in two minutes with a limit of 5 per minute: statuses %v", accepted, statuses)
	}
	if r := a.call(t, "GET", "/v1/leads", key, "", nil, true); r.status == 200 {
		if n := len(r.list(t, "items")); n != accepted {
			t.Fatalf("%d leads stored, %d accepted: %s", n, accepted, r)
		}
	}
	// Another partner's budget is its own.
	if r := a.call(t, "POST", "/v1/leads", otherKey, lead(storetest.Unique("rl")), nil, true); r.status != 201 {
		t.Fatalf("another partner was limited: %s", r)
	}
	// Back to the default (600 per minute).
	a.call(t, "PUT", "/v1/admin/partners/"+partnerID+"/rate-limit", a.admin, `{"perMinute":0}`, nil, true).expect(t, 200)
}
