package commission

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/fault"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

var (
	// ErrConflict: the stored state moved on; read again and retry.
	ErrConflict           = errors.New("commission state changed concurrently")
	ErrPlanVersionTaken   = fault.New(fault.Conflict, "conflict", "Conflict", "this plan version already exists")
	ErrExportNotFound     = fault.New(fault.NotFound, "not-found", "Not found", "no such export")
	ErrBelowMinimumPayout = fault.New(fault.Conflict, "nothing-payable", "Nothing payable", "the approved balance is below the plan's minimum payout, or not positive: it carries forward")
	ErrNothingToPay       = fault.New(fault.Conflict, "nothing-payable", "Nothing payable", "nothing approved is left to pay")
)

// Store keeps plans, the ledger and exports.
type Store interface {
	PutPlan(ctx context.Context, p Plan) error                   // ErrPlanVersionTaken if the version exists
	PlanVersions(ctx context.Context, id string) ([]Plan, error) // oldest first
	Plans(ctx context.Context) ([]Plan, error)                   // every version of every plan
	// PlanAt is the newest version for scope effective on date (YYYY-MM-DD).
	PlanAt(ctx context.Context, scope, date string) (Plan, bool, error)
	PutTier(ctx context.Context, partnerID, tier string) error
	Tier(ctx context.Context, partnerID string) (string, error) // "" if none

	LeadState(ctx context.Context, leadID string) (LeadState, error)                // zero state if none
	LeadStates(ctx context.Context, leadIDs []string) (map[string]LeadState, error) // distinct ids; absent if none
	PeriodStates(ctx context.Context, partnerID string, periods []string) (map[string]PeriodState, error)
	// Commit writes an outcome atomically, guarded by the versions it was
	// computed from (before.Version, and each period's Version−1).
	Commit(ctx context.Context, before LeadState, out Outcome) error // ErrConflict
	Lines(ctx context.Context, partnerID, period string) ([]Entry, error)
	// PeriodLines streams every partner's lines of a period in export
	// order: partner id, then line id.
	PeriodLines(ctx context.Context, period string, each func(Entry) error) error
	LinesThrough(ctx context.Context, partnerID, through string) ([]Entry, error) // periods ≤ through
	// AddLine adds a line outside the engine (an adjustment) under an id
	// no line has; if one has, it answers that line and false.
	AddLine(ctx context.Context, e Entry) (Entry, bool, error)
	// SetState moves a line forward; ErrConflict if it is no longer in from.
	SetState(ctx context.Context, e Entry, from State) error

	// OpenPayout is the partner's batch still being recorded, if any.
	OpenPayout(ctx context.Context, partnerID string) (Payout, bool, error)
	// CreatePayout stores a new batch as the partner's open one, only if
	// the partner has none and each of guard (the batch's first lines) is
	// still approved and in no batch; ErrConflict if not.
	CreatePayout(ctx context.Context, po Payout, guard []Entry) error
	// ClaimLines writes lines as paid by po, all or nothing, each only if
	// it is approved and in no batch, or already po's; ErrConflict if not.
	ClaimLines(ctx context.Context, po Payout, lines []Entry) error
	// ClosePayout stores the batch's final state and frees the partner for
	// its next; ErrConflict if it was closed already.
	ClosePayout(ctx context.Context, po Payout) error
	Payouts(ctx context.Context, partnerID string) ([]Payout, error) // oldest first
	// PeriodPayouts are every partner's batches created in period, in
	// export order: partner id, then payout id.
	PeriodPayouts(ctx context.Context, period string) ([]Payout, error)

	// FileDispute stores d unless a dispute has its id; then it answers
	// that one and false.
	FileDispute(ctx context.Context, d Dispute) (Dispute, bool, error)
	Dispute(ctx context.Context, id string) (Dispute, error) // ErrDisputeNotFound
	// AnswerDispute stores d, answered, and line (an adjustment, or nil)
	// under an id no line has, in one write; ErrConflict if the stored
	// dispute is no longer open or the line id is taken.
	AnswerDispute(ctx context.Context, d Dispute, line *Entry) error
	// Disputes are a partner's ("" every partner's) in state open,
	// answered or all, oldest first.
	Disputes(ctx context.Context, partnerID, state string) ([]Dispute, error)

	PutExport(ctx context.Context, x Export) error
	Export(ctx context.Context, id string) (Export, error) // ErrExportNotFound
}

// Leads reads leads (to check deal inputs against them).
type Leads interface {
	Get(ctx context.Context, id string) (lead.Lead, error)
}

// Partners knows which partners exist.
type Partners interface {
	PartnerExists(ctx context.Context, id string) (bool, error)
}

// ErrNoSuchPartner: a write named a partner that does not exist.
var ErrNoSuchPartner = fault.New(fault.NotFound, "not-found", "Not found", "no such partner")

// Feed is the partners' event feed; appending an event it has is a no-op.
type Feed interface {
	AppendFeed(ctx context.Context, ev lead.Event) error
}

// Bus publishes commission-side events.
type Bus interface {
	Put(ctx context.Context, detailType string, detail any, at time.Time) error
}

// Uploader streams an object: write is called once with the object's body.
type Uploader interface {
	Upload(ctx context.Context, key, contentType string, write func(io.Writer) error) error
}
