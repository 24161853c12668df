// Package commission computes partner commissions from deal events into an
// append-only ledger, and builds statements and finance exports. It has no
// AWS imports: storage, the bus and S3 sit behind the interfaces in store.go.
package commission

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
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
	Deal      *lead.Deal  `json:"deal,omitempty"`      // won; cancelled and revenue: the deal they are about
	Date      string      `json:"date,omitempty"`      // cancelled: the cancellation date, YYYY-MM-DD
	Month     string      `json:"month,omitempty"`     // revenue: the month paid for, YYYY-MM
	Revenue   *lead.Money `json:"revenue,omitempty"`   // revenue: the amount paid
	Reference string      `json:"reference,omitempty"` // revenue: the invoice id
	// Seq orders a trigger among the lead's changes: for won and reopened
	// the change's sequence (of two delivered out of order, the later one
	// decides); for cancelled and revenue the lead's version when finance
	// reported it, with Deal the won deal it is about.
	Seq int64 `json:"seq,omitempty"`
}

// EntryKind is what a ledger line is.
type EntryKind string

const (
	KindAccrual   EntryKind = "accrual"   // earned on won or qualified
	KindRecurring EntryKind = "recurring" // earned on a month's confirmed revenue
	KindClawback  EntryKind = "clawback"  // taken back: the customer cancelled inside the window
	KindReversal  EntryKind = "reversal"  // taken back: the won deal was reopened
	// Period lines (no lead): what a period owes beyond its leads' lines.
	KindTierBonus EntryKind = "tier_bonus" // tiered plans: earned(volume) above the deals' first-tier lines
	KindCapHold   EntryKind = "cap_hold"   // held back to the period cap (≤ 0 in all)
)

// EntryKinds are every kind of line, for those who name them (the app).
var EntryKinds = []EntryKind{KindAccrual, KindRecurring, KindClawback, KindReversal, KindTierBonus, KindCapHold, KindAdjustment}

// State is where a line is in finance's process; it only moves forward.
type State string

const (
	StateAccrued  State = "accrued"
	StateApproved State = "approved"
	StatePaid     State = "paid"
)

var States = []State{StateAccrued, StateApproved, StatePaid}

// Entry is one ledger line. Its amount never changes after it is written;
// only State moves forward.
type Entry struct {
	ID        string `json:"id"`
	PartnerID string `json:"partnerId"`
	LeadID    string `json:"leadId"`
	Period    string `json:"period"`
	// EarnedIn is the period whose volume and cap the line counts in: the
	// won deal's for what a reopen or clawback takes back.
	EarnedIn    string      `json:"earnedIn"`
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
	Volume    int64     `json:"volume"`  // what it adds to the period's tier volume now
	Base      int64     `json:"base"`    // tiered: its first-tier line before caps, now
	OneOffs   []string  `json:"oneOffs"` // entry ids a clawback or reopen takes back
}

// LeadState is everything commissions remember about one lead.
type LeadState struct {
	LeadID    string   `json:"leadId"`
	PartnerID string   `json:"partnerId"`
	Version   int64    `json:"version"` // 0: nothing stored yet
	Applied   []string `json:"applied"` // trigger ids already applied
	// Inputs are the triggers applied, in the order they were: what
	// Recompute recomputes the lead from.
	Inputs []Trigger `json:"inputs,omitempty"`
	// DealSeq is the sequence of the last won or reopened change applied.
	DealSeq   int64    `json:"dealSeq,omitempty"`
	Won       *WonDeal `json:"won,omitempty"`
	Qualified bool     `json:"qualified,omitempty"`
	// CancelledOn is the customer's cancellation date; revenue for later
	// months is refused.
	CancelledOn string `json:"cancelledOn,omitempty"`
	// Net is the lead's commission so far, for the per-lead cap.
	Net     int64   `json:"net"`
	Entries []Entry `json:"entries"`
}

// PeriodState is a partner's running figures for one period, one bucket
// per plan version that earned in it.
type PeriodState struct {
	Version int64             `json:"version"` // 0: nothing stored yet
	Buckets map[string]Bucket `json:"buckets,omitempty"`
}

