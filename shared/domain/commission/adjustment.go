package commission

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/fault"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// KindAdjustment is finance's signed correction line. The engine never
// writes one and Recompute never expects one: Diff lists them apart.
const (
	KindAdjustment    EntryKind   = "adjustment"
	TriggerAdjustment TriggerKind = "adjustment"
)

var ErrAdjustmentTaken = fault.New(fault.Conflict, "conflict", "Conflict", "this adjustment id already names a different adjustment; adjustments are never changed, add another")

// Adjustment is what finance asks to add to a partner's ledger.
type Adjustment struct {
	PartnerID string     `json:"partnerId"`
	Period    string     `json:"period"`
	LeadID    string     `json:"leadId,omitempty"`
	Amount    lead.Money `json:"amount"` // signed minor units
	Reason    string     `json:"reason"`
}

const maxAdjustment = 100_000_000_00 // 100 million in major units

// Adjust appends an adjustment line under id, chosen by finance so that a
// retried request adds it once. The same id with the same adjustment
// answers the line already added (created false); with a different one,
// ErrAdjustmentTaken. Lines are never changed or removed.
func (s Service) Adjust(ctx context.Context, p auth.Principal, id string, in Adjustment) (Entry, bool, error) {
	if err := financeOnly(p); err != nil {
		return Entry{}, false, err
	}
	if !slug.MatchString(id) {
		return Entry{}, false, validation.Field("id", "invalid", "1 to 40 lowercase letters, digits or '-'")
	}
	e, err := s.adjustmentLine(ctx, p, "adj."+id, id, in)
	if err != nil {
		return Entry{}, false, err
	}
	stored, created, err := s.Store.AddLine(ctx, e)
	if err != nil || created {
		return stored, created, err
	}
	if !sameAdjustment(stored, e, in.Reason) {
		return Entry{}, false, ErrAdjustmentTaken
	}
	return stored, false, nil
}

// sameAdjustment says whether a stored line is the one e would add, by
// whichever finance user.
func sameAdjustment(stored, e Entry, reason string) bool {
	return stored.PartnerID == e.PartnerID && stored.LeadID == e.LeadID && stored.Period == e.Period && stored.Amount == e.Amount &&
		stored.Currency == e.Currency && strings.HasSuffix(stored.Explanation, ": "+strings.TrimSpace(reason))
}

// adjustmentLine checks an adjustment and makes its line, lineID in the
// ledger, triggered by trigger (the adjustment or dispute id).
func (s Service) adjustmentLine(ctx context.Context, p auth.Principal, lineID, trigger string, in Adjustment) (Entry, error) {
	in.PartnerID, in.LeadID, in.Reason = strings.TrimSpace(in.PartnerID), strings.TrimSpace(in.LeadID), strings.TrimSpace(in.Reason)
	in.Amount.Currency = strings.ToUpper(in.Amount.Currency)
	var ve validation.Error
	if in.PartnerID == "" {
		ve.Add("partnerId", "required", "the partner the line is for")
	}
	if _, err := ParsePeriod(in.Period); err != nil {
		ve.Add("period", "invalid", "want YYYY-MM")
	} else if in.Period > PeriodOf(s.now()) {
		ve.Add("period", "in_the_future", "at most the current period, %s", PeriodOf(s.now()))
	}
	if in.Amount.Amount == 0 || max(in.Amount.Amount, -in.Amount.Amount) > maxAdjustment {
		ve.Add("amount.amount", "out_of_range", "a signed amount in minor units, not zero, at most %d either way", int64(maxAdjustment))
	}
	if in.Reason == "" || len(in.Reason) > 500 {
		ve.Add("reason", "invalid", "is required, at most 500 characters")
	}
	if err := ve.OrNil(); err != nil {
		return Entry{}, err
	}
	plan, err := s.PlanFor(ctx, in.PartnerID, s.now())
	if err != nil {
		return Entry{}, err
	}
	switch {
	case plan == nil:
		ve.Add("partnerId", "no_plan", "no commission plan covers partner %s", in.PartnerID)
	case in.Amount.Currency != plan.Currency:
		ve.Add("amount.currency", "invalid", "the partner's plan pays in %s", plan.Currency)
	}
	if in.LeadID != "" {
		l, err := s.Leads.Get(ctx, in.LeadID)
		switch {
		case errors.Is(err, lead.ErrNotFound) || (err == nil && l.PartnerID != in.PartnerID):
			ve.Add("leadId", "not_found", "partner %s has no lead %s", in.PartnerID, in.LeadID)
		case err != nil:
			return Entry{}, err
		}
	}
	if err := ve.OrNil(); err != nil {
		return Entry{}, err
	}
	at := s.now()
	return Entry{ID: lineID, PartnerID: in.PartnerID, LeadID: in.LeadID, Period: in.Period, EarnedIn: in.Period, Kind: KindAdjustment,
		Amount: in.Amount.Amount, Currency: in.Amount.Currency, Calculated: in.Amount.Amount, PlanID: plan.ID, PlanVersion: plan.Version,
		TriggerID: trigger, TriggerKind: TriggerAdjustment, OccurredAt: at, State: StateAccrued,
		Explanation: fmt.Sprintf("adjustment by %s: %s", p.ActorID(), in.Reason)}, nil
}
