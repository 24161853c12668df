package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/routing"
)

// simulate replays the last N leads, or a JSONL file of lead submissions,
// against a proposed rule set and prints the distribution. It writes nothing.
func simulate(ctx context.Context, cfg routing.Admin, recent routing.RecentLeads, rulesFile, leadsFile string, last int, out io.Writer) error {
	if rulesFile == "" {
		return errors.New("simulate needs --rules FILE (a rule set, as for PUT /v1/admin/routing/rules)")
	}
	rules, err := os.ReadFile(rulesFile)
	if err != nil {
		return err
	}
	req := routing.SimulationRequest{RuleSet: rules, Last: last}
	if leadsFile != "" {
		f, err := os.Open(leadsFile)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
				req.Leads = append(req.Leads, json.RawMessage(bytes.Clone(line)))
			}
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("%s: %w", leadsFile, err)
		}
		req.Last = 0
	}
	fmt.Fprintf(os.Stderr, "simulating %s against %d leads…\n", rulesFile, max(req.Last, len(req.Leads)))
	r, err := cfg.Simulate(ctx, req, recent, intake.ParseLead, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "rule set (proposed) against %d leads: %d unassigned; by path %v; by rule %v\n\n", r.Leads, r.Unassigned, r.ByPath, r.ByRule)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "OWNER\tLEADS\tWEIGHTED SHARE\tDEVIATION\t")
	for _, o := range r.Owners {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%+.2f\t\n", o.Owner, o.Count, o.Expected, o.Deviation)
	}
	return tw.Flush()
}
