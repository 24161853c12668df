//go:build emulator

package dynamo_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/dynamo"
	"github.com/partnerleads/pipeline/shared/lead"
	"github.com/partnerleads/pipeline/shared/sla"
	"github.com/partnerleads/pipeline/shared/storetest"
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
	table := ScratchDueTable(t, db)
	x := dynamo.NewDueIndex(db, table)
	now := time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)
	SeedDue(t, x, 0, n, 50, now)
	due, err := x.Due(context.Background(), now, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 50 || x.ReadItems < 50 || x.ReadItems > 55 {
		t.Fatalf("%d leads, 50 due: the scan found %d and read %d items", n, len(due), x.ReadItems)
	}
	t.Logf("%d leads, 50 due: one scan read %d items", n, x.ReadItems)
}

// ScratchDueTable creates a table with the leads table's keys and byDue
// index, deleted when the test ends.
func ScratchDueTable(t testing.TB, db *dynamodb.Client) string {
	t.Helper()
	name := fmt.Sprintf("scan-cost-%d", time.Now().UnixNano())
	str := func(n string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(n), AttributeType: types.ScalarAttributeTypeS}
	}
	keys := func(pk, sk string) []types.KeySchemaElement {
		return []types.KeySchemaElement{{AttributeName: aws.String(pk), KeyType: types.KeyTypeHash}, {AttributeName: aws.String(sk), KeyType: types.KeyTypeRange}}
	}
	_, err := db.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName: &name, BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{str("PK"), str("SK"), str("GSI4PK"), str("GSI4SK")},
		KeySchema:            keys("PK", "SK"),
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName: aws.String("byDue"), KeySchema: keys("GSI4PK", "GSI4SK"),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &name}) })
	return name
}

// SeedDue writes the SLA items of leads [from, to): the first `due` of all
// are due before now, the rest in the days after it.
func SeedDue(t testing.TB, x sla.Index, from, to, due int, now time.Time) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	next := make(chan int)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				at := now.Add(time.Duration(i%1000+1) * time.Hour)
				if i < due {
					at = now.Add(-time.Duration(i+1) * time.Minute)
				}
				p := sla.Pending{LeadID: fmt.Sprintf("L%07d", i), PartnerID: "p", Version: 2, Status: lead.StatusContacted,
					OwnerID: "a", Program: sla.DefaultProgram, Action: sla.Remind, DueAt: at, IdleSince: now.AddDate(0, 0, -3)}
				if err := x.Put(context.Background(), p); err != nil {
					select {
					case errs <- err:
					default:
					}
					return
				}
			}
		}()
	}
	for i := from; i < to; i++ {
		if i%20000 == 0 && i > from {
			t.Logf("seeded %d of %d", i, to)
		}
		next <- i
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
}
