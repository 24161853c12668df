package commission

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Tiered pays rates by the partner's won volume in the period: Tiers are
// the bands, TierMode how a band's rate applies.
const Tiered PlanType = "tiered"

type tiered struct{}

func (tiered) Name() PlanType   { return Tiered }
func (tiered) Fields() []string { return []string{"tiers", "tierMode"} }

func (tiered) Validate(p Plan, ve *validation.Error) {
	if _, ok := tierModeOf(p.TierMode); !ok {
		ve.Add("tierMode", "invalid_enum", "%s", tierModeChoices())
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

// onWon pays the deal at the first tier's rate and adds it to the period's
// tier volume; the period's tier bonus line pays the rest of what the
// volume earns (Bucket), so the deal's own line never depends on which
// deals came before it.
func (tiered) onWon(a *applier, p Plan, w *WonDeal) error {
	if _, ok := tierModeOf(p.TierMode); !ok {
		return fmt.Errorf("plan %s: unknown tier mode %q", p.Ref(), p.TierMode)
	}
	v, rate := w.Deal.Value.Amount, p.Tiers[0].RateBps
	base := MulDiv(v, rate, 10000)
	w.Volume, w.Base = v, base
	a.bucket(w.Period, p, func(b *Bucket) { b.Volume, b.Base = b.Volume+v, b.Base+base })
	a.add(KindAccrual, p, v, rate, base, "",
		fmt.Sprintf("tiered (%s): %s of the deal value %s %s at the first tier's rate; the period's tier bonus pays the rest", p.TierMode, percent(rate), Decimal(v, p.Currency), p.Currency))
	return nil
}

// tierModes are how a period's won volume earns in all.
var tierModes = []tierMode{
	{"marginal", marginalTotal},
	{"retroactive", retroactiveTotal},
}

type tierMode struct {
	name  string
	total func(p Plan, v int64) int64 // v > 0
}

func tierModeOf(name string) (tierMode, bool) {
	for _, m := range tierModes {
		if m.name == name {
			return m, true
		}
	}
	return tierMode{}, false
}

func tierModeChoices() string {
	names := make([]string, len(tierModes))
	for i, m := range tierModes {
		names[i] = m.name
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// earned is what a period volume v earns in all.
func (m tierMode) earned(p Plan, v int64) int64 {
	if v <= 0 {
		return 0
	}
	return m.total(p, v)
}

// retroactiveTotal pays all of v at the rate of v's band.
func retroactiveTotal(p Plan, v int64) int64 { return MulDiv(v, p.tierRate(v), 10000) }

// marginalTotal pays each band at its own rate.
func marginalTotal(p Plan, v int64) int64 {
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
