package sla

import (
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Pending is a lead's next ladder step: what the due index holds. Version is
// the lead version it was computed for; the scanner acts only if the lead
// is still that version.
type Pending struct {
	LeadID    string      `json:"leadId"`
	PartnerID string      `json:"partnerId"`
	Version   int64       `json:"version"`
	Status    lead.Status `json:"status"`
	OwnerID   string      `json:"ownerId"`
	Program   string      `json:"program"`
	Step      int         `json:"step"`
	Action    string      `json:"action"`
	DueAt     time.Time   `json:"dueAt"`
	IdleSince time.Time   `json:"idleSince"`
}

// SLAStep is the history record of taking p.
func (p Pending) SLAStep() lead.SLAStep {
	return lead.SLAStep{Program: p.Program, Step: p.Step, Action: p.Action, DueAt: p.DueAt, IdleSince: p.IdleSince}
}

// Next is the step a lead version waits for under p, if any. The ladder
// restarts at every real update (status change, assignment, recall); a
// stale mark moves it one step on without resetting the idle clock.
func Next(p Policy, l lead.Lead, change lead.Entry) (Pending, bool) {
	if !l.Status.HoldsOwner() || l.OwnerID == "" {
		return Pending{}, false
	}
	step := 0
	if change.Change == lead.ChangeStale && change.SLA != nil {
		step = change.SLA.Step + 1
	}
	steps := p.ladder(l.Status)
	if step >= len(steps) {
		return Pending{}, false
	}
	due := p.dueAt(l.UpdatedAt, steps[step])
	// Routing already set the first-contact deadline on the owner's own
	// clock (on call: real minutes, whatever the hour); the first rung of
	// assigned keeps it.
	if step == 0 && l.Status == lead.StatusAssigned && l.FirstContactDueAt != nil {
		due = *l.FirstContactDueAt
	}
	return Pending{
		LeadID: l.ID, PartnerID: l.PartnerID, Version: l.Version, Status: l.Status, OwnerID: l.OwnerID,
		Program: p.Program, Step: step, Action: steps[step].Action, DueAt: due.UTC(), IdleSince: l.UpdatedAt.UTC(),
	}, true
}

// UnownedProgram names the ladder of leads nobody owns, in the index and
// in history.
const UnownedProgram = "unowned"

// DefaultUnownedAfter is how long a new lead may wait for an owner before
// it is routed again.
const DefaultUnownedAfter = 10 * time.Minute

// unownedSteps bounds the unowned ladder: about 16 hours at the default,
// long past any outage the alarm has not already raised.
const unownedSteps = 18

// NextUnowned is the step a new lead nobody owns waits for, when routing
// failed or never ran (no rule set, a config error, an outage longer than
// the router's retries): route again after after, again with an escalation
// to managers at 3×after, then again every 6×after. It counts real time
// since the lead arrived, at any hour: nobody's working clock applies yet.
func NextUnowned(l lead.Lead, change lead.Entry, after time.Duration) (Pending, bool) {
	if l.Status != lead.StatusNew || l.OwnerID != "" {
		return Pending{}, false
	}
	step := 0
	if change.Change == lead.ChangeStale && change.SLA != nil {
		step = change.SLA.Step + 1
	}
	if step >= unownedSteps {
		return Pending{}, false
	}
	action, wait := Reroute, after
	switch {
	case step == 1:
		action, wait = Escalate, 3*after
	case step > 1:
		wait = 3*after + time.Duration(step-1)*6*after
	}
	return Pending{
		LeadID: l.ID, PartnerID: l.PartnerID, Version: l.Version, Status: l.Status,
		Program: UnownedProgram, Step: step, Action: action, DueAt: l.UpdatedAt.Add(wait).UTC(), IdleSince: l.UpdatedAt.UTC(),
	}, true
}
