package routing

import (
	"fmt"
	"strings"
)

// strategies are the ways a rule can pick a rep, under the names a rule's
// "strategy" field takes. A new strategy is one strategy_<name>.go file and
// one line here; the OpenAPI enums must list the same names.
var strategies = register(
	byRoundRobin{},
	byLeastLoaded{},
	byScoreTier{},
)

// strategy is how a rule picks one rep from the members of its pool who
// can take the lead.
type strategy interface {
	Name() string
	// UsesPointer reports whether the strategy reads and advances the rule's
	// round-robin pointer. The router then reads the pointer before deciding
	// and commits its move with the assignment, so that concurrent routers
	// take turns instead of picking the same rep.
	UsesPointer() bool
	// Compile readies the strategy for one rule's pool, once per engine.
	Compile(pool []string, reps map[string]Rep) picker
}

// picker picks for one compiled rule: the chosen rep ("" when none) and,
// for strategies that use the pointer, its next value (0 otherwise).
type picker func(c *choice) (repID string, pointerAfter int64)

// choice is a rule's pool checked against one lead: what a strategy picks
// from.
type choice struct {
	facts Facts
	reps  map[string]Rep
	// candidates are the pool members in pool order; eligible[i] says
	// whether candidates[i] can take the lead. A strategy may narrow
	// eligible, saying why in candidates[i].Excluded.
	candidates []Candidate
	eligible   []bool
	pointer    int64 // the rule's round-robin pointer, for strategies that use it
}

// StrategyNames are the strategies a rule may name, in registration order.
func StrategyNames() []string {
	names := make([]string, len(strategies))
	for i, s := range strategies {
		names[i] = s.Name()
	}
	return names
}

// lookupStrategy returns the strategy registered as name. It is the one
// check of a strategy name: rule-set validation and engine compilation
// both refuse an unknown one here.
func lookupStrategy(name string) (strategy, error) {
	for _, s := range strategies {
		if s.Name() == name {
			return s, nil
		}
	}
	return nil, fmt.Errorf("unknown strategy %q: %s", name, strategyChoices())
}

// strategyChoices is what a rule may name instead of an unknown strategy.
func strategyChoices() string {
	names := StrategyNames()
	if len(names) == 1 {
		return "must be " + names[0]
	}
	return "must be " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// register lists strategies, refusing (at init) an empty or repeated name.
func register(ss ...strategy) []strategy {
	seen := map[string]bool{}
	for _, s := range ss {
		if s.Name() == "" || seen[s.Name()] {
			panic(fmt.Sprintf("routing: strategy name %q is empty or registered twice", s.Name()))
		}
		seen[s.Name()] = true
	}
	return ss
}
