package lead

import (
	"fmt"

	"github.com/partnerleads/pipeline/shared/domain/fault"
)

// Errors the domain returns. The HTTP edge maps them to status codes; nothing
// below the edge knows about HTTP.
var (
	ErrNotFound        = fault.New(fault.NotFound, "not-found", "Not found", "no such lead")
	ErrVersionConflict = fault.New(fault.Conflict, "version-conflict", "The lead changed", "someone changed this lead since the version you sent; read it again")
	ErrInvalidCursor   = fault.New(fault.Malformed, "invalid-cursor", "Invalid cursor", "use the cursor of a previous page unchanged")
)

// TransitionError reports a move the lifecycle does not allow.
type TransitionError struct {
	From, To Status
}

func (e *TransitionError) Fault() *fault.Error {
	return fault.New(fault.Conflict, "invalid-transition", "Transition not allowed", e.Error())
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("transition %s → %s is not allowed", e.From, e.To)
}