// Bucket is what one plan version earned in a period. Its period lines
// (tier bonus, cap hold) are re-levelled after every change, so they depend
// only on these sums, never on the order deals arrived in.
type Bucket struct {
	Volume int64 `json:"volume"` // tiered: the kept won value
	Base   int64 `json:"base"`   // tiered: the deals' first-tier lines before caps
	Leads  int64 `json:"leads"`  // the leads' lines
	Bonus  int64 `json:"bonus"`  // the tier bonus lines
	Held   int64 `json:"held"`   // the cap hold lines (≤ 0)
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
	// ErrWonNotApplied: a cancellation or revenue about a won change that
	// has not reached the ledger yet; retrying succeeds once it has.
	ErrWonNotApplied = errors.New("the won deal this input is about has not reached the ledger yet")
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
	a := applier{t: t, ls: ls, periods: map[string]PeriodState{}, touched: map[string]Plan{}}
	a.ls.LeadID, a.ls.PartnerID = t.LeadID, t.PartnerID
	a.ls.Applied = append(slices.Clone(ls.Applied), t.ID)
	a.ls.Inputs = append(slices.Clone(ls.Inputs), t)
	a.ls.Entries = slices.Clone(ls.Entries)
	for k, v := range periods {
		v.Buckets = maps.Clone(v.Buckets)
		a.periods[k] = v
	}
	var err error
	overtaken := t.Seq > 0 && t.Seq <= ls.DealSeq && (t.Kind == TriggerWon || t.Kind == TriggerReopened)
	switch {
	case overtaken:
		a.skipped = "overtaken by a later status change"
	case t.Kind == TriggerWon:
		if a.ls.Won != nil && t.Seq > 0 { // a reopen between the two was not delivered yet
			a.takeBack(KindReversal, all, "the deal was reopened and won again")
			a.ls.CancelledOn = ""
		}
		err = a.won(plan)
	case t.Kind == TriggerQualified:
		err = a.qualified(plan)
	case t.Kind == TriggerReopened:
		a.takeBack(KindReversal, all, "the won deal was reopened")
	case t.Kind == TriggerCancelled:
		err = a.cancelled()
	case t.Kind == TriggerRevenue:
		err = a.revenue()
	default:
		err = fmt.Errorf("unknown trigger kind %q", t.Kind)
	}
	if err != nil {
		return Outcome{}, err
	}
	if !overtaken && (t.Kind == TriggerWon || t.Kind == TriggerReopened) {
		a.ls.DealSeq = max(a.ls.DealSeq, t.Seq)
	}
	for _, key := range slices.Sorted(maps.Keys(a.touched)) {
		a.relevel(key, a.touched[key])
	}
	a.ls.Version = ls.Version + 1
	out := Outcome{Entries: a.entries, Lead: a.ls, Periods: map[string]PeriodState{}, Skipped: a.skipped}
	for key := range a.touched {
		period, _, _ := strings.Cut(key, " ")
		v := a.periods[period]
		v.Version = periods[period].Version + 1
		out.Periods[period] = v
	}
	return out, nil
}

// all takes back everything left.
func all(rem int64) int64 { return rem }

type applier struct {
	t       Trigger
	ls      LeadState
	periods map[string]PeriodState
	entries []Entry
	skipped string
	// touched are the buckets this trigger changed, by "<period> <plan ref>".
	touched map[string]Plan
}

