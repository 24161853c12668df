//go:build adapter

package dynamo_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/metricsdb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/sladb"
	"github.com/partnerleads/pipeline/shared/testkit/dynamotest"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

func TestEmulatorDueIndex(t *testing.T) {
	db, outs := dynamotest.Connect(t)
	storetest.RunDueIndex(t, sladb.NewDueIndex(db, dynamotest.Output(t, outs, "LeadsTableName")))
}

func TestEmulatorMetrics(t *testing.T) {
	db, outs := dynamotest.Connect(t)
	storetest.RunMetrics(t, metricsdb.New(db, dynamotest.Output(t, outs, "MetricsTableName")))
}

// TestEmulatorScanCost seeds 100,000 leads' SLA items (SCAN_COST_LEADS
// overrides), 50 of them due, into a scratch table shaped like the leads
// table's due index, and checks what one scan reads.
func TestEmulatorScanCost(t *testing.T) {
	db, _ := dynamotest.Connect(t)
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("SCAN_COST_LEADS")); err == nil && v > 0 {
		n = v
	}
	table, drop, err := dynamo.CreateScratchLeadsTable(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	x := sladb.NewDueIndex(db, table)
	now := time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)
	if err := storetest.SeedDue(context.Background(), x.Seed, 0, n, 50, now); err != nil {
		t.Fatal(err)
	}
	due, err := x.Due(context.Background(), now, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 50 || x.ReadItems < 50 || x.ReadItems > 55 {
		t.Fatalf("%d leads, 50 due: the scan found %d and read %d items", n, len(due), x.ReadItems)
	}
	t.Logf("%d leads, 50 due: one scan read %d items", n, x.ReadItems)
}
