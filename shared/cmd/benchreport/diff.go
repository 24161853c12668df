package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/partnerleads/pipeline/shared/aws/deployed"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

// diffBench seeds one partner-month of 10,000 ledger lines in the deployed
// ledger table (10,000 won deals, each lead's state with the input it
// recorded and its line, as the engine computed them) and times the recompute-and-diff of the month against the plain
// statement read of the same month, three times each.
func diffBench(ctx context.Context) ([]row, error) {
	const n, runs = 10_000, 3
	st, err := deployed.Open(ctx, stackinfo.DefaultStack)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	partner, period := storetest.Unique("ptn-diff-"), commission.PeriodOf(now)
	plan := commission.Plan{ID: partner, Version: 1, Name: "Diff bench", PartnerID: partner, EffectiveFrom: "2000-01-01", Currency: "BRL",
		Type: commission.PercentOfDeal, RateBps: 1000, ClawbackDays: 90, ClawbackMode: "full"}
	if err := st.Ledger.PutPlan(ctx, plan); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "    seeding %d ledger lines for one partner-month\n", n)
	states := make([]commission.LeadState, 0, n)
	for i := range n {
		id := fmt.Sprintf("01KDIFF%019d", i)
		tr := commission.Trigger{ID: id + ".7", Kind: commission.TriggerWon, LeadID: id, PartnerID: partner, At: now, Seq: 7,
			Deal: &lead.Deal{Value: lead.Money{Amount: int64(10_000 + i), Currency: "BRL"}, ContractStart: commission.DateOf(now)}}
		out, err := commission.Apply(&plan, tr, commission.LeadState{}, map[string]commission.PeriodState{})
		if err != nil {
			return nil, fmt.Errorf("seed %s: %w", id, err)
		}
		states = append(states, out.Lead) // percent plans keep no period figures the diff needs
	}
	if err := st.Ledger.Seed(ctx, states); err != nil {
		return nil, err
	}

	svc := commission.Service{Store: st.Ledger, Now: time.Now}
	fin := auth.Principal{Role: auth.RoleFinance, SubjectID: "bench"}
	var diffs, reads []time.Duration
	var d commission.Diff
	lines := 0
	for range runs {
		start := time.Now()
		s, err := svc.Statement(ctx, fin, period, partner)
		if err != nil {
			return nil, err
		}
		reads = append(reads, time.Since(start))
		lines = len(s.Partners[0].Lines)
		start = time.Now()
		if d, err = svc.Diff(ctx, fin, partner, period); err != nil {
			return nil, err
		}
		diffs = append(diffs, time.Since(start))
	}
	if lines != n || len(d.Differences) != 0 || d.LeadsRead != n {
		return nil, fmt.Errorf("the statement has %d lines and the diff %d differences over %d leads; want %d, 0, %d", lines, len(d.Differences), d.LeadsRead, n, n)
	}
	med := func(ds []time.Duration) float64 { slices.Sort(ds); return float64(ds[len(ds)/2].Milliseconds()) }
	return []row{
		{"Recompute-and-diff, one partner-month of 10k lines: ms", fmt.Sprintf("%.0f", med(diffs)), fmt.Sprintf("%.0f", med(reads)), ratio(med(diffs), med(reads)),
			"median of 3; baseline: the plain statement read of the same month (GET /v1/commissions?partnerId=)"},
		{"Recompute-and-diff, one partner-month of 10k lines: items read", fmt.Sprint(d.LinesRead + d.LeadsRead), fmt.Sprint(lines), ratio(float64(d.LinesRead+d.LeadsRead), float64(lines)),
			"every line of the partner, then one lead state per lead (its recorded inputs); baseline: the statement's lines"},
	}, nil
}
