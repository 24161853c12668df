package lead

import "encoding/json"

// PartnerView is the one partner-safe projection of leads and their events:
// what a partner sees of its own leads through the API, the feed, webhooks,
// emails and the stale list. It hides the sales side: the score and grade
// the router computed, and, unless the deployment opts in (ShowOwner), who
// owns the lead and the routing explanation, which names rules and reps.
type PartnerView struct {
	ShowOwner bool
}

// Lead is l as its partner sees it.
func (v PartnerView) Lead(l Lead) Lead {
	l.Score, l.Grade = 0, ""
	if !v.ShowOwner {
		l.OwnerID = ""
	}
	return l
}

// ownerFields are the detail members that name the sales side, by event type.
var ownerFields = map[string][]string{
	EventLeadAssigned: {"ownerId", "reason"},
	EventLeadStale:    {"ownerId"},
	EventLeadRecalled: {"ownerId", "fromOwnerId", "reason"},
	EventLeadTouched:  {"ownerId"},
}

// Event is e as the lead's partner sees it; its detail is then a JSON
// object. Internal consumers (the router, the sales team's channels) get
// events whole.
func (v PartnerView) Event(e Event) Event {
	hide := ownerFields[e.Type]
	if v.ShowOwner || len(hide) == 0 {
		return e
	}
	b, err := json.Marshal(e.Detail)
	var d map[string]any
	if err != nil || json.Unmarshal(b, &d) != nil {
		e.Detail = map[string]any{} // not an object: nothing a partner should read
		return e
	}
	for _, k := range hide {
		delete(d, k)
	}
	e.Detail = d
	return e
}
