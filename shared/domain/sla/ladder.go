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
