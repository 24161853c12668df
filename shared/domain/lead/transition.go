package lead

import (
	"time"

	"github.com/partnerleads/pipeline/shared/domain/fault"
)

// ErrReasonRequired: lost, junk, recycled and reopening a won deal must say why.
var ErrReasonRequired = fault.Field("reason", "required", "a reason is required for lost, junk, recycled and for reopening a won deal")

// ErrAssignThroughRouting: a lead gets an owner through routing or a
// manager's reassignment, not through a bare status change.
var ErrAssignThroughRouting = fault.New(fault.Conflict, "invalid-transition", "Transition not allowed", "use POST /v1/leads/{id}/assign to give a lead an owner")

// holdsOwner lists the statuses in which the owner is working the lead and
// it counts against the owner's capacity.
var holdsOwner = map[Status]bool{
	StatusAssigned: true, StatusContacted: true, StatusQualified: true, StatusProposal: true, StatusUnreachable: true,
}

// HoldsOwner reports whether a lead in s counts against its owner's capacity.
func (s Status) HoldsOwner() bool { return holdsOwner[s] }

// StatusChange is a requested move in the lifecycle.
type StatusChange struct {
	To         Status
	Reason     string
	Note       string // internal: never shown to partners
	FollowUpAt *time.Time
	Deal       *Deal // required to move to won
	Actor      Actor
	At         time.Time
}

// ChangeStatus applies c to l: the lifecycle's one place for status moves.
// It returns the next version of the lead and its sealed history entry.
// Moving recycled → new clears the owner, so the lead is routed again.
func ChangeStatus(l Lead, c StatusChange) (Lead, Entry, error) {
	if c.To == StatusAssigned {
		return Lead{}, Entry{}, ErrAssignThroughRouting
	}
	if !l.Status.CanMoveTo(c.To) {
		return Lead{}, Entry{}, &TransitionError{From: l.Status, To: c.To}
	}
	reopen := l.Status == StatusWon
	if (c.To.RequiresReason() || reopen) && c.Reason == "" {
		return Lead{}, Entry{}, ErrReasonRequired
	}
	if reopen && c.Actor.Role != "manager" && c.Actor.Role != "admin" {
		return Lead{}, Entry{}, ErrReopenForbidden
	}
	if c.To == StatusWon && (c.Deal == nil || len(c.Deal.Check()) > 0) {
		return Lead{}, Entry{}, ErrDealRequired
	}
	next := l
	next.Status, next.Version, next.UpdatedAt, next.NextFollowUpAt, next.StatusSince = c.To, l.Version+1, c.At, c.FollowUpAt, c.At
	if c.To == StatusWon {
		next.Deal = c.Deal
	}
	if reopen {
		next.Deal = nil
	}
	if c.To == StatusNew {
		next.OwnerID, next.FirstContactDueAt = "", nil
	}
	if l.Status == StatusAssigned && next.FirstContactAt == nil {
		at := c.At
		next.FirstContactAt = &at
	}
	if c.To != StatusAssigned {
		next.FirstContactDueAt = nil // first contact happened, or the lead left the rep
	}
	e := Entry{
		LeadID: l.ID, Seq: next.Version, At: c.At, Actor: c.Actor, Change: ChangeStatusChanged,
		From: l.Status, To: c.To, Owner: next.OwnerID, Reason: c.Reason, Note: c.Note,
	}.Seal(l.HistoryHash)
	next.HistoryHash = e.Hash
	return next, e, nil
}
