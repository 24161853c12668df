package commission

import (
	"errors"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

var at = time.Date(2026, 11, 10, 15, 0, 0, 0, time.UTC)

func brl(n int64) lead.Money { return lead.Money{Amount: n, Currency: "BRL"} }

func planOf(t PlanType, f func(*Plan)) *Plan {
	p := &Plan{ID: "p", Version: 1, Name: "p", PartnerID: "ptn", EffectiveFrom: "2026-01-01", Currency: "BRL", Type: t}
	if f != nil {
		f(p)
	}
	return p
}

func wonTrigger(id string, value int64) Trigger {
	return Trigger{ID: id, Kind: TriggerWon, LeadID: "L", PartnerID: "ptn", At: at,
		Deal: &lead.Deal{Value: brl(value), ContractStart: "2026-11-01"}}
}

// run applies triggers in order, carrying state, and returns every entry.
func run(t *testing.T, p *Plan, ts ...Trigger) ([]Entry, LeadState, map[string]PeriodState) {
	t.Helper()
	var ls LeadState
	periods := map[string]PeriodState{}
	var all []Entry
	for _, tr := range ts {
		out, err := Apply(p, tr, ls, periods)
		if err != nil {
			t.Fatalf("%s: %v", tr.ID, err)
		}
		if !out.Duplicate {
			all = append(all, out.Entries...)
		}
		ls = out.Lead
		for k, v := range out.Periods {
			periods[k] = v
		}
	}
	return all, ls, periods
}

func sum(es []Entry) (n int64) {
	for _, e := range es {
		n += e.Amount
	}
	return n
}

func TestPlanTypes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		plan *Plan
		ts   []Trigger
		want int64
	}{
		{"percent of deal", planOf(PercentOfDeal, func(p *Plan) { p.RateBps = 1000 }), []Trigger{wonTrigger("L.7", 1234_56)}, 123_46},
		{"rounding: half away from zero", planOf(PercentOfDeal, func(p *Plan) { p.RateBps = 50 }), []Trigger{wonTrigger("L.7", 1_00)}, 1},
		{"rounding: below half goes down", planOf(PercentOfDeal, func(p *Plan) { p.RateBps = 49 }), []Trigger{wonTrigger("L.7", 1_00)}, 0},
		{"flat per won", planOf(FlatPerWon, func(p *Plan) { p.FlatAmount = 500_00 }), []Trigger{wonTrigger("L.7", 1_00)}, 500_00},
		{"flat per qualified, once", planOf(FlatPerQualified, func(p *Plan) { p.FlatAmount = 50_00 }), []Trigger{
			{ID: "L.4", Kind: TriggerQualified, LeadID: "L", PartnerID: "ptn", At: at},
			{ID: "L.6", Kind: TriggerQualified, LeadID: "L", PartnerID: "ptn", At: at},
		}, 50_00},
		{"per-lead cap", planOf(PercentOfDeal, func(p *Plan) { p.RateBps = 1000; p.CapPerLead = 300_00 }), []Trigger{wonTrigger("L.7", 10000_00)}, 300_00},
		{"duplicate won counts once", planOf(PercentOfDeal, func(p *Plan) { p.RateBps = 1000 }), []Trigger{wonTrigger("L.7", 1000_00), wonTrigger("L.7", 1000_00)}, 100_00},
		{"won → reopened → won nets one commission", planOf(PercentOfDeal, func(p *Plan) { p.RateBps = 1000 }), []Trigger{
			wonTrigger("L.7", 1000_00),
			{ID: "L.8", Kind: TriggerReopened, LeadID: "L", PartnerID: "ptn", At: at},
			wonTrigger("L.9", 1200_00),
		}, 120_00},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			es, _, _ := run(t, c.plan, c.ts...)
			if got := sum(es); got != c.want {
				t.Fatalf("total %d, want %d: %+v", got, c.want, es)
			}
			for _, e := range es {
				if e.Explanation == "" || e.PlanID != "p" || e.PlanVersion != 1 || e.TriggerID == "" || e.State != StateAccrued {
					t.Fatalf("line does not explain itself: %+v", e)
				}
			}
		})
	}
}

