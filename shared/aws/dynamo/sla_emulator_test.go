//go:build emulator

package dynamo_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

func TestEmulatorDueIndex(t *testing.T) {
	db, outs := clientAndOutputs(t)
	table, err := outs.Get("LeadsTableName")
	if err != nil {
		t.Fatal(err)
	}
	storetest.RunDueIndex(t, dynamo.NewDueIndex(db, table))
}

func TestEmulatorMetrics(t *testing.T) {
	db, outs := clientAndOutputs(t)
	table, err := outs.Get("MetricsTableName")
	if err != nil {
		t.Fatal(err)
	}
	storetest.RunMetrics(t, dynamo.NewMetricsStore(db, table))
}

// TestEmulatorScanCost seeds 100,000 leads' SLA items (SCAN_COST_LEADS
// overrides), 50 of them due, into a scratch table shaped like the leads
// table's due index, and checks what one scan reads.
func TestEmulatorScanCost(t *testing.T) {
	db, _ := clientAndOutputs(t)
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("SCAN_COST_LEADS")); err == nil && v > 0 {
		n = v
	}
	table, drop, err := dynamo.CreateScratchLeadsTable(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	x := dynamo.NewDueIndex(db, table)
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
