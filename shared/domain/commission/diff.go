package commission

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// DiffLine is one line behind a row's number.
type DiffLine struct {
	ID          string    `json:"id,omitempty"` // ledger lines only
	Kind        EntryKind `json:"kind"`
	Amount      int64     `json:"amount"`
	Plan        string    `json:"plan"` // id@version
	Explanation string    `json:"explanation"`
}

// DiffRow is what a lead (or, with no lead, a period line kind) adds up to
// in the ledger and in the recomputation. A lead's lines may be split
// differently when its events arrived out of order, so rows compare sums;
// Lines lists both sides only where they differ.
type DiffRow struct {
	LeadID     string     `json:"leadId,omitempty"`
	Kind       EntryKind  `json:"kind,omitempty"` // period lines: tier_bonus, cap_hold
	Currency   string     `json:"currency"`
	Ledger     int64      `json:"ledger"`
	Recomputed int64      `json:"recomputed"`
	Difference int64      `json:"difference"` // ledger − recomputed
	Lines      []DiffLine `json:"ledgerLines,omitempty"`
	Expected   []DiffLine `json:"recomputedLines,omitempty"`
}

// Diff compares a partner's ledger for the lines earned in a period with
// Recompute over the same leads' inputs.
type Diff struct {
	PartnerID   string           `json:"partnerId"`
	Period      string           `json:"period"`
	Ledger      map[string]int64 `json:"ledger"`     // by currency
	Recomputed  map[string]int64 `json:"recomputed"` // by currency
	Rows        int              `json:"rows"`
	LinesRead   int              `json:"linesRead"`
	LeadsRead   int              `json:"leadsRead"`
	Differences []DiffRow        `json:"differences"`
	// Adjustments are finance's lines of the period, outside the
	// comparison: no event explains them, a reason does.
	Adjustments []DiffLine `json:"adjustments"`
}

// Diff recomputes a partner's period from the events the ledger recorded
// for each of its leads and shows where the ledger differs. A partner may
// diff its own ledger, finance any.
func (s Service) Diff(ctx context.Context, p auth.Principal, partnerID, period string) (Diff, error) {
	if _, err := ParsePeriod(period); err != nil {
		return Diff{}, validation.Field("period", "invalid", "want YYYY-MM")
	}
	partnerID, err := ledgerReader(p, partnerID)
	if err != nil {
		return Diff{}, err
	}
	if partnerID == "" {
		return Diff{}, validation.Field("partnerId", "required", "the partner to diff")
	}
	all, err := s.Store.LinesThrough(ctx, partnerID, "9999-12")
	if err != nil {
		return Diff{}, err
	}
	d := Diff{PartnerID: partnerID, Period: period, LinesRead: len(all), Adjustments: []DiffLine{}}
	var ledger []Entry
	var leadIDs []string
	seen := map[string]bool{}
	for _, e := range all {
		if e.EarnedIn != period {
			continue
		}
		if e.Kind == KindAdjustment {
			d.Adjustments = append(d.Adjustments, diffLine(e, true))
			continue
		}
		ledger = append(ledger, e)
		if e.LeadID != "" && !seen[e.LeadID] {
			seen[e.LeadID] = true
			leadIDs = append(leadIDs, e.LeadID)
		}
	}
	states, err := s.Store.LeadStates(ctx, leadIDs)
	if err != nil {
		return Diff{}, err
	}
	var inputs []Trigger
	for _, id := range leadIDs {
		inputs = append(inputs, states[id].Inputs...)
	}
	d.LeadsRead = len(states)
	// The plan in force depends on the partner and the day alone: read it
	// once per day, not once per won deal (a 10,000-deal month made 10,000
	// plan reads and outlasted the API's timeout).
	type day struct{ partnerID, date string }
	plans := map[day]*Plan{}
	var planErr error
	want, err := Recompute(func(partnerID string, at time.Time) *Plan {
		k := day{partnerID, DateOf(at)}
		if plan, ok := plans[k]; ok {
			return plan
		}
		plan, err := s.PlanFor(ctx, partnerID, at)
		planErr = cmp.Or(planErr, err)
		plans[k] = plan
		return plan
	}, inputs)
	if err = cmp.Or(err, planErr); err != nil {
		return Diff{}, err
	}
	var expected []Entry
	for _, e := range want {
		if e.EarnedIn == period {
			expected = append(expected, e)
		}
	}
	d.Ledger, d.Recomputed, d.Rows, d.Differences = compare(ledger, expected)
	return d, nil
}

// compare sums both sides by row and keeps the rows that differ.
func compare(ledger, expected []Entry) (got, want map[string]int64, rows int, diffs []DiffRow) {
	type key struct {
		lead     string
		kind     EntryKind
		currency string
	}
	byKey := map[key]*DiffRow{}
	var order []key
	row := func(e Entry) *DiffRow {
		k := key{e.LeadID, "", e.Currency}
		if e.LeadID == "" {
			k.kind = e.Kind
		}
		r, ok := byKey[k]
		if !ok {
			r = &DiffRow{LeadID: k.lead, Kind: k.kind, Currency: k.currency}
			byKey[k] = r
			order = append(order, k)
		}
		return r
	}
	got, want = map[string]int64{}, map[string]int64{}
	for _, e := range ledger {
		r := row(e)
		r.Ledger += e.Amount
		r.Lines = append(r.Lines, diffLine(e, true))
		got[e.Currency] += e.Amount
	}
	for _, e := range expected {
		r := row(e)
		r.Recomputed += e.Amount
		r.Expected = append(r.Expected, diffLine(e, false))
		want[e.Currency] += e.Amount
	}
	diffs = []DiffRow{}
	for _, k := range order {
		if r := byKey[k]; r.Ledger != r.Recomputed {
			r.Difference = r.Ledger - r.Recomputed
			diffs = append(diffs, *r)
		}
	}
	slices.SortFunc(diffs, func(a, b DiffRow) int { return cmp.Or(cmp.Compare(a.LeadID, b.LeadID), cmp.Compare(a.Kind, b.Kind)) })
	return got, want, len(order), diffs
}

func diffLine(e Entry, withID bool) DiffLine {
	l := DiffLine{Kind: e.Kind, Amount: e.Amount, Plan: e.PlanID + "@" + itoa(int64(e.PlanVersion)), Explanation: e.Explanation}
	if withID {
		l.ID = e.ID
	}
	return l
}
