package intake

import (
	"errors"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

var (
	// ErrAlreadyRegistered: another partner holds the identity inside its
	// protection window. Which partner is deliberately not said.
	ErrAlreadyRegistered = errors.New("lead already registered by another partner")
	// ErrIdempotencyMismatch: the Idempotency-Key was used with another body.
	ErrIdempotencyMismatch = errors.New("idempotency key reused with a different request")
	ErrInvalidCursor       = lead.ErrInvalidCursor
	ErrBodyTooLarge        = errors.New("request body too large")
)

// DuplicateError: the same partner already has an open lead with this identity.
type DuplicateError struct{ LeadID string }

func (e *DuplicateError) Error() string { return "duplicate of lead " + e.LeadID }
