package commission

import (
	"regexp"
	"slices"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// PlanType is how a plan pays; plan_types.go lists the types. A plan has
// exactly one.
type PlanType string

// Tier is a band of a period's won volume: up to UpTo (minor units,
// inclusive; 0 on the last tier means no limit) pays RateBps.
type Tier struct {
	UpTo    int64 `json:"upTo"`
	RateBps int64 `json:"rateBps"`
}

// Plan is one version of a commission plan. Versions are never rewritten:
// a change is a new version with a later effective date.
type Plan struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Name    string `json:"name"`
	// Exactly one of PartnerID and Tier: whom the plan is for. A partner's
	// own plan wins over its tier's.
	PartnerID     string   `json:"partnerId,omitempty"`
	Tier          string   `json:"tier,omitempty"`
	EffectiveFrom string   `json:"effectiveFrom"` // YYYY-MM-DD, São Paulo
	Currency      string   `json:"currency"`
	Type          PlanType `json:"type"`
	RateBps       int64    `json:"rateBps,omitempty"`
	FlatAmount    int64    `json:"flatAmount,omitempty"`
	Months        int      `json:"months,omitempty"`
	Tiers         []Tier   `json:"tiers,omitempty"`
	TierMode      string   `json:"tierMode,omitempty"` // marginal | retroactive
	CapPerLead    int64    `json:"capPerLead,omitempty"`
	CapPerPeriod  int64    `json:"capPerPeriod,omitempty"`
	MinPayout     int64    `json:"minPayout,omitempty"`
	ClawbackDays  int      `json:"clawbackDays,omitempty"`
	ClawbackMode  string   `json:"clawbackMode,omitempty"` // full | pro_rata
	// HoldDays is how long after accrual a line waits before it can be
	// approved (a holding period, e.g. the clawback window's first days).
	HoldDays  int       `json:"holdDays,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	CreatedBy string    `json:"createdBy"`
}

// Scope is whom the plan is for: partner:<id> or tier:<name>.
func (p Plan) Scope() string {
	if p.PartnerID != "" {
		return "partner:" + p.PartnerID
	}
	return "tier:" + p.Tier
}

// Ref names the version, as ledger lines and manifests cite it.
func (p Plan) Ref() string { return p.ID + "@" + itoa(int64(p.Version)) }

var (
	slug     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)
	currency = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Validate checks a plan as saved, field by field.
func (p Plan) Validate() error {
	var ve validation.Error
	if !slug.MatchString(p.ID) {
		ve.Add("id", "invalid", "1 to 40 lowercase letters, digits or '-'")
	}
	if p.Name == "" || len(p.Name) > 100 {
		ve.Add("name", "invalid", "is required, at most 100 characters")
	}
	if (p.PartnerID == "") == (p.Tier == "") {
		ve.Add("partnerId", "invalid", "give exactly one of partnerId and tier")
	} else if p.Tier != "" && !slug.MatchString(p.Tier) {
		ve.Add("tier", "invalid", "1 to 40 lowercase letters, digits or '-'")
	}
	if _, err := time.Parse(lead.DateLayout, p.EffectiveFrom); err != nil {
		ve.Add("effectiveFrom", "invalid", "must be a date, YYYY-MM-DD")
	}
	if !currency.MatchString(p.Currency) {
		ve.Add("currency", "invalid", "must be an ISO 4217 code such as BRL")
	}
	// Each type reads some of these fields and validates them; setting
	// one that the type does not read is refused.
	typeFields := []struct {
		name string
		set  bool
	}{{"rateBps", p.RateBps != 0}, {"flatAmount", p.FlatAmount != 0}, {"months", p.Months != 0}, {"tiers", len(p.Tiers) > 0}, {"tierMode", p.TierMode != ""}}
	pt, err := lookupPlanType(p.Type)
	var reads []string
	if err != nil {
		ve.Add("type", "invalid_enum", "%s", planTypeChoices())
	} else {
		pt.Validate(p, &ve)
		reads = pt.Fields()
	}
	for _, f := range typeFields {
		if f.set && !slices.Contains(reads, f.name) {
			ve.Add(f.name, "not_allowed", "does not apply to type %s", p.Type)
		}
	}
	if p.HoldDays < 0 || p.HoldDays > 365 {
		ve.Add("holdDays", "out_of_range", "from 0 (none) to 365")
	}
	if p.CapPerLead < 0 || p.CapPerPeriod < 0 || p.MinPayout < 0 {
		ve.Add("capPerLead", "out_of_range", "caps and minPayout are amounts ≥ 0 (0: none)")
	}
	switch {
	case p.ClawbackDays < 0 || p.ClawbackDays > 3650:
		ve.Add("clawbackDays", "out_of_range", "from 0 (none) to 3650")
	case p.ClawbackDays > 0 && p.ClawbackMode != "full" && p.ClawbackMode != "pro_rata":
		ve.Add("clawbackMode", "invalid_enum", "full or pro_rata")
	case p.ClawbackDays == 0 && p.ClawbackMode != "":
		ve.Add("clawbackMode", "not_allowed", "set clawbackDays too")
	}
	if p.ClawbackDays > 0 && pt != nil && !clawsBack(pt) {
		ve.Add("clawbackDays", "not_allowed", "only deal-based one-off plans claw back; recurring pays only confirmed revenue")
	}
	return ve.OrNil()
}

// validateRate checks rateBps, for the types that read it.
func validateRate(p Plan, ve *validation.Error) {
	if p.RateBps < 1 || p.RateBps > 10000 {
		ve.Add("rateBps", "out_of_range", "basis points from 1 to 10000 (100%%)")
	}
}

// validateFlatAmount checks flatAmount, for the types that read it.
func validateFlatAmount(p Plan, ve *validation.Error) {
	if p.FlatAmount < 1 {
		ve.Add("flatAmount", "out_of_range", "a positive amount in minor units")
	}
}
