package lead

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestPartnerViewHidesTheSalesSide(t *testing.T) {
	t.Parallel()
	l := Lead{ID: "01L", PartnerID: "p1", OwnerID: "rep-ana", Score: 87, Grade: "A", Status: StatusAssigned}
	at := time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)
	events := []Event{
		{Type: EventLeadAssigned, Detail: AssignedDetail{Status: StatusAssigned, OwnerID: "rep-ana", Reason: "rule sp-senior (rule set v3, score_tier, grade A)", ByRole: "system"}},
		{Type: EventLeadStale, Detail: StaleDetail{Status: StatusContacted, OwnerID: "rep-ana", Action: "remind", Step: 1, DueAt: at, IdleSince: at}},
		{Type: EventLeadRecalled, Detail: RecalledDetail{Status: StatusAssigned, FromOwner: "rep-ana", OwnerID: "rep-bruno", Reason: "taken back by the ladder", Step: 3}},
		// as the feed and the queue hand them over: decoded JSON
		{Type: EventLeadAssigned, Detail: map[string]any{"status": "assigned", "ownerId": "rep-ana", "reason": "rule x", "byRole": "system"}},
	}
	for _, show := range []bool{false, true} {
		v := PartnerView{ShowOwner: show}
		got := v.Lead(l)
		if got.Score != 0 || got.Grade != "" || (got.OwnerID != "") != show {
			t.Errorf("show owner %v: lead %+v", show, got)
		}
		for _, e := range events {
			b, _ := json.Marshal(v.Event(e))
			if show {
				if orig, _ := json.Marshal(e); string(b) != string(orig) {
					t.Errorf("opted in, the %s event changed: %s, was %s", e.Type, b, orig)
				}
				continue
			}
			for _, internal := range []string{"rep-ana", "rep-bruno", "rule ", "ladder"} {
				if strings.Contains(string(b), internal) {
					t.Errorf("the partner's %s event shows %q: %s", e.Type, internal, b)
				}
			}
		}
	}
	created := Event{Type: EventLeadCreated, Detail: CreatedDetail{Status: StatusNew, Country: "BR"}}
	if got := (PartnerView{}).Event(created); got.Detail != created.Detail {
		t.Errorf("lead.created changed: %+v", got.Detail)
	}
}
