//go:build e2e

package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

// Status changes through the API, the two views of the audit trail, and the
// partner's catch-up feed; partners never reach another partner's trail.
func TestE2ELifecycle(t *testing.T) {
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Lifecycle")
	a.routeTo(t, partnerID, 1)
	_, otherKey := a.partner(t, "E2E Lifecycle Other")
	mgr := a.key(t, "manager", "mgr-e2e-lc")

	id := a.createLead(t, key, lead(storetest.Unique("lc")))
	l := a.waitAssigned(t, id, mgr)
	if l.header.Get("ETag") == "" {
		t.Fatalf("no ETag:\n%s", l.dump())
	}
	tag := l.header.Get("ETag")

	if r := a.call(t, "POST", "/v1/leads/"+id+"/status", key, `{"status":"contacted"}`, nil, true); r.status != 403 {
		t.Fatalf("a partner changed a status: %s", r)
	}
	moved := a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, `{"status":"contacted","note":"called, internal remark"}`, map[string]string{"If-Match": tag}, true)
	if moved.status != 200 || moved.body["status"] != "contacted" {
		t.Fatalf("status change: %s", moved)
	}
	stale := a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, `{"status":"qualified"}`, map[string]string{"If-Match": tag}, true)
	if stale.status != 409 || stale.problemType() != "version-conflict" {
		t.Fatalf("stale If-Match: %s", stale)
	}
	if r := a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, `{"status":"won","deal":{"value":{"amount":500000,"currency":"BRL"},"contractStart":"2026-11-01"}}`, nil, true); r.status != 409 || r.problemType() != "invalid-transition" {
		t.Fatalf("contacted → won: %s", r)
	}
	if r := a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, `{"status":"lost"}`, nil, true); r.status != 422 {
		t.Fatalf("lost without a reason: %s", r)
	}
	if r := a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, `{"status":"lost","reason":"no budget"}`, map[string]string{"If-Match": moved.header.Get("ETag")}, true); r.status != 200 {
		t.Fatalf("close: %s", r)
	}

	ph := a.call(t, "GET", "/v1/leads/"+id+"/history", key, "", nil, true)
	pv, _ := ph.body["partnerView"].([]any)
	if ph.status != 200 || len(pv) != 4 || ph.body["entries"] != nil || strings.Contains(string(ph.raw), "internal remark") || strings.Contains(string(ph.raw), "mgr-e2e-lc") {
		t.Fatalf("partner view: %s", ph)
	}
	ih := a.call(t, "GET", "/v1/leads/"+id+"/history", mgr, "", nil, true)
	if ih.status != 200 || ih.body["brokenAt"] != float64(-1) || !strings.Contains(string(ih.raw), "internal remark") {
		t.Fatalf("internal view: %s", ih)
	}
	if r := a.call(t, "GET", "/v1/leads/"+id+"/history", otherKey, "", nil, true); r.status != 404 {
		t.Fatalf("another partner reads the history: %s", r)
	}

	// Paged two at a time; the feed reads up to the settle window before now.
	var resume string // the last page's cursor: where a poller continues later
	eventually(t, 60*time.Second, time.Second, "the lead's four events in the feed, in order", func() (bool, string) {
		var types []string
		after := ""
		for range 10 {
			path := "/v1/events?limit=2"
			if after != "" {
				path += "&after=" + url.QueryEscape(after)
			}
			f := a.call(t, "GET", path, key, "", nil, true).expect(t, 200)
			for _, ev := range f.items(t, "events") {
				if ev.get("leadId") == id {
					types = append(types, fmt.Sprint(ev.get("type")))
				}
			}
			next, _ := f.body["next"].(string)
			if next == "" {
				resume, _ = f.body["cursor"].(string)
				break
			}
			after = next
		}
		got := strings.Join(types, ",")
		return got == "lead.created,lead.assigned,lead.status_changed,lead.status_changed", got
	})
	// At the end of the feed the cursor keeps the reader's place: polling
	// from it does not read the lead's events again.
	if resume == "" {
		t.Fatal("the last page of the feed has no cursor to continue from")
	}
	if f := a.call(t, "GET", "/v1/events?after="+url.QueryEscape(resume), key, "", nil, true).expect(t, 200); strings.Contains(string(f.raw), id) || f.body["cursor"] == nil {
		t.Fatalf("polling from the last page's cursor: %s, want none of lead %s's events again and a cursor", f, id)
	}
	if f := a.call(t, "GET", "/v1/events", otherKey, "", nil, true); strings.Contains(string(f.raw), id) {
		t.Fatalf("another partner's feed shows the lead: %s", f)
	}
	if r := a.call(t, "GET", "/v1/events", mgr, "", nil, true); r.status != 403 {
		t.Fatalf("the feed is for partners: %s", r)
	}
}

// Bulk CSV updates and an external CRM's status sync, through the API.
func TestE2EBulkAndCRMSync(t *testing.T) {
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Bulk")
	a.routeTo(t, partnerID, 1)
	mgr := a.key(t, "manager", "crm-sync")
	var ids []string
	for range 2 {
		id := a.createLead(t, key, lead(storetest.Unique("bk")))
		a.waitAssigned(t, id, key)
		ids = append(ids, id)
	}
	csv := "leadId,status,reason\n" + ids[0] + ",contacted,\n" + ids[1] + ",junk,duplicate of a CRM contact\n01NOPE0000000000000000000,contacted,\n"
	r := a.call(t, "POST", "/v1/leads/bulk-status", mgr, csv, map[string]string{"Content-Type": "text/csv"}, true)
	if r.status != 200 || r.body["succeeded"] != float64(2) || r.body["failed"] != float64(1) {
		t.Fatalf("bulk: %s", r)
	}
	mapping := `{"crm":"hubspot","statuses":{"qualifiedtobuy":"qualified","closedwon":"won","closedlost":"lost"}}`
	if r := a.call(t, "PUT", "/v1/admin/crm/hubspot/mapping", a.admin, mapping, nil, true); r.status != 200 {
		t.Fatalf("mapping: %s", r)
	}
	s := a.call(t, "POST", "/v1/integrations/hubspot/status", mgr, `{"leadId":"`+ids[0]+`","status":"closedwon","deal":{"value":{"amount":500000,"currency":"BRL"},"contractStart":"2026-11-01"}}`, nil, true)
	if s.status != 200 || s.body["status"] != "won" || len(s.list(t, "steps")) != 3 {
		t.Fatalf("sync: %s", s)
	}
	if r := a.call(t, "POST", "/v1/integrations/hubspot/status", mgr, `{"leadId":"`+ids[0]+`","status":"somethingelse"}`, nil, true); r.status != 422 {
		t.Fatalf("unmapped: %s", r)
	}
}
