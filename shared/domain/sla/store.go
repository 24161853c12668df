package sla

import (
	"context"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/fault"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/routing"
)

// Index is the due index: each lead's next ladder step, readable by due time
// without touching leads that are not due.
type Index interface {
	// Due returns the steps due at or before now, oldest first, at most limit.
	Due(ctx context.Context, now time.Time, limit int) ([]Pending, error)
	// Put records p as its lead's next step, unless a newer lead version is
	// already recorded (stream retries deliver old versions again).
	Put(ctx context.Context, p Pending) error
	// Clear takes the lead out of the index for version and older.
	Clear(ctx context.Context, leadID string, version int64) error
}

// Leads is what the scanner needs from lead storage.
type Leads interface {
	Get(ctx context.Context, id string) (lead.Lead, error)
	// MarkStale commits a stale mark (lead.MarkStale) in one transaction
	// guarded by before.Version: lead.ErrVersionConflict if the lead moved.
	MarkStale(ctx context.Context, before, after lead.Lead, e lead.Entry) error
}

// Routing is what the ladder asks of routing (routing.Service): take a lead
// from its owner and re-route it, or route a lead nobody owns.
type Routing interface {
	Recall(ctx context.Context, leadID string, version int64, step lead.SLAStep) (lead.Lead, *routing.Decision, error)
	Route(ctx context.Context, leadID string) (d routing.Decision, routed bool, err error)
}

// PolicyStore is where programs and policies live.
type PolicyStore interface {
	// Program is the partner's program; "" when it has none.
	Program(ctx context.Context, partnerID string) (string, error)
	// Policy is the saved policy of a program; found is false if none.
	Policy(ctx context.Context, program string) (p Policy, found bool, err error)
	Policies(ctx context.Context) ([]Policy, error)
	// PutPolicy saves p as version p.Version; ErrPolicyConflict if the
	// stored version is not p.Version-1.
	PutPolicy(ctx context.Context, p Policy) error
	SetProgram(ctx context.Context, partnerID, program string) error
}

// ErrPolicyConflict: the policy was saved by someone else meanwhile.
var ErrPolicyConflict = fault.New(fault.Conflict, "version-conflict", "The policy changed", "the policy changed since it was read: read it again")
