package commission

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Service is the commission engine's front: plans, processing inputs,
// statements, approvals, payouts and exports.
type Service struct {
	Store Store
	Leads Leads
	Bus   Bus
	Feed  Feed // dispute events; needed by disputes only
	// Partners checks that a partner a write names exists; the API's
	// writes need it (the engine and exporter only read what exists).
	Partners Partners
	Now      func() time.Time
	// DisputeWindowDays is how long after a period closes it may be
	// disputed (DefaultDisputeWindowDays when 0).
	DisputeWindowDays int
}

func (s Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func financeOnly(p auth.Principal) error {
	if !p.Has(auth.RoleFinance, auth.RoleAdmin) {
		return auth.ErrForbidden
	}
	return nil
}

// SavePlan stores the next version of a plan and says whether it made one
// (a repeated request answers the version it made before). A version never
// changes and never takes effect in the past, so history is never rewritten.
func (s Service) SavePlan(ctx context.Context, p auth.Principal, in Plan) (Plan, bool, error) {
	if err := financeOnly(p); err != nil {
		return Plan{}, false, err
	}
	today := DateOf(s.now())
	if in.EffectiveFrom == "" {
		in.EffectiveFrom = today
	}
	if err := in.Validate(); err != nil {
		return Plan{}, false, err
	}
	if in.PartnerID != "" {
		if ok, err := s.Partners.PartnerExists(ctx, in.PartnerID); err != nil || !ok {
			return Plan{}, false, cmp.Or(err, error(validation.Field("partnerId", "not_found", "no partner %s", in.PartnerID)))
		}
	}
	if in.EffectiveFrom < today {
		return Plan{}, false, validation.Field("effectiveFrom", "in_the_past", "a plan version takes effect today (%s) or later; history is never rewritten", today)
	}
	versions, err := s.Store.PlanVersions(ctx, in.ID)
	if err != nil {
		return Plan{}, false, err
	}
	if n := len(versions); n > 0 {
		last := versions[n-1]
		if last.Scope() != in.Scope() {
			return Plan{}, false, validation.Field("partnerId", "scope_changed", "plan %s is for %s; create a new plan for another scope", in.ID, last.Scope())
		}
		if in.EffectiveFrom < last.EffectiveFrom {
			return Plan{}, false, validation.Field("effectiveFrom", "before_previous", "version %d takes effect %s; a new version cannot start earlier", last.Version, last.EffectiveFrom)
		}
		same := last
		same.Version, same.CreatedAt, same.CreatedBy = in.Version, in.CreatedAt, in.CreatedBy
		if reflect.DeepEqual(same, in) {
			return last, false, nil // a repeated PUT (a retry) is not a new version
		}
	}
	in.Version, in.CreatedAt, in.CreatedBy = len(versions)+1, s.now(), p.ActorID()
	if err := s.Store.PutPlan(ctx, in); err != nil {
		return Plan{}, false, err
	}
	return in, true, nil
}

// Plans lists every version of every plan (finance).
func (s Service) Plans(ctx context.Context, p auth.Principal) ([]Plan, error) {
	if err := financeOnly(p); err != nil {
		return nil, err
	}
	return s.Store.Plans(ctx)
}

// SetTier puts a partner in a tier, for tier plans.
func (s Service) SetTier(ctx context.Context, p auth.Principal, partnerID, tier string) error {
	if err := financeOnly(p); err != nil {
		return err
	}
	if tier != "" && !slug.MatchString(tier) {
		return validation.Field("tier", "invalid", "1 to 40 lowercase letters, digits or '-' (empty: no tier)")
	}
	if ok, err := s.Partners.PartnerExists(ctx, partnerID); err != nil || !ok {
		return cmp.Or(err, error(ErrNoSuchPartner))
	}
	return s.Store.PutTier(ctx, partnerID, tier)
}

// PlanFor is the plan in force for a partner at t: its own, else its tier's.
func (s Service) PlanFor(ctx context.Context, partnerID string, t time.Time) (*Plan, error) {
	date := DateOf(t)
	if p, ok, err := s.Store.PlanAt(ctx, "partner:"+partnerID, date); err != nil || ok {
		return &p, err
	}
	tier, err := s.Store.Tier(ctx, partnerID)
	if err != nil || tier == "" {
		return nil, err
	}
	p, ok, err := s.Store.PlanAt(ctx, "tier:"+tier, date)
	if err != nil || !ok {
		return nil, err
	}
	return &p, nil
}

const maxAttempts = 8

// Process applies one input event to the ledger, exactly once however
// often it is delivered. It returns the trigger's lines (for a duplicate,
// the lines written the first time), so announcing them can be retried.
func (s Service) Process(ctx context.Context, t Trigger) (Outcome, error) {
	for range maxAttempts {
		ls, err := s.Store.LeadState(ctx, t.LeadID)
		if err != nil {
			return Outcome{}, err
		}
		if ls.PartnerID != "" && ls.PartnerID != t.PartnerID {
			return Outcome{}, fmt.Errorf("trigger %s names partner %s, the lead belongs to %s", t.ID, t.PartnerID, ls.PartnerID)
		}
		var plan *Plan
		if t.Kind == TriggerWon || t.Kind == TriggerQualified {
			if plan, err = s.PlanFor(ctx, t.PartnerID, t.At); err != nil {
				return Outcome{}, err
			}
		}
		periods, err := s.Store.PeriodStates(ctx, t.PartnerID, Periods(t, ls))
		if err != nil {
			return Outcome{}, err
		}
		out, err := Apply(plan, t, ls, periods)
		if err != nil || out.Duplicate {
			return out, err
		}
		err = s.Store.Commit(ctx, ls, out)
		if errors.Is(err, ErrConflict) {
			continue
		}
		return out, err
	}
	return Outcome{}, fmt.Errorf("process %s: %w", t.ID, ErrConflict)
}

// Totals are a statement's sums for one currency, in minor units.
type Totals struct {
	Accrued        int64 `json:"accrued"`        // positive lines of the period
	TakenBack      int64 `json:"takenBack"`      // clawbacks and reversals of the period (≤ 0)
	Net            int64 `json:"net"`            // accrued + takenBack
	OpeningBalance int64 `json:"openingBalance"` // unpaid lines of earlier periods, may be negative
	ClosingBalance int64 `json:"closingBalance"` // openingBalance + the period's unpaid lines
}

// PartnerStatement is one partner's lines for a period.
type PartnerStatement struct {
	PartnerID string            `json:"partnerId"`
	Totals    map[string]Totals `json:"totals"`
	Lines     []Entry           `json:"lines"`
	// Payouts are the partner's payout batches created in the period.
	Payouts []Payout `json:"payouts"`
}

// Statement is GET /v1/commissions for one period.
type Statement struct {
	Period   string             `json:"period"`
	Partners []PartnerStatement `json:"partners"`
}

// ledgerReader is whose ledger a principal reads: a partner its own
// (naming another is forbidden), finance and admins the partner named
// ("" for every partner).
func ledgerReader(p auth.Principal, partnerID string) (string, error) {
	switch {
	case p.Role == auth.RolePartner:
		if partnerID != "" && partnerID != p.PartnerID {
			return "", auth.ErrForbidden
		}
		return p.PartnerID, nil
	case financeOnly(p) != nil:
		return "", auth.ErrForbidden
	}
	return partnerID, nil
}

// Statement gives a partner its own lines, and finance every partner's
// (or one partner's, with partnerID).
func (s Service) Statement(ctx context.Context, p auth.Principal, period, partnerID string) (Statement, error) {
	if _, err := ParsePeriod(period); err != nil {
		return Statement{}, validation.Field("period", "invalid", "want YYYY-MM")
	}
	partnerID, err := ledgerReader(p, partnerID)
	if err != nil {
		return Statement{}, err
	}
	byPartner := map[string][]Entry{}
	var order []string
	if partnerID != "" {
		lines, err := s.Store.Lines(ctx, partnerID, period)
		if err != nil {
			return Statement{}, err
		}
		byPartner[partnerID], order = lines, []string{partnerID}
	} else if err := s.Store.PeriodLines(ctx, period, func(e Entry) error {
		if _, ok := byPartner[e.PartnerID]; !ok {
			order = append(order, e.PartnerID)
		}
		byPartner[e.PartnerID] = append(byPartner[e.PartnerID], e)
		return nil
	}); err != nil {
		return Statement{}, err
	}
	st := Statement{Period: period, Partners: []PartnerStatement{}}
	for _, pid := range order {
		earlier, err := s.Store.LinesThrough(ctx, pid, PreviousPeriod(mustPeriod(period)))
		if err != nil {
			return Statement{}, err
		}
		payouts, err := s.Store.Payouts(ctx, pid)
		if err != nil {
			return Statement{}, err
		}
		ps := PartnerStatement{PartnerID: pid, Totals: map[string]Totals{}, Lines: byPartner[pid], Payouts: []Payout{}}
		for _, po := range payouts {
			if PeriodOf(po.CreatedAt) == period {
				ps.Payouts = append(ps.Payouts, po)
			}
		}
		if ps.Lines == nil {
			ps.Lines = []Entry{}
		}
		for _, e := range earlier {
			if e.Period < period && e.State != StatePaid {
				t := ps.Totals[e.Currency]
				t.OpeningBalance += e.Amount
				t.ClosingBalance += e.Amount
				ps.Totals[e.Currency] = t
			}
		}
		for _, e := range ps.Lines {
			t := ps.Totals[e.Currency]
			if e.Amount >= 0 {
				t.Accrued += e.Amount
			} else {
				t.TakenBack += e.Amount
			}
			t.Net += e.Amount
			if e.State != StatePaid {
				t.ClosingBalance += e.Amount
			}
			ps.Totals[e.Currency] = t
		}
		st.Partners = append(st.Partners, ps)
	}
	return st, nil
}

func mustPeriod(p string) time.Time {
	t, _ := ParsePeriod(p)
	return t
}

// Approve moves a period's accrued lines (one partner's, or everyone's)
// to approved, except those still inside their plan's holding period, and
// says how many moved and how many are held.
func (s Service) Approve(ctx context.Context, p auth.Principal, period, partnerID string) (approved, held int, err error) {
	if err := financeOnly(p); err != nil {
		return 0, 0, err
	}
	if _, err := ParsePeriod(period); err != nil {
		return 0, 0, validation.Field("period", "invalid", "want YYYY-MM")
	}
	var lines []Entry
	if partnerID != "" {
		lines, err = s.Store.Lines(ctx, partnerID, period)
	} else {
		err = s.Store.PeriodLines(ctx, period, func(e Entry) error { lines = append(lines, e); return nil })
	}
	if err != nil {
		return 0, 0, err
	}
	at := s.now()
	holdDays := map[string]int{} // plan ref → days
	for _, e := range lines {
		if e.State != StateAccrued {
			continue
		}
		ref := e.PlanID + "@" + itoa(int64(e.PlanVersion))
		days, ok := holdDays[ref]
		if !ok {
			versions, err := s.Store.PlanVersions(ctx, e.PlanID)
			if err != nil {
				return approved, held, err
			}
			if e.PlanVersion >= 1 && e.PlanVersion <= len(versions) {
				days = versions[e.PlanVersion-1].HoldDays
			}
			holdDays[ref] = days
		}
		if days > 0 && e.OccurredAt.AddDate(0, 0, days).After(at) {
			held++
			continue
		}
		e.State, e.ApprovedAt, e.ApprovedBy = StateApproved, &at, p.ActorID()
		if err := s.Store.SetState(ctx, e, StateAccrued); err != nil && !errors.Is(err, ErrConflict) {
			return approved, held, err
		} else if err == nil {
			approved++
		}
	}
	return approved, held, nil
}
