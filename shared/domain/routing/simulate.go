package routing

import (
	"cmp"
	"slices"
	"time"
)

// SimLead is a lead to replay, at the time it arrived.
type SimLead struct {
	Facts Facts
	At    time.Time
}

// Report is what a rule set would have done with a set of leads.
type Report struct {
	RuleSetVersion int            `json:"ruleSetVersion"`
	Leads          int            `json:"leads"`
	Unassigned     int            `json:"unassigned"`
	ByPath         map[string]int `json:"byPath"`
	ByRule         map[string]int `json:"byRule"`
	Owners         []OwnerShare   `json:"owners"`
}

// OwnerShare compares what an owner got with its weighted share of the leads
// its rules' pools received.
type OwnerShare struct {
	Owner     string  `json:"owner"`
	Count     int     `json:"count"`
	Expected  float64 `json:"expected"`
	Deviation float64 `json:"deviation"`
}

// Simulate replays leads, oldest first, against the engine's rule set,
// keeping loads and round-robin pointers in memory (starting empty, leads
// never closing). It writes nothing.
func (e *Engine) Simulate(leads []SimLead) Report {
	leads = slices.Clone(leads)
	slices.SortStableFunc(leads, func(a, b SimLead) int { return a.At.Compare(b.At) })
	r := Report{RuleSetVersion: e.rs.Version, Leads: len(leads), ByPath: map[string]int{}, ByRule: map[string]int{}}
	loads, pointers := map[string]Load{}, map[string]int64{}
	counts, expected := map[string]int{}, map[string]float64{}
	for _, sl := range leads {
		f := e.Scored(sl.Facts)
		d := e.Decide(f, loads, pointers, sl.At)
		r.ByPath[d.Path]++
		if d.Chosen == "" {
			r.Unassigned++
			continue
		}
		counts[d.Chosen]++
		if d.RuleID != "" {
			r.ByRule[d.RuleID]++
		}
		if d.Path == PathRule {
			rule := e.match(f)
			total := 0
			for _, id := range rule.Pool {
				total += max(e.reps[id].Weight, 1)
			}
			for _, id := range rule.Pool {
				expected[id] += float64(max(e.reps[id].Weight, 1)) / float64(total)
			}
		}
		if d.PointerAfter > 0 {
			pointers[d.RuleID] = d.PointerAfter
		}
		day := e.reps[d.Chosen].Hours.Day(sl.At)
		l := loads[d.Chosen]
		if l.Day != day {
			l.Day, l.DayCount = day, 0
		}
		l.Open++
		l.DayCount++
		loads[d.Chosen] = l
	}
	for owner, c := range counts {
		r.Owners = append(r.Owners, OwnerShare{Owner: owner, Count: c, Expected: round2(expected[owner]), Deviation: round2(float64(c) - expected[owner])})
	}
	for id := range expected {
		if counts[id] == 0 {
			r.Owners = append(r.Owners, OwnerShare{Owner: id, Expected: round2(expected[id]), Deviation: -round2(expected[id])})
		}
	}
	slices.SortFunc(r.Owners, func(a, b OwnerShare) int { return cmp.Compare(a.Owner, b.Owner) })
	return r
}

func round2(x float64) float64 { return float64(int64(x*100+copysign(0.5, x))) / 100 }

func copysign(v, sign float64) float64 {
	if sign < 0 {
		return -v
	}
	return v
}
