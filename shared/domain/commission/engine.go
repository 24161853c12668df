// Package commission computes partner commissions from deal events into an
// append-only ledger, and builds statements and finance exports. It has no
// AWS imports: storage, the bus and S3 sit behind the interfaces in store.go.
package commission

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/fault"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// TriggerKind is the business fact an input event reports.
type TriggerKind string

const (
	TriggerWon       TriggerKind = "won"       // lead.status_changed to won, with the deal
	TriggerQualified TriggerKind = "qualified" // lead.status_changed to qualified
	TriggerReopened  TriggerKind = "reopened"  // lead.status_changed from won: the deal fell through
	TriggerCancelled TriggerKind = "cancelled" // deal.cancelled: the customer cancelled or churned
	TriggerRevenue   TriggerKind = "revenue"   // deal.revenue_confirmed: a month's invoice was paid
)

// Trigger is one input event. Its ID is deterministic (the event id), so a
// duplicate delivery is recognised and changes nothing.
type Trigger struct {
	ID        string      `json:"id"`
	Kind      TriggerKind `json:"kind"`
	LeadID    string      `json:"leadId"`
	PartnerID string      `json:"partnerId"`
	At        time.Time   `json:"at"`
	Deal      *lead.Deal  `json:"deal,omitempty"`      // won
	Date      string      `json:"date,omitempty"`      // cancelled: the cancellation date, YYYY-MM-DD
	Month     string      `json:"month,omitempty"`     // revenue: the month paid for, YYYY-MM
	Revenue   *lead.Money `json:"revenue,omitempty"`   // revenue: the amount paid
	Reference string      `json:"reference,omitempty"` // revenue: the invoice id
}

// EntryKind is what a ledger line is.
type EntryKind string

const (
	KindAccrual   EntryKind = "accrual"   // earned on won or qualified
	KindRecurring EntryKind = "recurring" // earned on a month's confirmed revenue
	KindClawback  EntryKind = "clawback"  // taken back: the customer cancelled inside the window
	KindReversal  EntryKind = "reversal"  // taken back: the won deal was reopened
)

// State is where a line is in finance's process; it only moves forward.
type State string

const (
	StateAccrued  State = "accrued"
	StateApproved State = "approved"
	StatePaid     State = "paid"
)

// Entry is one ledger line. Its amount never changes after it is written;
// only State moves forward.
type Entry struct {
	ID          string      `json:"id"`
	PartnerID   string      `json:"partnerId"`
	LeadID      string      `json:"leadId"`
	Period      string      `json:"period"`
	Kind        EntryKind   `json:"kind"`
	Amount      int64       `json:"amount"` // minor units, after caps; negative for clawbacks and reversals
	Currency    string      `json:"currency"`
	Base        int64       `json:"base"` // what the rate applied to, minor units
	RateBps     int64       `json:"rateBps,omitempty"`
	Calculated  int64       `json:"calculated"` // before caps
	PlanID      string      `json:"planId"`
	PlanVersion int         `json:"planVersion"`
	TriggerID   string      `json:"triggerEventId"`
	TriggerKind TriggerKind `json:"triggerKind"`
	Reverses    string      `json:"reverses,omitempty"`
	Explanation string      `json:"explanation"`
	OccurredAt  time.Time   `json:"occurredAt"`
	State       State       `json:"state"`
	ApprovedAt  *time.Time  `json:"approvedAt,omitempty"`
	ApprovedBy  string      `json:"approvedBy,omitempty"`
	PaidAt      *time.Time  `json:"paidAt,omitempty"`
	PaidBy      string      `json:"paidBy,omitempty"`
	PayoutID    string      `json:"payoutId,omitempty"`
}

// WonDeal is the lead's current won deal and the plan version it was won
// under: later revenue, cancellation and reopening use that version.
type WonDeal struct {
	TriggerID string    `json:"triggerId"`
	Period    string    `json:"period"`
	Deal      lead.Deal `json:"deal"`
	Plan      Plan      `json:"plan"`
	Volume    int64     `json:"volume"`  // what it added to the period's tier volume
	OneOffs   []string  `json:"oneOffs"` // entry ids a clawback or reopen takes back
}

// LeadState is everything commissions remember about one lead.
type LeadState struct {
	LeadID    string   `json:"leadId"`
	PartnerID string   `json:"partnerId"`
	Version   int64    `json:"version"` // 0: nothing stored yet
	Applied   []string `json:"applied"` // trigger ids already applied
	Won       *WonDeal `json:"won,omitempty"`
	Qualified bool     `json:"qualified,omitempty"`
	// CancelledOn is the customer's cancellation date; revenue for later
	// months is refused.
	CancelledOn string `json:"cancelledOn,omitempty"`
	// Net is the lead's commission so far, for the per-lead cap.
	Net     int64   `json:"net"`
	Entries []Entry `json:"entries"`
}

