package lead

import (
	"errors"
	"fmt"
)

// Errors the domain returns. The HTTP edge maps them to status codes; nothing
// below the edge knows about HTTP.
var (
	ErrNotFound        = errors.New("not found")
	ErrVersionConflict = errors.New("version conflict")
	ErrInvalidCursor   = errors.New("invalid cursor")
)

// TransitionError reports a move the lifecycle does not allow.
type TransitionError struct {
	From, To Status
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("transition %s → %s is not allowed", e.From, e.To)
}
