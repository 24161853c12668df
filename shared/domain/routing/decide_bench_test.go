package routing

import (
	"fmt"
	"testing"
)

// benchEngine is 200 reps and 50 rules; most leads match a rule deep in the
// list, as in a real rule set with specific rules first.
func benchEngine(b *testing.B) (*Engine, []Facts) {
	states := []string{"SP", "RJ", "MG", "RS", "PR", "SC", "BA", "PE", "CE", "GO"}
	reps := map[string]Rep{}
	for i := range 200 {
		id := fmt.Sprintf("rep-%03d", i)
		reps[id] = rep(id, func(r *Rep) {
			r.Weight = 1 + i%5
			r.Capacity.MaxOpen = 1 << 30
			r.Territories = []string{"BR-" + states[i%len(states)], "BR"}
			r.OnCall = i%50 == 0
			if i%7 == 0 {
				r.Tier = "senior"
			}
		})
	}
	var rules []Rule
	strategies := []string{WeightedRoundRobin, LeastLoaded, ScoreTier}
	for i := range 49 {
		pool := make([]string, 0, 20)
		for j := range 20 {
			pool = append(pool, fmt.Sprintf("rep-%03d", (i*4+j)%200))
		}
		rules = append(rules, Rule{ID: fmt.Sprintf("rule-%02d", i), Pool: pool, Strategy: strategies[i%3],
			When: Conditions{States: []string{states[i%len(states)]}, Sizes: []string{[]string{"1-9", "10-49", "50-99", "100-499", "500+"}[i%5]}}})
	}
	rules = append(rules, Rule{ID: "catch-all", Pool: []string{"rep-000", "rep-001", "rep-002"}, Strategy: LeastLoaded})
	e := mustEngine(b, ruleset(rules...), reps, nil)
	var leads []Facts
	for i := range 64 {
		leads = append(leads, e.Scored(Facts{LeadID: "L", Country: "BR", State: states[i%len(states)], Size: []string{"1-9", "10-49", "50-99", "100-499", "500+"}[i%5], Industry: "software", Completeness: 0.7}))
	}
	return e, leads
}

// BenchmarkDecide: one full decision with its explanation, loads of every
// pool member known; decisions/s = 1e9 / ns/op.
func BenchmarkDecide(b *testing.B) {
	e, leads := benchEngine(b)
	loads := map[string]Load{}
	for id := range e.reps {
		loads[id] = Load{Open: len(id) % 9}
	}
	pointers := map[string]int64{}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		d := e.Decide(leads[i%len(leads)], loads, pointers, tuesday10)
		if d.Chosen == "" {
			b.Fatal("no owner")
		}
		if d.PointerAfter > 0 {
			pointers[d.RuleID] = d.PointerAfter
		}
		i++
	}
}
