package commission

import (
	"math/big"
	"regexp"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// PlanType is how a plan pays. A plan has exactly one type.
type PlanType string

const (
	PercentOfDeal    PlanType = "percent_of_deal"    // rateBps of the deal value, on won
	FlatPerWon       PlanType = "flat_per_won"       // flatAmount per won lead
	FlatPerQualified PlanType = "flat_per_qualified" // flatAmount per lead that reaches qualified, once
	RecurringPercent PlanType = "recurring_percent"  // rateBps of each confirmed month's revenue, for months months
	Tiered           PlanType = "tiered"             // rates by the partner's won volume in the period
)

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
	PartnerID     string    `json:"partnerId,omitempty"`
	Tier          string    `json:"tier,omitempty"`
	EffectiveFrom string    `json:"effectiveFrom"` // YYYY-MM-DD, São Paulo
	Currency      string    `json:"currency"`
	Type          PlanType  `json:"type"`
	RateBps       int64     `json:"rateBps,omitempty"`
	FlatAmount    int64     `json:"flatAmount,omitempty"`
	Months        int       `json:"months,omitempty"`
	Tiers         []Tier    `json:"tiers,omitempty"`
	TierMode      string    `json:"tierMode,omitempty"` // marginal | retroactive
	CapPerLead    int64     `json:"capPerLead,omitempty"`
	CapPerPeriod  int64     `json:"capPerPeriod,omitempty"`
	MinPayout     int64     `json:"minPayout,omitempty"`
	ClawbackDays  int       `json:"clawbackDays,omitempty"`
	ClawbackMode  string    `json:"clawbackMode,omitempty"` // full | pro_rata
	CreatedAt     time.Time `json:"createdAt"`
	CreatedBy     string    `json:"createdBy"`
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

var slug = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

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
	if len(p.Currency) != 3 || p.Currency != upper(p.Currency) {
		ve.Add("currency", "invalid", "must be an ISO 4217 code such as BRL")
	}
	rate := func() {
		if p.RateBps < 1 || p.RateBps > 10000 {
			ve.Add("rateBps", "out_of_range", "basis points from 1 to 10000 (100%%)")
		}
	}
	unused := map[string]bool{"rateBps": p.RateBps != 0, "flatAmount": p.FlatAmount != 0, "months": p.Months != 0, "tiers": len(p.Tiers) > 0, "tierMode": p.TierMode != ""}
	switch p.Type {
	case PercentOfDeal:
		rate()
		unused["rateBps"] = false
	case FlatPerWon, FlatPerQualified:
		if p.FlatAmount < 1 {
			ve.Add("flatAmount", "out_of_range", "a positive amount in minor units")
		}
		unused["flatAmount"] = false
	case RecurringPercent:
		rate()
		if p.Months < 1 || p.Months > 120 {
			ve.Add("months", "out_of_range", "from 1 to 120")
		}
		unused["rateBps"], unused["months"] = false, false
	case Tiered:
		p.validateTiers(&ve)
		unused["tiers"], unused["tierMode"] = false, false
	default:
		ve.Add("type", "invalid_enum", "one of percent_of_deal, flat_per_won, flat_per_qualified, recurring_percent, tiered")
	}
	for _, f := range []string{"rateBps", "flatAmount", "months", "tiers", "tierMode"} {
		if unused[f] {
			ve.Add(f, "not_allowed", "does not apply to type %s", p.Type)
		}
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
	if p.ClawbackDays > 0 && (p.Type == FlatPerQualified || p.Type == RecurringPercent) {
		ve.Add("clawbackDays", "not_allowed", "only deal-based one-off plans claw back; recurring pays only confirmed revenue")
	}
	return ve.OrNil()
}

func (p Plan) validateTiers(ve *validation.Error) {
	if p.TierMode != "marginal" && p.TierMode != "retroactive" {
		ve.Add("tierMode", "invalid_enum", "marginal or retroactive")
	}
	if len(p.Tiers) < 1 || len(p.Tiers) > 20 {
		ve.Add("tiers", "out_of_range", "1 to 20 tiers")
		return
	}
	var prevUpTo, prevRate int64
	for i, t := range p.Tiers {
		last := i == len(p.Tiers)-1
		switch {
		case t.RateBps < 0 || t.RateBps > 10000 || t.RateBps < prevRate:
			ve.Add("tiers", "invalid", "tier %d: rates from 0 to 10000 bps, never lower than the tier before", i+1)
		case last && t.UpTo != 0:
			ve.Add("tiers", "invalid", "the last tier has upTo 0 (no limit)")
		case !last && t.UpTo <= prevUpTo:
			ve.Add("tiers", "invalid", "tier %d: upTo must rise", i+1)
		}
		prevUpTo, prevRate = t.UpTo, t.RateBps
	}
}

// tierRate is the rate of the tier volume v falls in (bands are inclusive
// at their top: v == UpTo belongs to that tier).
func (p Plan) tierRate(v int64) int64 {
	for _, t := range p.Tiers {
		if t.UpTo == 0 || v <= t.UpTo {
			return t.RateBps
		}
	}
	return p.Tiers[len(p.Tiers)-1].RateBps
}

// tierTotal is what a period volume v earns in all: marginal pays each band
// at its own rate, retroactive pays all of v at the rate of v's band. A
// deal's commission is tierTotal(after) − tierTotal(before), so the
// period's entries always add up to tierTotal(volume).
func (p Plan) tierTotal(v int64) int64 {
	if v <= 0 {
		return 0
	}
	if p.TierMode == "retroactive" {
		return MulDiv(v, p.tierRate(v), 10000)
	}
	sum, lo := new(big.Int), int64(0)
	for _, t := range p.Tiers {
		hi := t.UpTo
		if hi == 0 || hi > v {
			hi = v
		}
		if hi > lo {
			sum.Add(sum, new(big.Int).Mul(big.NewInt(hi-lo), big.NewInt(t.RateBps)))
		}
		if hi == v {
			break
		}
		lo = hi
	}
	return roundDiv(sum, 10000)
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}
