package routing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/fault"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Store is what the router needs from lead storage. Assign is one
// conditional transaction: it succeeds only if the lead is still the
// version that was decided on and unowned, the rep still has room (when the
// decision respects capacity), and the round-robin pointer has not moved.
type Store interface {
	Get(ctx context.Context, id string) (lead.Lead, error)
	Loads(ctx context.Context, repIDs []string, day func(repID string) string) (map[string]Load, error)
	Pointer(ctx context.Context, ruleID string) (int64, error)
	Assign(ctx context.Context, a Assignment) error
	Reassign(ctx context.Context, r Reassignment) error
	Decisions(ctx context.Context, leadID string) ([]Decision, error)
}

// Config is where the routing configuration lives.
type Config interface {
	RuleSet(ctx context.Context) (RuleSet, error) // the current version; zero RuleSet if none
	Reps(ctx context.Context) ([]Rep, error)
	Calendars(ctx context.Context) ([]CalendarDef, error)
	Teams(ctx context.Context) ([]Team, error)
}

// Assignment is a decision ready to commit.
type Assignment struct {
	Lead     lead.Lead // as read: Version is the expected version
	Decision Decision
	Entry    lead.Entry // history entry Version+1
	Now      time.Time
	// Capacity to enforce when Decision.WithinCapacity.
	MaxOpen, DailyCap int
	Day               string // the rep's local day, for the daily cap
}

// Reassignment moves an owned lead to another owner (a manager's move, a
// re-route, or a recall). It commits like an assignment: the new owner's
// capacity and daily cap hold unless a manager overrode them (Enforce
// false), and a re-route's round-robin pointer must not have moved.
type Reassignment struct {
	Lead     lead.Lead // as read
	NewOwner string
	Decision *Decision // set for a re-route
	Entry    lead.Entry
	Now      time.Time
	// Capacity of the new owner, enforced when Enforce is set.
	MaxOpen, DailyCap int
	Day               string // the new owner's local day, for the daily cap
	Enforce           bool
	// DueAt restarts the first-contact clock on the new owner's hours when
	// the lead is still waiting for its first contact.
	DueAt time.Time
}

var (
	// ErrLeadChanged: the lead is no longer the version decided on.
	ErrLeadChanged = lead.ErrVersionConflict
	// ErrPointerMoved: another router advanced the round-robin pointer.
	ErrPointerMoved = errors.New("round-robin pointer moved")
)

// CapacityError: the rep has no room (or filled up between read and commit).
type CapacityError struct{ RepID string }

func (e *CapacityError) Error() string { return fmt.Sprintf("rep %s is at capacity", e.RepID) }

func (e *CapacityError) Fault() *fault.Error {
	return fault.New(fault.Conflict, "at-capacity", "The rep is at capacity",
		e.Error()+" (open leads or today's cap): choose another rep, or send overrideCapacity to assign anyway")
}

// Next is the lead as the assignment leaves it.
func (a Assignment) Next() lead.Lead {
	d, next := a.Decision, a.Lead
	next.Status, next.OwnerID, next.Version, next.UpdatedAt, next.StatusSince = lead.StatusAssigned, d.Chosen, a.Lead.Version+1, a.Now, a.Now
	next.Score, next.Grade, next.FirstContactDueAt, next.HistoryHash = d.Score, d.Grade, &d.FirstContactDueAt, a.Entry.Hash
	return next
}

// Next is the lead as the reassignment leaves it. A lead still waiting for
// its first contact gets a fresh clock on the new owner's hours.
func (r Reassignment) Next() lead.Lead {
	next := r.Lead
	next.OwnerID, next.Version, next.UpdatedAt, next.HistoryHash = r.NewOwner, r.Lead.Version+1, r.Now, r.Entry.Hash
	if next.Status == lead.StatusAssigned && !r.DueAt.IsZero() {
		due := r.DueAt
		next.FirstContactDueAt = &due
	}
	return next
}