// PeriodState is a partner's running figures for one period.
type PeriodState struct {
	Version int64 `json:"version"` // 0: nothing stored yet
	Volume  int64 `json:"volume"`  // won deal value, for tiers
	Net     int64 `json:"net"`     // commission net of clawbacks, for the period cap
}

// Outcome is what one trigger does.
type Outcome struct {
	Entries   []Entry // written by this trigger (or, for a duplicate, written before)
	Lead      LeadState
	Periods   map[string]PeriodState // the periods changed, next versions
	Duplicate bool
	Skipped   string // why nothing was owed, when nothing was
}

var (
	ErrNoPlan = errors.New("no commission plan covers this partner")
	// ErrNotWon: revenue or a cancellation for a lead that is not won.
	ErrNotWon = fault.New(fault.Conflict, "not-won", "The lead is not won", "cancellations and revenue apply to won deals only")
)

// CurrencyMismatchError: a deal in another currency than its plan pays in.
type CurrencyMismatchError struct{ Plan, Deal string }

func (e *CurrencyMismatchError) Error() string {
	return fmt.Sprintf("the plan pays in %s but the amount is in %s", e.Plan, e.Deal)
}

// Periods are the periods whose state Apply needs for t.
func Periods(t Trigger, ls LeadState) []string {
	ps := []string{PeriodOf(t.At)}
	if ls.Won != nil && ls.Won.Period != ps[0] {
		ps = append(ps, ls.Won.Period)
	}
	return ps
}

// Apply computes what trigger t owes, given the plan in force for the
// partner at t.At (nil when none) and the stored state. It is pure: the
// same inputs give the same entries, ids included.
func Apply(plan *Plan, t Trigger, ls LeadState, periods map[string]PeriodState) (Outcome, error) {
	if slices.Contains(ls.Applied, t.ID) {
		out := Outcome{Lead: ls, Duplicate: true}
		for _, e := range ls.Entries {
			if e.TriggerID == t.ID {
				out.Entries = append(out.Entries, e)
			}
		}
		return out, nil
	}
	a := applier{t: t, ls: ls, periods: map[string]PeriodState{}}
	a.ls.LeadID, a.ls.PartnerID = t.LeadID, t.PartnerID
	a.ls.Applied = append(slices.Clone(ls.Applied), t.ID)
	a.ls.Entries = slices.Clone(ls.Entries)
	for k, v := range periods {
		a.periods[k] = v
	}
	var err error
	switch t.Kind {
	case TriggerWon:
		err = a.won(plan)
	case TriggerQualified:
		err = a.qualified(plan)
	case TriggerReopened:
		a.takeBack(KindReversal, func(rem int64) int64 { return rem }, "the won deal was reopened")
	case TriggerCancelled:
		err = a.cancelled()
	case TriggerRevenue:
		err = a.revenue()
	default:
		err = fmt.Errorf("unknown trigger kind %q", t.Kind)
	}
	if err != nil {
		return Outcome{}, err
	}
	a.ls.Version = ls.Version + 1
	out := Outcome{Entries: a.entries, Lead: a.ls, Periods: map[string]PeriodState{}, Skipped: a.skipped}
	for k, v := range a.periods {
		if v != periods[k] {
			v.Version = periods[k].Version + 1
			out.Periods[k] = v
		}
	}
	return out, nil
}

type applier struct {
	t       Trigger
	ls      LeadState
	periods map[string]PeriodState
	entries []Entry
	skipped string
}

func (a *applier) won(plan *Plan) error {
	if a.ls.Won != nil {
		a.skipped = "already won"
		return nil
	}
	if a.t.Deal == nil {
		return lead.ErrDealRequired
	}
	if plan == nil {
		return ErrNoPlan
	}
	deal := *a.t.Deal
	if deal.Value.Currency != plan.Currency {
		return &CurrencyMismatchError{Plan: plan.Currency, Deal: deal.Value.Currency}
	}
	pt, err := lookupPlanType(plan.Type)
	if err != nil {
		return fmt.Errorf("plan %s: %w", plan.Ref(), err)
	}
	w := &WonDeal{TriggerID: a.t.ID, Period: PeriodOf(a.t.At), Deal: deal, Plan: *plan}
	a.ls.Won = w
	pw, ok := pt.(paysOnWon)
	if !ok {
		a.skipped = "plan " + string(plan.Type) + " pays nothing on won"
		return nil
	}
	if err := pw.onWon(a, *plan, w); err != nil {
		return err
	}
	w.OneOffs = []string{a.entries[len(a.entries)-1].ID}
	return nil
}

func (a *applier) qualified(plan *Plan) error {
	if plan == nil {
		return ErrNoPlan
	}
	pt, err := lookupPlanType(plan.Type)
	if err != nil {
		return fmt.Errorf("plan %s: %w", plan.Ref(), err)
	}
	pq, ok := pt.(paysOnQualified)
	if !ok {
		a.skipped = "plan " + string(plan.Type) + " pays nothing on qualified"
		return nil
	}
	pq.onQualified(a, *plan)
	return nil
}