func TestClawbackWindow(t *testing.T) {
	t.Parallel()
	cancel := func(date string) Trigger {
		return Trigger{ID: "L.cancelled", Kind: TriggerCancelled, LeadID: "L", PartnerID: "ptn", At: at, Date: date}
	}
	full := planOf(PercentOfDeal, func(p *Plan) { p.RateBps = 1000; p.ClawbackDays = 90; p.ClawbackMode = "full" })
	prorata := planOf(PercentOfDeal, func(p *Plan) { p.RateBps = 1000; p.ClawbackDays = 90; p.ClawbackMode = "pro_rata" })
	cases := []struct {
		name string
		plan *Plan
		date string // contract started 2026-11-01
		want int64  // net after the cancellation
	}{
		{"day 89, full", full, "2027-01-29", 0},
		{"day 90 is inside, full", full, "2027-01-30", 0},
		{"day 91, outside", full, "2027-01-31", 900_00},
		{"day 89, pro rata keeps 89/90", prorata, "2027-01-29", 900_00 - MulDiv(900_00, 1, 90)},
		{"day 0, pro rata takes all", prorata, "2026-11-01", 0},
		{"day 91, pro rata outside", prorata, "2027-01-31", 900_00},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			es, _, _ := run(t, c.plan, wonTrigger("L.7", 9000_00), cancel(c.date), cancel(c.date))
			if got := sum(es); got != c.want {
				t.Fatalf("net %d, want %d: %+v", got, c.want, es)
			}
		})
	}
	if _, err := Apply(full, cancel("2027-01-01"), LeadState{}, nil); !errors.Is(err, ErrNotWon) {
		t.Fatalf("cancel a lead never won: %v", err)
	}
}

func TestTiers(t *testing.T) {
	t.Parallel()
	tiers := []Tier{{UpTo: 100_000_00, RateBps: 500}, {UpTo: 500_000_00, RateBps: 700}, {RateBps: 1000}}
	marginal := planOf(Tiered, func(p *Plan) { p.Tiers, p.TierMode = tiers, "marginal" })
	retro := planOf(Tiered, func(p *Plan) { p.Tiers, p.TierMode = tiers, "retroactive" })
	if err := marginal.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		plan  *Plan
		deals []int64
		want  int64
		bonus int64 // the period's tier bonus lines in all
	}{
		{"exactly at the first boundary stays in tier 1", marginal, []int64{100_000_00}, 5_000_00, 0},
		{"one cent over: the cent pays tier 2", marginal, []int64{100_000_00, 1}, 5_000_00, 0},              // 0.07 cents rounds to 0
		{"marginal across two bands", marginal, []int64{60_000_00, 60_000_00}, 5_000_00 + 1_400_00, 400_00}, // 100k at 5% + 20k at 7%
		{"retroactive at the boundary", retro, []int64{100_000_00}, 5_000_00, 0},
		{"retroactive tops up earlier deals", retro, []int64{60_000_00, 60_000_00}, 8_400_00, 2_400_00}, // 120k at 7%, 6k paid at 5%
		{"retroactive into the top band", retro, []int64{400_000_00, 200_000_00}, 60_000_00, 30_000_00},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var all []Entry
			periods := map[string]PeriodState{}
			for i, v := range c.deals {
				tr := wonTrigger("L"+itoa(int64(i))+".7", v)
				tr.LeadID = "L" + itoa(int64(i))
				out, err := Apply(c.plan, tr, LeadState{}, periods)
				if err != nil {
					t.Fatal(err)
				}
				for k, v := range out.Periods {
					periods[k] = v
				}
				all = append(all, out.Entries...)
			}
			var bonus int64
			for _, e := range all {
				switch {
				case e.Kind == KindTierBonus && e.LeadID == "":
					bonus += e.Amount
				case e.Kind != KindAccrual || e.RateBps != 500 || e.Amount != MulDiv(e.Base, 500, 10000):
					t.Fatalf("a deal's line is not at the first tier's rate: %+v", e)
				}
			}
			if got := sum(all); got != c.want || bonus != c.bonus {
				t.Fatalf("total %d (want %d), tier bonus %d (want %d): %+v", got, c.want, bonus, c.bonus, all)
			}
		})
	}
}

