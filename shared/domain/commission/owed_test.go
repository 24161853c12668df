package commission

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// The scenario finance fought over: a retroactive tier of 10% up to 100.00
// and 20% above; two deals of 100.00 won in a month net 40.00; one is
// reopened and the partner is owed 10% of the surviving 100.00, whichever
// of the two is reopened. A clawback inside the window lowers the tier the
// same way.
func TestRetroactiveTierAfterAReopenOrClawback(t *testing.T) {
	t.Parallel()
	p := planOf(Tiered, func(p *Plan) {
		p.Tiers, p.TierMode, p.ClawbackDays, p.ClawbackMode = []Tier{{UpTo: 100_00, RateBps: 1000}, {RateBps: 2000}}, "retroactive", 90, "full"
	})
	won := func(leadID string, seq int64) Trigger {
		tr := wonTrigger(fmt.Sprintf("%s.%d", leadID, seq), 100_00)
		tr.LeadID, tr.Seq = leadID, seq
		return tr
	}
	reopen := func(leadID string, seq int64) Trigger {
		return Trigger{ID: fmt.Sprintf("%s.%d", leadID, seq), Kind: TriggerReopened, LeadID: leadID, PartnerID: "ptn", At: at.Add(time.Hour), Seq: seq}
	}
	cancel := func(leadID string) Trigger {
		return Trigger{ID: leadID + ".cancelled.8", Kind: TriggerCancelled, LeadID: leadID, PartnerID: "ptn", At: at.Add(time.Hour),
			Date: "2026-11-20", Deal: &lead.Deal{Value: brl(100_00), ContractStart: "2026-11-01"}, Seq: 8}
	}
	for _, c := range []struct {
		name string
		ts   []Trigger
		want int64
	}{
		{"two deals", []Trigger{won("A", 7), won("B", 7)}, 40_00},
		{"the second reopened", []Trigger{won("A", 7), won("B", 7), reopen("B", 8)}, 10_00},
		{"the first reopened", []Trigger{won("A", 7), won("B", 7), reopen("A", 8)}, 10_00},
		{"the first clawed back", []Trigger{won("A", 7), won("B", 7), cancel("A")}, 10_00},
		{"reopened and won again", []Trigger{won("A", 7), won("B", 7), reopen("A", 8), won("A", 9)}, 40_00},
		{"won again delivered before the reopen", []Trigger{won("A", 7), won("B", 7), won("A", 9), reopen("A", 8)}, 40_00},
		{"the reopen delivered before the won", []Trigger{won("B", 7), reopen("A", 8), won("A", 7)}, 10_00},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ledger, _ := deliver(t, p, c.ts)
			if got := sum(ledger); got != c.want {
				t.Fatalf("the statement nets %s, want %s: %+v", Decimal(got, "BRL"), Decimal(c.want, "BRL"), ledger)
			}
		})
	}
}

// deliver applies triggers in the order given, the way Process does
// (state carried, a trigger about a deal not applied yet retried after the
// others, until retrying changes nothing), and returns the ledger and what
// was applied.
func deliver(t *testing.T, p *Plan, ts []Trigger) (ledger []Entry, applied []Trigger) {
	t.Helper()
	leads := map[string]LeadState{}
	periods := map[string]PeriodState{}
	queue := append([]Trigger(nil), ts...)
	for waiting := 0; len(queue) > 0 && waiting <= len(queue); {
		tr := queue[0]
		queue = queue[1:]
		out, err := Apply(p, tr, leads[tr.LeadID], periods)
		if errors.Is(err, ErrWonNotApplied) {
			queue = append(queue, tr)
			waiting++
			continue
		}
		waiting = 0
		if err != nil {
			t.Fatalf("%s: %v", tr.ID, err)
		}
		leads[tr.LeadID] = out.Lead
		maps.Copy(periods, out.Periods)
		if !out.Duplicate {
			ledger = append(ledger, out.Entries...)
			applied = append(applied, tr)
		}
	}
	return ledger, applied
}

