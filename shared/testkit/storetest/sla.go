package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/metrics"
	"github.com/partnerleads/pipeline/shared/domain/sla"
)

// RunDueIndex checks an sla.Index: only due steps come back, oldest first;
// an older lead version never overwrites or clears a newer one.
func RunDueIndex(t *testing.T, x sla.Index) {
	ctx := context.Background()
	run := fmt.Sprintf("%d", time.Now().UnixNano())
	// Far in the past, so that no other run's or stack's items come first.
	base := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(time.Now().UnixNano()%1e6) * time.Minute)
	pending := func(id string, version int64, due time.Duration) sla.Pending {
		return sla.Pending{LeadID: run + id, PartnerID: "p", Version: version, Status: lead.StatusAssigned, OwnerID: "a",
			Program: sla.DefaultProgram, Action: sla.Remind, DueAt: base.Add(due), IdleSince: base}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(x.Put(ctx, pending("-a", 2, time.Minute)))
	must(x.Put(ctx, pending("-b", 3, 2*time.Minute)))
	must(x.Put(ctx, pending("-c", 2, time.Hour))) // not due
	must(x.Put(ctx, pending("-d", 5, 3*time.Minute)))
	must(x.Put(ctx, pending("-d", 4, 0))) // an older version: ignored
	must(x.Put(ctx, pending("-e", 2, 4*time.Minute)))
	must(x.Clear(ctx, run+"-e", 3))       // closed at version 3
	must(x.Put(ctx, pending("-e", 2, 0))) // a retried old record: stays out
	due, err := x.Due(ctx, base.Add(10*time.Minute), 0)
	must(err)
	var got []string
	for _, p := range due {
		if len(p.LeadID) > len(run) && p.LeadID[:len(run)] == run {
			got = append(got, p.LeadID[len(run):]+fmt.Sprintf("@v%d", p.Version))
		}
	}
	if fmt.Sprint(got) != "[-a@v2 -b@v3 -d@v5]" {
		t.Fatalf("due: %v, want [-a@v2 -b@v3 -d@v5]", got)
	}
	// Clean up: take this run's items out of the index.
	for _, id := range []string{"-a", "-b", "-c", "-d"} {
		must(x.Clear(ctx, run+id, 9))
	}
}

// RunMetrics checks a metrics.Store: a lead version counts once, older
// versions not at all, and every partner's days and gauges read back.
func RunMetrics(t *testing.T, m metrics.Store) {
	ctx := context.Background()
	run := fmt.Sprintf("%d", time.Now().UnixNano())
	p1, p2 := "p1-"+run, "p2-"+run
	delta := func(p, date string, c metrics.Counters) metrics.Delta {
		return metrics.Delta{PartnerID: p, Date: date, Add: c}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	created := []metrics.Delta{delta(p1, "2031-05-30", metrics.Counters{metrics.Received: 1, metrics.Entered(lead.StatusNew): 1, metrics.Idle: 1})}
	for range 3 { // a retried stream record
		must(m.Apply(ctx, "L1-"+run, 1, created))
	}
	moved := []metrics.Delta{
		delta(p1, "2031-05-30", metrics.Counters{metrics.Idle: -1}),
		delta(p1, "2031-06-02", metrics.Counters{metrics.Entered(lead.StatusAssigned): 1, metrics.Idle: 1}),
	}
	must(m.Apply(ctx, "L1-"+run, 2, moved))
	must(m.Apply(ctx, "L1-"+run, 1, created)) // older than what was applied
	must(m.Apply(ctx, "L2-"+run, 1, []metrics.Delta{delta(p2, "2031-06-01", metrics.Counters{metrics.Received: 1, metrics.Idle: 1})}))

	days, err := m.Days(ctx, p1, "2031-05-01", "2031-06-30")
	must(err)
	sum := metrics.Counters{}
	for _, d := range days {
		for k, v := range d.Counters {
			sum[k] += v
		}
	}
	if sum[metrics.Received] != 1 || sum[metrics.Entered(lead.StatusNew)] != 1 || sum[metrics.Entered(lead.StatusAssigned)] != 1 || len(days) != 2 {
		t.Fatalf("p1 days: %+v", days)
	}
	all, err := m.Days(ctx, "", "2031-05-30", "2031-06-02")
	must(err)
	seen := map[string]bool{}
	for _, d := range all {
		seen[d.PartnerID] = true
	}
	if !seen[p1] || !seen[p2] {
		t.Fatalf("every partner's days: %+v", all)
	}
	g, err := m.Gauges(ctx, p1)
	must(err)
	if len(g) != 1 || g[0].ByDate["2031-05-30"] != 0 || g[0].ByDate["2031-06-02"] != 1 {
		t.Fatalf("p1 gauge: %+v", g)
	}
	r := metrics.Report{PartnerID: p1, Week: "2031-05-26", Indicators: metrics.Indicators{Received: 1}}
	must(m.PutReport(ctx, r))
	back, err := m.GetReport(ctx, p1, "2031-05-26")
	if err != nil || back.Indicators.Received != 1 {
		t.Fatalf("report: %+v %v", back, err)
	}
	if _, err := m.GetReport(ctx, p2, "2031-05-26"); err != metrics.ErrNoReport {
		t.Fatalf("missing report: %v", err)
	}
}
