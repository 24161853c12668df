package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/partnerleads/pipeline/shared/aws/deployed"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// diffLines is the partner-month the diff is measured on (issue 19).
const diffLines = 10_000

// diffCost wins 10,000 deals for one partner in one month through the
// engine against the deployed ledger, then times the recompute-and-diff
// of that month beside the plain statement read of the same month.
func diffCost(ctx context.Context) ([]row, error) {
	st, err := deployed.Open(ctx, stackinfo.DefaultStack)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	partner := fmt.Sprintf("bench-diff-%d", now.UnixNano())
	start := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, time.UTC)
	svc := commission.Service{Store: st.Ledger, Now: time.Now}
	plan := commission.Plan{ID: partner, Version: 1, Name: "bench", PartnerID: partner, EffectiveFrom: start.AddDate(0, 0, -1).Format(time.DateOnly),
		Currency: "BRL", Type: "flat_per_won", FlatAmount: 5000, CreatedAt: now, CreatedBy: "bench"}
	if err := st.Ledger.PutPlan(ctx, plan); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "    winning %d deals, one engine transaction each\n", diffLines)
	for i := range diffLines {
		id := fmt.Sprintf("%s-%05d", partner, i)
		at := start.Add(time.Duration(i) * time.Second)
		t := commission.Trigger{ID: id + ".3", Kind: commission.TriggerWon, LeadID: id, PartnerID: partner, At: at, Seq: 3,
			Deal: &lead.Deal{Value: lead.Money{Amount: 100000, Currency: "BRL"}, ContractStart: at.Format(time.DateOnly)}}
		if _, err := svc.Process(ctx, t); err != nil {
			return nil, fmt.Errorf("deal %d: %w", i, err)
		}
		if (i+1)%2000 == 0 {
			fmt.Fprintf(os.Stderr, "    %d/%d\n", i+1, diffLines)
		}
	}
	finance := auth.Principal{Role: auth.RoleFinance, SubjectID: "bench"}
	period := commission.PeriodOf(start)
	t0 := time.Now()
	s, err := svc.Statement(ctx, finance, period, partner)
	if err != nil {
		return nil, err
	}
	read := time.Since(t0)
	t0 = time.Now()
	d, err := svc.Diff(ctx, finance, partner, period)
	if err != nil {
		return nil, err
	}
	diff := time.Since(t0)
	lines := 0
	for _, p := range s.Partners {
		lines += len(p.Lines)
	}
	if lines != diffLines || d.LinesRead != diffLines || len(d.Differences) != 0 {
		return nil, fmt.Errorf("statement %d lines, diff read %d with %d differences; want %d lines and none", lines, d.LinesRead, len(d.Differences), diffLines)
	}
	note := fmt.Sprintf("one partner-month of %d ledger lines (flat per won), 0 differences; baseline: the statement of the same month", diffLines)
	return []row{
		{"Commission diff, 10k lines (ms)", ms(diff), ms(read), ratio(float64(diff), float64(read)), note},
		{"Commission diff, 10k lines: items read", fmt.Sprint(d.LinesRead + d.LeadsRead), fmt.Sprint(lines), ratio(float64(d.LinesRead+d.LeadsRead), float64(lines)),
			"the partner's ledger lines plus each lead's recorded inputs; baseline: the statement's lines"},
	}, nil
}
