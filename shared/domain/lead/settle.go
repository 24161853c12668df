package lead

import (
	"time"

	"github.com/partnerleads/pipeline/shared/domain/fault"
)

// A change is stamped (Entry.At, Event.OccurredAt) before it is written, so
// writes can commit out of stamp order, and a reader paging by stamp could
// pass a change that commits a moment later behind its cursor. Two rules
// close that gap: a change commits within CommitBudget of its stamp or not
// at all (ErrCommitTooLate), and readers that page by stamp (the feed, replay,
// the digest, updatedSince listings) read only up to SettleWindow before
// now. The window is the budget plus room for a commit already in flight
// and for index propagation.
const (
	CommitBudget = 6 * time.Second
	SettleWindow = 10 * time.Second
)

// ErrCommitTooLate: the change was stamped too long ago to be written
// without a reader missing it; stamp it again and retry.
var ErrCommitTooLate = func() *fault.Error {
	e := fault.New(fault.Unavailable, "busy", "Busy, try again", "the change took too long to be written and was not; send the same request again")
	e.RetryAfter = time.Second
	return e
}()