func TestPeriodCapCurrencyAndRecurring(t *testing.T) {
	t.Parallel()
	capped := planOf(PercentOfDeal, func(p *Plan) { p.RateBps = 1000; p.CapPerPeriod = 150_00 })
	periods := map[string]PeriodState{}
	var total int64
	for i, v := range []int64{1000_00, 1000_00, 1000_00} {
		tr := wonTrigger("X"+itoa(int64(i))+".7", v)
		tr.LeadID = "X" + itoa(int64(i))
		out, err := Apply(capped, tr, LeadState{}, periods)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range out.Periods {
			periods[k] = v
		}
		total += sum(out.Entries)
	}
	if total != 150_00 {
		t.Fatalf("period cap: %d", total)
	}

	usd := wonTrigger("L.7", 100_00)
	usd.Deal.Value.Currency = "USD"
	var cm *CurrencyMismatchError
	if _, err := Apply(capped, usd, LeadState{}, nil); !errors.As(err, &cm) {
		t.Fatalf("currency mismatch: %v", err)
	}
	if _, err := Apply(nil, wonTrigger("L.7", 1), LeadState{}, nil); !errors.Is(err, ErrNoPlan) {
		t.Fatalf("no plan: %v", err)
	}

	rec := planOf(RecurringPercent, func(p *Plan) { p.RateBps = 1000; p.Months = 3 })
	revenue := func(month string, amount int64) Trigger {
		return Trigger{ID: "L.revenue." + month, Kind: TriggerRevenue, LeadID: "L", PartnerID: "ptn", At: at, Month: month, Revenue: &lead.Money{Amount: amount, Currency: "BRL"}}
	}
	es, _, _ := run(t, rec, wonTrigger("L.7", 1),
		revenue("2026-11", 1000_00), revenue("2026-11", 1000_00), // a duplicate confirmation
		revenue("2026-12", 1000_00), revenue("2027-01", 1000_00),
		revenue("2027-02", 1000_00), // month 4 of 3
		revenue("2026-10", 1000_00), // before the contract
	)
	if sum(es) != 300_00 || len(es) != 3 || es[0].Kind != KindRecurring {
		t.Fatalf("recurring: %+v", es)
	}
	es, _, _ = run(t, rec, wonTrigger("L.7", 1), revenue("2026-11", 1000_00),
		Trigger{ID: "L.cancelled", Kind: TriggerCancelled, LeadID: "L", PartnerID: "ptn", At: at, Date: "2026-11-20"},
		revenue("2026-12", 1000_00))
	if sum(es) != 100_00 {
		t.Fatalf("revenue after cancellation: %+v", es)
	}
}

func TestReopenTakesTheDealOutOfTheTierVolume(t *testing.T) {
	t.Parallel()
	p := planOf(Tiered, func(p *Plan) {
		p.Tiers, p.TierMode = []Tier{{UpTo: 100_00, RateBps: 100}, {RateBps: 200}}, "retroactive"
	})
	_, ls, periods := run(t, p, wonTrigger("L.7", 150_00), Trigger{ID: "L.8", Kind: TriggerReopened, LeadID: "L", PartnerID: "ptn", At: at})
	if b := periods["2026-11"].Buckets[p.Ref()]; b != (Bucket{}) || ls.Net != 0 || ls.Won != nil {
		t.Fatalf("after reopen: %+v %+v", b, ls)
	}
}

func TestMulDivAndDecimal(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ a, n, d, want int64 }{
		{5, 1, 10, 1}, {-5, 1, 10, -1}, {4, 1, 10, 0}, {-4, 1, 10, 0}, {15, 1, 10, 2}, {1 << 62, 10000, 10000, 1 << 62},
	} {
		if got := MulDiv(c.a, c.n, c.d); got != c.want {
			t.Errorf("MulDiv(%d,%d,%d) = %d, want %d", c.a, c.n, c.d, got, c.want)
		}
	}
	for _, c := range []struct {
		v    int64
		cur  string
		want string
	}{{123456, "BRL", "1234.56"}, {-5, "BRL", "-0.05"}, {0, "USD", "0.00"}, {1500, "JPY", "1500"}, {1, "KWD", "0.001"}} {
		if got := Decimal(c.v, c.cur); got != c.want {
			t.Errorf("Decimal(%d %s) = %q, want %q", c.v, c.cur, got, c.want)
		}
	}
}
