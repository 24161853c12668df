package commission

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// PayoutState is where a payout batch is: created (its lines being
// claimed), then paid, or failed when a line could not be claimed.
type PayoutState string

const (
	PayoutCreated PayoutState = "created"
	PayoutPaid    PayoutState = "paid"
	PayoutFailed  PayoutState = "failed"
)

var PayoutStates = []PayoutState{PayoutCreated, PayoutPaid, PayoutFailed}

// MaxPayoutLines is the most lines one batch pays; more approved lines are
// left for the next batch (MoreApproved).
const MaxPayoutLines = 2000

// payoutChunk is how many lines one conditional transaction claims.
const payoutChunk = 25

// Payout is one payment batch to a partner, in one currency. Its lines are
// fixed when it is created; each line is in at most one batch.
type Payout struct {
	ID           string      `json:"id"`
	PartnerID    string      `json:"partnerId"`
	Through      string      `json:"through"`
	Currency     string      `json:"currency"`
	Total        int64       `json:"total"`
	Lines        int         `json:"lines"`
	LineIDs      []string    `json:"lineIds"`
	State        PayoutState `json:"state"`
	CreatedAt    time.Time   `json:"createdAt"`
	CreatedBy    string      `json:"createdBy"`
	PaidAt       *time.Time  `json:"paidAt,omitempty"`
	Error        string      `json:"error,omitempty"`
	MoreApproved bool        `json:"moreApproved,omitempty"`
}

var errPayoutTaken = errors.New("a line of the payout is in another payout or no longer approved")

// Pay pays a partner's approved lines of periods up to through, in the
// plan's currency, as one batch, when their sum reaches the plan's minimum
// payout; otherwise the balance (which may be negative) carries forward.
// A partner has at most one batch being recorded: a request while one is
// (concurrent, or after an interruption) finishes that batch and answers
// it, so the same lines never end in two batches.
func (s Service) Pay(ctx context.Context, p auth.Principal, partnerID, through string) (Payout, error) {
	if err := financeOnly(p); err != nil {
		return Payout{}, err
	}
	var ve validation.Error
	if partnerID == "" {
		ve.Add("partnerId", "required", "the partner to pay")
	}
	if _, err := ParsePeriod(through); err != nil {
		ve.Add("through", "invalid", "want YYYY-MM")
	}
	if err := ve.OrNil(); err != nil {
		return Payout{}, err
	}
	for range maxAttempts {
		open, ok, err := s.Store.OpenPayout(ctx, partnerID)
		if err != nil {
			return Payout{}, err
		}
		if ok {
			return s.finishPayout(ctx, open)
		}
		po, first, err := s.newPayout(ctx, p, partnerID, through)
		if err != nil {
			return Payout{}, err
		}
		// The lines were read before the batch existed: a concurrent batch
		// may have been made, paid and closed since. The guard refuses the
		// batch then, and the next attempt reads the lines again.
		switch err := s.Store.CreatePayout(ctx, po, first); {
		case errors.Is(err, ErrConflict):
			continue // another request opened a batch first, or paid these lines: finish or re-read
		case err != nil:
			return Payout{}, err
		}
		return s.finishPayout(ctx, po)
	}
	return Payout{}, fmt.Errorf("pay %s: %w", partnerID, ErrConflict)
}

// payoutGuard is how many of a new batch's first lines its creation checks
// (within one transaction's limit, beside the batch's own two items).
const payoutGuard = 24

// newPayout picks the batch's lines: approved, in no batch, in the plan's
// currency, oldest first. It also returns the first of them, for
// CreatePayout's guard.
func (s Service) newPayout(ctx context.Context, p auth.Principal, partnerID, through string) (Payout, []Entry, error) {
	at := s.now()
	plan, err := s.PlanFor(ctx, partnerID, at)
	if err != nil {
		return Payout{}, nil, err
	}
	lines, err := s.Store.LinesThrough(ctx, partnerID, through)
	if err != nil {
		return Payout{}, nil, err
	}
	var first []Entry
	po := Payout{ID: "pay_" + strings.ToLower(ulid.MustNew(ulid.Timestamp(at), rand.Reader).String()), PartnerID: partnerID, Through: through,
		State: PayoutCreated, CreatedAt: at, CreatedBy: p.ActorID()}
	for _, e := range lines {
		if e.State != StateApproved || e.PayoutID != "" {
			continue
		}
		if po.Currency == "" {
			po.Currency = e.Currency
			if plan != nil {
				po.Currency = plan.Currency
			}
		}
		if e.Currency != po.Currency {
			continue
		}
		if po.Lines == MaxPayoutLines {
			po.MoreApproved = true
			break
		}
		po.LineIDs, po.Total, po.Lines = append(po.LineIDs, e.ID), po.Total+e.Amount, po.Lines+1
		if len(first) < payoutGuard {
			first = append(first, e)
		}
	}
	switch {
	case po.Lines == 0:
		return Payout{}, nil, ErrNothingToPay
	case po.Total <= 0 || (plan != nil && po.Total < plan.MinPayout):
		return Payout{}, nil, ErrBelowMinimumPayout
	}
	return po, first, nil
}

// finishPayout claims the batch's lines not yet claimed, a chunk per
// transaction, and closes it. Rerunning it after a crash claims the rest.
func (s Service) finishPayout(ctx context.Context, po Payout) (Payout, error) {
	lines, err := s.Store.LinesThrough(ctx, po.PartnerID, po.Through)
	if err != nil {
		return Payout{}, err
	}
	byID := make(map[string]Entry, len(lines))
	for _, e := range lines {
		byID[e.ID] = e
	}
	var todo []Entry
	for _, id := range po.LineIDs {
		e, ok := byID[id]
		if !ok {
			err = ErrConflict
		}
		if !ok || e.PayoutID == po.ID {
			continue
		}
		paidAt := po.CreatedAt
		e.State, e.PaidAt, e.PaidBy, e.PayoutID = StatePaid, &paidAt, po.CreatedBy, po.ID
		todo = append(todo, e)
	}
	for len(todo) > 0 && err == nil {
		chunk := todo[:min(len(todo), payoutChunk)]
		if err = s.Store.ClaimLines(ctx, po, chunk); err == nil {
			todo = todo[len(chunk):]
		}
	}
	at := s.now()
	switch {
	case errors.Is(err, ErrConflict):
		po.State, po.Error = PayoutFailed, fmt.Sprintf("%v; %d of %d lines are in this payout", errPayoutTaken, po.Lines-len(todo), po.Lines)
	case err != nil:
		return Payout{}, fmt.Errorf("payout %s: %d of %d lines recorded; pay again to finish the same payout: %w", po.ID, po.Lines-len(todo), po.Lines, err)
	default:
		po.State, po.PaidAt = PayoutPaid, &at
	}
	if err := s.Store.ClosePayout(ctx, po); errors.Is(err, ErrConflict) {
		return s.payout(ctx, po.PartnerID, po.ID) // a concurrent request closed it first
	} else if err != nil {
		return Payout{}, err
	}
	return po, nil
}

func (s Service) payout(ctx context.Context, partnerID, id string) (Payout, error) {
	all, err := s.Store.Payouts(ctx, partnerID)
	if err != nil {
		return Payout{}, err
	}
	for _, po := range all {
		if po.ID == id {
			return po, nil
		}
	}
	return Payout{}, fmt.Errorf("payout %s of %s is not stored", id, partnerID)
}
