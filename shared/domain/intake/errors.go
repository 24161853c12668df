package intake

import (
	"github.com/partnerleads/pipeline/shared/domain/fault"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

var (
	// ErrAlreadyRegistered: another partner holds the identity inside its
	// protection window. Which partner is deliberately not said.
	ErrAlreadyRegistered = fault.New(fault.Conflict, "already-registered", "Already registered", "this lead is already registered and protected for another partner")
	// ErrIdempotencyMismatch: the Idempotency-Key was used with another body.
	ErrIdempotencyMismatch = fault.New(fault.Invalid, "idempotency-key-reused", "Idempotency-Key reused", "this Idempotency-Key was used with a different request body")
	ErrInvalidCursor       = lead.ErrInvalidCursor
	ErrBodyTooLarge        = fault.New(fault.TooLarge, "body-too-large", "Request body too large", "the body exceeds the size limit")
)

// DuplicateError: the same partner already has an open lead with this identity.
type DuplicateError struct{ LeadID string }

func (e *DuplicateError) Fault() *fault.Error {
	f := fault.New(fault.Conflict, "duplicate-lead", "Duplicate lead", "you already sent this lead; it is still open")
	f.Extensions = map[string]string{"existingLeadId": e.LeadID}
	return f
}

func (e *DuplicateError) Error() string { return "duplicate of lead " + e.LeadID }