// story is one lead's commission-side events, in the order they happened.
type story struct {
	events []Trigger
	final  *lead.Deal // the deal the lead ends won with, if any
	wonAt  time.Time
	cancel string // the cancellation date, if cancelled
}

func randomStory(rng *rand.Rand, leadID string, start time.Time) story {
	var s story
	seq, clock := int64(2), start
	next := func() (int64, time.Time) {
		seq += int64(1 + rng.IntN(3))
		clock = clock.Add(time.Duration(1+rng.IntN(20*24)) * time.Hour) // across month ends too
		return seq, clock
	}
	won := func() {
		n, at := next()
		d := &lead.Deal{Value: brl(int64(1+rng.IntN(250)) * 1_00), ContractStart: DateOf(at)}
		s.events = append(s.events, Trigger{ID: fmt.Sprintf("%s.%d", leadID, n), Kind: TriggerWon, LeadID: leadID, PartnerID: "ptn", At: at, Seq: n, Deal: d})
		s.final, s.wonAt = d, at
	}
	reopen := func() {
		n, at := next()
		s.events = append(s.events, Trigger{ID: fmt.Sprintf("%s.%d", leadID, n), Kind: TriggerReopened, LeadID: leadID, PartnerID: "ptn", At: at, Seq: n})
		s.final = nil
	}
	won()
	for range rng.IntN(3) {
		reopen()
		won()
	}
	if rng.IntN(4) == 0 {
		reopen()
	}
	if s.final != nil && rng.IntN(2) == 0 {
		n, at := next()
		start, _ := time.Parse(lead.DateLayout, s.final.ContractStart)
		s.cancel = start.AddDate(0, 0, rng.IntN(45)).Format(lead.DateLayout)
		s.events = append(s.events, Trigger{ID: fmt.Sprintf("%s.cancelled.%d", leadID, n), Kind: TriggerCancelled, LeadID: leadID, PartnerID: "ptn",
			At: at, Date: s.cancel, Deal: s.final, Seq: n})
	}
	return s
}

func randomPlan(rng *rand.Rand) *Plan {
	return planOf([]PlanType{PercentOfDeal, FlatPerWon, Tiered, Tiered}[rng.IntN(4)], func(p *Plan) {
		switch p.Type {
		case PercentOfDeal:
			p.RateBps = 1000
		case FlatPerWon:
			p.FlatAmount = 15_00
		default:
			p.Tiers = []Tier{{UpTo: 100_00, RateBps: 1000}, {UpTo: 300_00, RateBps: 1500}, {RateBps: 2000}}
			p.TierMode = []string{"marginal", "retroactive"}[rng.IntN(2)]
		}
		p.CapPerLead = []int64{0, 20_00}[rng.IntN(2)]
		p.CapPerPeriod = []int64{0, 60_00}[rng.IntN(2)]
		if rng.IntN(3) > 0 {
			p.ClawbackDays, p.ClawbackMode = 30, []string{"full", "pro_rata"}[rng.IntN(2)]
		}
	})
}