func (a *applier) cancelled() error {
	if a.ls.Won == nil {
		return ErrNotWon
	}
	if a.ls.CancelledOn != "" {
		a.skipped = "already cancelled"
		return nil
	}
	w := a.ls.Won
	d, err := daysBetween(w.Deal.ContractStart, a.t.Date)
	if err != nil || d < 0 {
		return fmt.Errorf("cancellation date %q must be on or after the contract start %s", a.t.Date, w.Deal.ContractStart)
	}
	a.ls.CancelledOn = a.t.Date
	n := w.Plan.ClawbackDays
	switch {
	case n == 0:
		a.skipped = "the plan has no clawback"
	case d > n:
		a.skipped = fmt.Sprintf("cancelled on day %d, after the %d-day clawback window", d, n)
	case w.Plan.ClawbackMode == "full":
		a.takeBack(KindClawback, func(rem int64) int64 { return rem }, fmt.Sprintf("cancelled on day %d of a %d-day window: full clawback", d, n))
	default:
		a.takeBack(KindClawback, func(rem int64) int64 { return MulDiv(rem, int64(n-d), int64(n)) },
			fmt.Sprintf("cancelled on day %d of a %d-day window: pro rata clawback of %d/%d", d, n, n-d, n))
	}
	return nil
}

// takeBack writes a negative line for each of the won deal's one-off lines
// that still has something left, of share(what is left).
func (a *applier) takeBack(kind EntryKind, share func(int64) int64, why string) {
	w := a.ls.Won
	if w == nil {
		a.skipped = "the lead is not won"
		return
	}
	for _, id := range w.OneOffs {
		rem, orig := int64(0), Entry{}
		for _, e := range a.ls.Entries {
			if e.ID == id {
				rem, orig = rem+e.Amount, e
			} else if e.Reverses == id {
				rem += e.Amount
			}
		}
		if take := share(rem); take != 0 {
			a.add(kind, w.Plan, orig.Amount, orig.RateBps, -take, id, why)
		}
	}
	if kind == KindReversal {
		ps := a.periods[w.Period]
		ps.Volume -= w.Volume // the deal did not happen: it leaves the tier volume
		a.periods[w.Period] = ps
		a.ls.Won = nil
	}
}

func (a *applier) revenue() error {
	w := a.ls.Won
	if w == nil {
		return ErrNotWon
	}
	p := w.Plan
	pt, err := lookupPlanType(p.Type)
	if err != nil {
		return fmt.Errorf("plan %s: %w", p.Ref(), err)
	}
	pr, ok := pt.(paysOnRevenue)
	if !ok {
		a.skipped = "plan " + string(p.Type) + " pays nothing on revenue"
		return nil
	}
	return pr.onRevenue(a, p, w)
}

// add writes a line. Positive amounts are held to the plan's caps; the
// line keeps what was calculated, so a capped line explains itself.
func (a *applier) add(kind EntryKind, p Plan, base, rate, calculated int64, reverses, why string) {
	period := PeriodOf(a.t.At)
	amount := calculated
	if amount > 0 && p.CapPerLead > 0 && amount > p.CapPerLead-a.ls.Net {
		amount = max(0, p.CapPerLead-a.ls.Net)
		why += fmt.Sprintf("; held to the per-lead cap of %s", Decimal(p.CapPerLead, p.Currency))
	}
	// A line counts against the cap of the period it was earned in: the won
	// deal's period for take-backs, its own period otherwise.
	capPeriod := period
	if reverses != "" && a.ls.Won != nil {
		capPeriod = a.ls.Won.Period
	}
	ps := a.periods[capPeriod]
	if amount > 0 && p.CapPerPeriod > 0 && amount > p.CapPerPeriod-ps.Net {
		amount = max(0, p.CapPerPeriod-ps.Net)
		why += fmt.Sprintf("; held to the period cap of %s", Decimal(p.CapPerPeriod, p.Currency))
	}
	ps.Net += amount
	a.periods[capPeriod] = ps
	a.ls.Net += amount
	e := Entry{
		ID: a.t.ID + ":" + string(kind) + ":" + strconv.Itoa(len(a.entries)+1), PartnerID: a.t.PartnerID, LeadID: a.t.LeadID,
		Period: period, Kind: kind, Amount: amount, Currency: p.Currency, Base: base, RateBps: rate, Calculated: calculated,
		PlanID: p.ID, PlanVersion: p.Version, TriggerID: a.t.ID, TriggerKind: a.t.Kind, Reverses: reverses,
		Explanation: why, OccurredAt: a.t.At.UTC(), State: StateAccrued,
	}
	a.entries = append(a.entries, e)
	a.ls.Entries = append(a.ls.Entries, e)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
