package commission

import "testing"

func BenchmarkApply(b *testing.B) {
	p := planOf(Tiered, func(p *Plan) {
		p.Tiers, p.TierMode, p.CapPerLead, p.CapPerPeriod = []Tier{{UpTo: 100_000_00, RateBps: 500}, {UpTo: 500_000_00, RateBps: 700}, {RateBps: 1000}}, "marginal", 50_000_00, 900_000_00
	})
	periods := map[string]PeriodState{"2026-11": {Version: 3, Buckets: map[string]Bucket{p.Ref(): {Volume: 90_000_00, Base: 4_500_00, Leads: 4_500_00}}}}
	tr := wonTrigger("L.7", 25_000_00)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Apply(p, tr, LeadState{}, periods); err != nil {
			b.Fatal(err)
		}
	}
}
