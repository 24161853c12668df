package commission

import (
	"cmp"
	"errors"
	"slices"
	"time"
)

// Owed is what lines add up to, in minor units: per lead (the lead's own
// lines) and per period earned in (every line, the period lines included).
type Owed struct {
	ByLead   map[string]int64 `json:"byLead"`
	ByPeriod map[string]int64 `json:"byPeriod"`
}

// OwedBy sums lines.
func OwedBy(lines []Entry) Owed {
	o := Owed{ByLead: map[string]int64{}, ByPeriod: map[string]int64{}}
	for _, e := range lines {
		if e.LeadID != "" {
			o.ByLead[e.LeadID] += e.Amount
		}
		o.ByPeriod[e.EarnedIn] += e.Amount
	}
	return o
}

// Recompute is the one definition of what is owed: a partner's deal events
// applied once each, every lead's in its own order (time, then sequence),
// under the plan in force for the partner when each was won or qualified.
// The ledger is built incrementally, from events that arrive late, out of
// order and more than once, and must always add up to the same (OwedBy):
// a lead's lines depend only on its own events, a period's tier bonus and
// cap hold only on the period's sums.
func Recompute(planAt func(partnerID string, at time.Time) *Plan, triggers []Trigger) ([]Entry, error) {
	ts := slices.Clone(triggers)
	slices.SortStableFunc(ts, func(a, b Trigger) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Seq, b.Seq), cmp.Compare(a.ID, b.ID))
	})
	leads := map[string]LeadState{}
	periods := map[string]PeriodState{}
	var lines []Entry
	for _, t := range ts {
		var plan *Plan
		if t.Kind == TriggerWon || t.Kind == TriggerQualified {
			plan = planAt(t.PartnerID, t.At)
		}
		out, err := Apply(plan, t, leads[t.LeadID], periods)
		switch {
		case errors.Is(err, ErrNotWon), errors.Is(err, ErrWonNotApplied), errors.Is(err, ErrNoPlan):
			continue // owes nothing, as the ledger refuses it
		case err != nil:
			return nil, err
		}
		leads[t.LeadID] = out.Lead
		for k, v := range out.Periods {
			periods[k] = v
		}
		if !out.Duplicate {
			lines = append(lines, out.Entries...)
		}
	}
	return lines, nil
}
