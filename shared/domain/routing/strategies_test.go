package routing

import (
	"errors"
	"testing"

	"github.com/partnerleads/pipeline/shared/domain/validation"
)

func TestAnUnknownStrategyIsRefusedByTheRegistry(t *testing.T) {
	t.Parallel()
	_, err := ParseRuleSet([]byte(`{"fallbackOwner":"ana","rules":[{"id":"r1","pool":["ana"],"strategy":"random"}]}`), team(rep("ana")), nil, nil)
	var ve *validation.Error
	if !errors.As(err, &ve) || len(ve.Fields) != 1 {
		t.Fatalf("want one field error, got %v", err)
	}
	want := validation.FieldError{Field: "rules[0].strategy", Code: "invalid_enum", Message: "must be weighted_round_robin, least_loaded or score_tier"}
	if ve.Fields[0] != want {
		t.Fatalf("got %+v, want %+v", ve.Fields[0], want)
	}
	// A stored rule set naming a strategy no longer registered does not
	// compile, rather than routing by some other strategy.
	if _, err := NewEngine(ruleset(Rule{ID: "r1", Pool: []string{"ana"}, Strategy: "random"}), team(rep("ana")), nil); err == nil {
		t.Fatal("an engine compiled an unknown strategy")
	}
}

func TestOnlyRoundRobinUsesThePointer(t *testing.T) {
	t.Parallel()
	for _, name := range StrategyNames() {
		s, err := lookupStrategy(name)
		if err != nil {
			t.Fatal(err)
		}
		if s.UsesPointer() != (name == WeightedRoundRobin) {
			t.Errorf("%s: UsesPointer() = %v", name, s.UsesPointer())
		}
	}
}
