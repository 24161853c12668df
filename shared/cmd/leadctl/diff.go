package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/commission"
)

// diff prints where a partner's ledger for a period differs from the
// recomputation, and fails when it does, so a script can alert on it.
func diff(ctx context.Context, svc commission.Service, partnerID, period string, out io.Writer) error {
	if period == "" {
		period = commission.PeriodOf(svc.Now())
	}
	d, err := svc.Diff(ctx, auth.Principal{Role: auth.RoleFinance, SubjectID: "leadctl"}, partnerID, period)
	if err != nil {
		return err
	}
	for cur, got := range d.Ledger {
		fmt.Fprintf(out, "partner %s, %s: ledger %s %s, recomputed %s %s (%d rows, %d lines and %d leads read)\n", d.PartnerID, d.Period,
			commission.Decimal(got, cur), cur, commission.Decimal(d.Recomputed[cur], cur), cur, d.Rows, d.LinesRead, d.LeadsRead)
	}
	if len(d.Differences) == 0 {
		fmt.Fprintln(out, "no differences")
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LEAD\tSIDE\tKIND\tAMOUNT\tPLAN\tEXPLANATION")
	for _, r := range d.Differences {
		who := r.LeadID
		if who == "" {
			who = "(period " + string(r.Kind) + ")"
		}
		fmt.Fprintf(tw, "%s\tdifference\t\t%s %s\t\t\n", who, commission.Decimal(r.Difference, r.Currency), r.Currency)
		for _, side := range []struct {
			name  string
			lines []commission.DiffLine
		}{{"ledger", r.Lines}, {"recomputed", r.Expected}} {
			for _, l := range side.lines {
				fmt.Fprintf(tw, "\t%s\t%s\t%s\t%s\t%s\n", side.name, l.Kind, commission.Decimal(l.Amount, r.Currency), l.Plan, strings.ReplaceAll(l.Explanation, "\t", " "))
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return fmt.Errorf("%d rows differ", len(d.Differences))
}
