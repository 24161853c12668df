package intake

import (
	"context"
	"errors"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Store is what intake needs from lead storage. Create is all-or-nothing.
type Store interface {
	// Create writes the lead, its first history entry, its identity claims and
	// the idempotency record (if any) in one transaction, each claim and the
	// record guarded by a condition. When a condition fails nothing is written
	// and it returns ErrIdempotencyKeyTaken or a *ClaimConflictError.
	Create(ctx context.Context, c Creation) error
	// Idempotency returns the record stored for a partner's key.
	Idempotency(ctx context.Context, partnerID, key string) (IdempotencyRecord, bool, error)
	// Claims returns the current claims on the given identity keys.
	Claims(ctx context.Context, keys []lead.IdentityKey) ([]lead.Claim, error)
	Get(ctx context.Context, id string) (lead.Lead, error)
	List(ctx context.Context, q ListQuery) (Page, error)
	// Owned returns up to limit of the leads owner holds in status st.
	Owned(ctx context.Context, owner string, st lead.Status, limit int) ([]lead.Lead, error)
}

// ErrIdempotencyKeyTaken is returned by Store.Create when a live record for
// the same partner and key already exists.
var ErrIdempotencyKeyTaken = errors.New("idempotency key already used")

// ClaimConflictError is returned by Store.Create when an identity key is held
// by a claim that blocks the new lead.
type ClaimConflictError struct{ Keys []lead.IdentityKey }

func (e *ClaimConflictError) Error() string { return "identity already claimed" }

// Creation is everything one accepted lead writes.
type Creation struct {
	Lead        lead.Lead
	Entry       lead.Entry
	Claims      []lead.Claim
	Idempotency *IdempotencyRecord
	Now         time.Time
}

// IdempotencyRecord remembers the answer given to a partner's key.
type IdempotencyRecord struct {
	PartnerID   string
	Key         string
	Fingerprint string
	LeadID      string
	ReceivedAt  time.Time
	ExpiresAt   time.Time
}

// ListQuery selects one partner's leads, oldest update first.
type ListQuery struct {
	PartnerID    string
	Status       lead.Status // empty: every status
	UpdatedSince time.Time   // zero: from the start
	Limit        int
	Cursor       string // opaque, from a previous Page
}

// Page is one page of a listing; NextCursor is empty on the last page.
type Page struct {
	Leads      []lead.Lead
	NextCursor string
}
