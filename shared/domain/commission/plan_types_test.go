package commission

import (
	"errors"
	"testing"

	"github.com/partnerleads/pipeline/shared/domain/validation"
)

func TestAnUnknownPlanTypeIsRefusedByTheRegistry(t *testing.T) {
	t.Parallel()
	p := planOf("bonus", func(p *Plan) { p.FlatAmount = 5 })
	var ve *validation.Error
	if err := p.Validate(); !errors.As(err, &ve) {
		t.Fatalf("want field errors, got %v", err)
	}
	want := []validation.FieldError{
		{Field: "type", Code: "invalid_enum", Message: "one of percent_of_deal, flat_per_won, flat_per_qualified, recurring_percent, tiered"},
		{Field: "flatAmount", Code: "not_allowed", Message: "does not apply to type bonus"},
	}
	if len(ve.Fields) != len(want) || ve.Fields[0] != want[0] || ve.Fields[1] != want[1] {
		t.Fatalf("got %+v, want %+v", ve.Fields, want)
	}
	// A stored plan whose type is no longer registered does not pay
	// nothing silently: applying it fails.
	if _, err := Apply(p, wonTrigger("L.7", 100_00), LeadState{}, nil); err == nil {
		t.Fatal("applied a plan of an unknown type")
	}
}

func TestAnUnknownTierModeIsRefused(t *testing.T) {
	t.Parallel()
	p := planOf(Tiered, func(p *Plan) { p.Tiers, p.TierMode = []Tier{{RateBps: 100}}, "progressive" })
	var ve *validation.Error
	if err := p.Validate(); !errors.As(err, &ve) || len(ve.Fields) != 1 ||
		ve.Fields[0] != (validation.FieldError{Field: "tierMode", Code: "invalid_enum", Message: "marginal or retroactive"}) {
		t.Fatalf("got %v", err)
	}
	if _, err := Apply(p, wonTrigger("L.7", 100_00), LeadState{}, nil); err == nil {
		t.Fatal("applied a tiered plan of an unknown mode")
	}
}

func TestOnlyPlansPaidOnWonClawBack(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		plan *Plan
		ok   bool
	}{
		{planOf(PercentOfDeal, func(p *Plan) { p.RateBps = 100 }), true},
		{planOf(FlatPerWon, func(p *Plan) { p.FlatAmount = 100 }), true},
		{planOf(Tiered, func(p *Plan) { p.Tiers, p.TierMode = []Tier{{RateBps: 100}}, "marginal" }), true},
		{planOf(FlatPerQualified, func(p *Plan) { p.FlatAmount = 100 }), false},
		{planOf(RecurringPercent, func(p *Plan) { p.RateBps = 100; p.Months = 12 }), false},
	} {
		c.plan.ClawbackDays, c.plan.ClawbackMode = 30, "full"
		if err := c.plan.Validate(); (err == nil) != c.ok {
			t.Errorf("%s with clawback: %v", c.plan.Type, err)
		}
	}
}