// bucket changes the bucket of plan p in period with f.
func (a *applier) bucket(period string, p Plan, f func(*Bucket)) {
	ps := a.periods[period]
	if ps.Buckets == nil {
		ps.Buckets = map[string]Bucket{}
	}
	b := ps.Buckets[p.Ref()]
	f(&b)
	ps.Buckets[p.Ref()] = b
	a.periods[period] = ps
	a.touched[period+" "+p.Ref()] = p
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

// current reports whether a cancellation or revenue input is about the
// lead's current won deal; false with a reason when a later status change
// made it moot.
func (a *applier) current() (bool, error) {
	if a.t.Deal == nil { // from before inputs named their deal
		if a.ls.Won == nil {
			return false, ErrNotWon
		}
		return true, nil
	}
	if a.ls.DealSeq > a.t.Seq {
		a.skipped = "the deal changed after this was reported"
		return false, nil
	}
	if a.ls.Won == nil || !sameDeal(a.ls.Won.Deal, *a.t.Deal) {
		return false, ErrWonNotApplied
	}
	return true, nil
}

func sameDeal(a, b lead.Deal) bool {
	if (a.MonthlyRecurring == nil) != (b.MonthlyRecurring == nil) || (a.MonthlyRecurring != nil && *a.MonthlyRecurring != *b.MonthlyRecurring) {
		return false
	}
	return a.Value == b.Value && a.ContractStart == b.ContractStart
}

func (a *applier) cancelled() error {
	if ok, err := a.current(); !ok {
		return err
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
		a.takeBack(KindClawback, all, fmt.Sprintf("cancelled on day %d of a %d-day window: full clawback", d, n))
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
	// What is taken back leaves the period's tier volume too: the period's
	// bonus is re-levelled on what is left.
	vol, base := share(w.Volume), share(w.Base)
	w.Volume, w.Base = w.Volume-vol, w.Base-base
	a.bucket(w.Period, w.Plan, func(b *Bucket) { b.Volume, b.Base = b.Volume-vol, b.Base-base })
	if kind == KindReversal {
		a.ls.Won, a.ls.CancelledOn = nil, ""
	}
}

func (a *applier) revenue() error {
	if ok, err := a.current(); !ok {
		return err
	}
	w := a.ls.Won
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

// add writes a lead line. Positive amounts are held to the per-lead cap;
// the line keeps what was calculated, so a capped line explains itself.
// It counts in the period it was earned in: the won deal's for take-backs,
// its own otherwise.
func (a *applier) add(kind EntryKind, p Plan, base, rate, calculated int64, reverses, why string) {
	amount := calculated
	if amount > 0 && p.CapPerLead > 0 && amount > p.CapPerLead-a.ls.Net {
		amount = max(0, p.CapPerLead-a.ls.Net)
		why += fmt.Sprintf("; held to the per-lead cap of %s", Decimal(p.CapPerLead, p.Currency))
	}
	earnedIn := PeriodOf(a.t.At)
	if reverses != "" && a.ls.Won != nil {
		earnedIn = a.ls.Won.Period
	}
	a.bucket(earnedIn, p, func(b *Bucket) { b.Leads += amount })
	a.ls.Net += amount
	e := a.line(kind, p, a.t.LeadID, earnedIn, amount, why)
	e.Base, e.RateBps, e.Calculated, e.Reverses = base, rate, calculated, reverses
	a.ls.Entries = append(a.ls.Entries, *e)
}

// line writes a line of the trigger.
func (a *applier) line(kind EntryKind, p Plan, leadID, earnedIn string, amount int64, why string) *Entry {
	e := Entry{
		ID: a.t.ID + ":" + string(kind) + ":" + strconv.Itoa(len(a.entries)+1), PartnerID: a.t.PartnerID, LeadID: leadID,
		Period: PeriodOf(a.t.At), EarnedIn: earnedIn, Kind: kind, Amount: amount, Currency: p.Currency, Calculated: amount,
		PlanID: p.ID, PlanVersion: p.Version, TriggerID: a.t.ID, TriggerKind: a.t.Kind,
		Explanation: why, OccurredAt: a.t.At.UTC(), State: StateAccrued,
	}
	a.entries = append(a.entries, e)
	return &a.entries[len(a.entries)-1]
}

// relevel writes the period lines of a bucket that changed: the tier bonus
// becomes earned(volume) less the deals' first-tier lines, and the cap hold
// keeps the bucket's total within the period cap. Both are targets, not
// increments, so the period owes the same whatever order its deals came in.
func (a *applier) relevel(key string, p Plan) {
	period, _, _ := strings.Cut(key, " ")
	b := a.periods[period].Buckets[p.Ref()]
	if mode, ok := tierModeOf(p.TierMode); ok && p.Type == Tiered {
		earned := mode.earned(p, b.Volume)
		if target := earned - b.Base; target != b.Bonus {
			a.line(KindTierBonus, p, "", period, target-b.Bonus, fmt.Sprintf("tiered (%s): %s won volume is %s %s, which earns %s; the deals' first-tier lines pay %s: tier bonus %s (was %s)",
				p.TierMode, period, Decimal(b.Volume, p.Currency), p.Currency, Decimal(earned, p.Currency), Decimal(b.Base, p.Currency), Decimal(target, p.Currency), Decimal(b.Bonus, p.Currency)))
			b.Bonus = target
		}
	}
	if p.CapPerPeriod > 0 {
		if target := min(0, p.CapPerPeriod-(b.Leads+b.Bonus)); target != b.Held {
			a.line(KindCapHold, p, "", period, target-b.Held, fmt.Sprintf("%s earned %s %s in all; the period cap is %s: held back %s (was %s)",
				period, Decimal(b.Leads+b.Bonus, p.Currency), p.Currency, Decimal(p.CapPerPeriod, p.Currency), Decimal(-target, p.Currency), Decimal(-b.Held, p.Currency)))
			b.Held = target
		}
	}
	a.periods[period].Buckets[p.Ref()] = b
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
