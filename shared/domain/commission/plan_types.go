package commission

import (
	"fmt"
	"strings"

	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// planTypes are the ways a plan can pay, under the names a plan's "type"
// field takes. A new type is one plan_<type>.go file and one line here; the
// OpenAPI Plan.type enum must list the same names.
var planTypes = register(
	percentOfDeal{},
	flatPerWon{},
	flatPerQualified{},
	recurringPercent{},
	tiered{},
)

// planType is how plans of one type pay. A type also implements the
// earning interface of each trigger it pays on (paysOnWon, paysOnQualified,
// paysOnRevenue); on the others its plans owe nothing.
type planType interface {
	Name() PlanType
	// Fields are the type-specific plan fields it reads, of those in
	// Plan.Validate's typeFields; a plan of this type may set no other.
	Fields() []string
	// Validate checks those fields.
	Validate(p Plan, ve *validation.Error)
}

// paysOnWon types write one one-off line when the deal is won. Only they
// claw back: a cancellation takes back what won paid.
type paysOnWon interface {
	onWon(a *applier, p Plan, w *WonDeal) error
}

// paysOnQualified types pay when the lead reaches qualified.
type paysOnQualified interface {
	onQualified(a *applier, p Plan)
}

// paysOnRevenue types pay on each month of confirmed revenue of the won deal.
type paysOnRevenue interface {
	onRevenue(a *applier, p Plan, w *WonDeal) error
}

// PlanTypeNames are the types a plan may have, in registration order.
func PlanTypeNames() []string {
	names := make([]string, len(planTypes))
	for i, t := range planTypes {
		names[i] = string(t.Name())
	}
	return names
}

// lookupPlanType returns the type registered as name. It is the one check
// of a plan type: validation refuses an unknown one here, and the engine
// errs on a stored plan whose type is no longer registered.
func lookupPlanType(name PlanType) (planType, error) {
	for _, t := range planTypes {
		if t.Name() == name {
			return t, nil
		}
	}
	return nil, fmt.Errorf("unknown plan type %q: %s", name, planTypeChoices())
}

// planTypeChoices is what a plan may have instead of an unknown type.
func planTypeChoices() string { return "one of " + strings.Join(PlanTypeNames(), ", ") }

// clawsBack reports whether plans of type t may claw back.
func clawsBack(t planType) bool {
	_, ok := t.(paysOnWon)
	return ok
}

// register lists plan types, refusing (at init) an empty or repeated name
// and a type that pays on no trigger.
func register(ts ...planType) []planType {
	seen := map[PlanType]bool{}
	for _, t := range ts {
		_, won := t.(paysOnWon)
		_, qualified := t.(paysOnQualified)
		_, revenue := t.(paysOnRevenue)
		if t.Name() == "" || seen[t.Name()] || !(won || qualified || revenue) {
			panic(fmt.Sprintf("commission: plan type %q is unnamed, registered twice or pays on no trigger", t.Name()))
		}
		seen[t.Name()] = true
	}
	return ts
}