// expected is the closed form of what the stories owe, independent of the
// engine: each lead its final deal's line, held to the per-lead cap, less
// the clawback's share; each period its leads plus the tier bonus on the
// kept volume, held to the period cap.
func expected(p Plan, stories map[string]story) Owed {
	o := Owed{ByLead: map[string]int64{}, ByPeriod: map[string]int64{}}
	type sums struct{ leads, volume, base int64 }
	byPeriod := map[string]*sums{}
	for id, s := range stories {
		o.ByLead[id] = 0
		if s.final == nil {
			continue
		}
		v := s.final.Value.Amount
		var line, base int64
		switch p.Type {
		case PercentOfDeal:
			line = MulDiv(v, p.RateBps, 10000)
		case FlatPerWon:
			line = p.FlatAmount
		default:
			line, base = MulDiv(v, p.Tiers[0].RateBps, 10000), MulDiv(v, p.Tiers[0].RateBps, 10000)
		}
		if p.CapPerLead > 0 {
			line = min(line, p.CapPerLead)
		}
		kept := func(x int64) int64 { return x }
		if s.cancel != "" && p.ClawbackDays > 0 {
			if d, _ := daysBetween(s.final.ContractStart, s.cancel); d <= p.ClawbackDays {
				if p.ClawbackMode == "full" {
					kept = func(int64) int64 { return 0 }
				} else {
					kept = func(x int64) int64 { return x - MulDiv(x, int64(p.ClawbackDays-d), int64(p.ClawbackDays)) }
				}
			}
		}
		o.ByLead[id] = kept(line)
		period := PeriodOf(s.wonAt)
		if byPeriod[period] == nil {
			byPeriod[period] = &sums{}
		}
		ps := byPeriod[period]
		ps.leads += kept(line)
		if p.Type == Tiered {
			ps.volume += kept(v)
			ps.base += kept(base)
		}
	}
	for period, ps := range byPeriod {
		total := ps.leads
		if p.Type == Tiered {
			mode, _ := tierModeOf(p.TierMode)
			total += mode.earned(p, ps.volume) - ps.base
		}
		if p.CapPerPeriod > 0 {
			total = min(total, p.CapPerPeriod)
		}
		o.ByPeriod[period] = total
	}
	return o
}

// equalOwed compares per lead and per period, periods that net 0 included.
func equalOwed(a, b Owed) bool {
	for _, m := range [][2]map[string]int64{{a.ByLead, b.ByLead}, {a.ByPeriod, b.ByPeriod}} {
		for k := range maps.Keys(m[0]) {
			if m[0][k] != m[1][k] {
				return false
			}
		}
		for k := range maps.Keys(m[1]) {
			if m[0][k] != m[1][k] {
				return false
			}
		}
	}
	return true
}

// Property: random won / reopened / won-again / cancelled stories over
// several leads, under tiered, percent and flat plans with caps and
// clawback windows, each event delivered one to three times in a random
// order: after every delivery the ledger adds up, per lead and per period,
// to Recompute over what was applied; at the end also to the closed form.
func TestTheLedgerAlwaysEqualsTheRecomputation(t *testing.T) {
	t.Parallel()
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 19))
		p := randomPlan(rng)
		if err := p.Validate(); err != nil {
			t.Fatalf("seed %d: the generated plan is invalid: %v", seed, err)
		}
		stories := map[string]story{}
		var deliveries []Trigger
		for i := range 2 + rng.IntN(5) {
			id := fmt.Sprintf("L%d", i)
			s := randomStory(rng, id, at.Add(time.Duration(rng.IntN(30*24))*time.Hour))
			stories[id] = s
			for _, ev := range s.events {
				for range 1 + rng.IntN(3) {
					deliveries = append(deliveries, ev)
				}
			}
		}
		rng.Shuffle(len(deliveries), func(i, j int) { deliveries[i], deliveries[j] = deliveries[j], deliveries[i] })
		planAt := func(string, time.Time) *Plan { return p }
		ledger, applied := []Entry(nil), []Trigger(nil)
		for n := range deliveries {
			ledger, applied = deliver(t, p, deliveries[:n+1])
			want, err := Recompute(planAt, applied)
			if err != nil {
				t.Fatalf("seed %d: recompute: %v", seed, err)
			}
			if got, want := OwedBy(ledger), OwedBy(want); !equalOwed(got, want) {
				t.Fatalf("seed %d, plan %+v, after %d deliveries:\nledger     %+v\nrecomputed %+v\nlines %+v", seed, *p, n+1, got, want, ledger)
			}
		}
		if got, want := OwedBy(ledger), expected(*p, stories); !equalOwed(got, want) {
			t.Fatalf("seed %d, plan %+v: ledger %+v, the closed form %+v\nstories %+v\nlines %+v", seed, *p, got, want, stories, ledger)
		}
	}
}
