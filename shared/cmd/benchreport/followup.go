package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/aws/deployed"
	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/metricsdb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/sladb"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/metrics"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

var sizes = []int{1_000, 10_000, 100_000}

// scanCost seeds 1k, 10k and 100k leads' SLA items into a scratch due
// table, always with the same 50 due, and counts what one scan reads. The
// baseline is the due set itself: a perfect scan reads exactly it.
func scanCost(ctx context.Context) ([]row, error) {
	st, err := deployed.Open(ctx, stackinfo.DefaultStack)
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(st.Cfg)
	table, drop, err := dynamo.CreateScratchLeadsTable(ctx, db)
	if err != nil {
		return nil, err
	}
	defer drop()
	const due = 50
	now := time.Now().UTC()
	var rows []row
	seeded := 0
	for _, n := range sizes {
		fmt.Fprintf(os.Stderr, "    seeding SLA items to %d\n", n)
		if err := storetest.SeedDue(ctx, sladb.NewDueIndex(db, table).Seed, seeded, n, due, now); err != nil {
			return nil, err
		}
		seeded = n
		x := sladb.NewDueIndex(db, table)
		start := time.Now()
		got, err := x.Due(ctx, now, 0)
		if err != nil {
			return nil, err
		}
		took := time.Since(start)
		if len(got) != due {
			return nil, fmt.Errorf("%d leads: the scan found %d due, want %d", n, len(got), due)
		}
		rows = append(rows, row{fmt.Sprintf("SLA scan, %dk leads, 50 due: items read", n/1000), fmt.Sprint(x.ReadItems), fmt.Sprint(due),
			ratio(float64(x.ReadItems), due), fmt.Sprintf("16 shard queries on the byDue index; baseline: the due set. %d ms here, but MiniStack answers an index query by walking the whole table, so only the items read carry over to DynamoDB", took.Milliseconds())})
	}
	return rows, nil
}

// metricsReadCost projects 1k, 10k and 100k leads of one partner, spread
// over 30 days, into the counters, and counts the items one 30-day read of
// that partner's indicators returns. The baseline is the period's days.
func metricsReadCost(ctx context.Context) ([]row, error) {
	st, err := deployed.Open(ctx, stackinfo.DefaultStack)
	if err != nil {
		return nil, err
	}
	table, err := st.Outputs.Get("MetricsTableName")
	if err != nil {
		return nil, err
	}
	m := metricsdb.New(dynamodb.NewFromConfig(st.Cfg), table)
	partner := fmt.Sprintf("bench-metrics-%d", time.Now().UnixNano())
	end := time.Now().In(lead.BusinessZone())
	from, to := end.AddDate(0, 0, -29).Format(time.DateOnly), end.Format(time.DateOnly)
	var rows []row
	applied := 0
	for _, n := range sizes {
		fmt.Fprintf(os.Stderr, "    projecting leads to %d\n", n)
		if err := project(ctx, m, partner, applied, n, end); err != nil {
			return nil, err
		}
		applied = n
		start := time.Now()
		days, err := m.Days(ctx, partner, from, to)
		if err != nil {
			return nil, err
		}
		gauges, err := m.Gauges(ctx, partner)
		if err != nil {
			return nil, err
		}
		took := time.Since(start)
		var received int64
		for _, d := range days {
			received += d.Counters[metrics.Received]
		}
		if received != int64(n) {
			return nil, fmt.Errorf("%d leads projected, the 30-day read counts %d received", n, received)
		}
		items := len(days) + len(gauges)
		rows = append(rows, row{fmt.Sprintf("Metrics read, %dk leads, 30 days: items read", n/1000), fmt.Sprint(items), "30",
			ratio(float64(items), 30), fmt.Sprintf("one partner's day counters + its gauge, %d ms; baseline: the days in the period", took.Milliseconds())})
	}
	return rows, nil
}

// project adds the lead.created counters of leads [from, to) as the
// projector computes them, one transaction per day with that day's leads
// summed: what a read returns depends on the days, not on how the counts
// got there, and 100,000 transactions on one partner's gauge item would
// take the emulator the better part of an hour.
func project(ctx context.Context, m metrics.Store, partner string, from, to int, end time.Time) error {
	perDay := map[int]int64{}
	for i := from; i < to; i++ {
		perDay[i%30]++
	}
	for day := range 30 {
		count := perDay[day]
		if count == 0 {
			continue
		}
		at := end.AddDate(0, 0, -day)
		id := fmt.Sprintf("%s-%07d-%02d", partner, to, day)
		l := lead.Lead{ID: id, PartnerID: partner, Status: lead.StatusNew, Version: 1, ReceivedAt: at, UpdatedAt: at, StatusSince: at}
		deltas := metrics.Project(nil, l, lead.Entry{LeadID: id, Seq: 1, At: at, Change: lead.ChangeCreated, To: lead.StatusNew})
		for _, d := range deltas {
			for k := range d.Add {
				d.Add[k] *= count
			}
		}
		if err := m.Apply(ctx, id, 1, deltas); err != nil {
			return err
		}
	}
	return nil
}
