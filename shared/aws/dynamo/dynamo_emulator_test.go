//go:build emulator

package dynamo_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

// The adapter runs the same suites as the fake, against the emulator: the
// deployed stack's tables, or scratch copies of the leads table.
func clientAndOutputs(t *testing.T) (*dynamodb.Client, stackinfo.Outputs) {
	t.Helper()
	cfg, outs, err := stackinfo.Connect(context.Background(), stackinfo.DefaultStack)
	if err != nil {
		t.Fatal(err)
	}
	return dynamodb.NewFromConfig(cfg), outs
}

// scratchLeads is a lead store on a table shaped like the deployed leads
// table but without its stream: there, the stack's own router and
// projector would race the code under test for the same leads.
func scratchLeads(t *testing.T, db *dynamodb.Client) *dynamo.LeadStore {
	t.Helper()
	table, drop, err := dynamo.CreateScratchLeadsTable(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	return dynamo.NewLeadStore(db, table)
}

func TestEmulatorLeadStore(t *testing.T) {
	db, _ := clientAndOutputs(t)
	st := scratchLeads(t, db)
	storetest.RunLeadStore(t, func(*testing.T) storetest.LeadStore { return st })
}

func TestEmulatorDirectoryStore(t *testing.T) {
	db, outs := clientAndOutputs(t)
	table, err := outs.Get("DirectoryTableName")
	if err != nil {
		t.Fatal(err)
	}
	st := dynamo.NewDirectoryStore(db, table)
	storetest.RunDirectoryStore(t, func(*testing.T) storetest.DirectoryStore { return st })
}

// 8 concurrent router workers, 500 leads, each delivered twice: no double
// assignment, no capacity overflow, a fair pointer.
func TestEmulatorRouter(t *testing.T) {
	db, _ := clientAndOutputs(t)
	storetest.RunRouter(t, scratchLeads(t, db), 500)
}

func TestEmulatorLifecycle(t *testing.T) {
	db, _ := clientAndOutputs(t)
	storetest.RunLifecycle(t, scratchLeads(t, db))
}

func TestEmulatorLedgerStore(t *testing.T) {
	db, outs := clientAndOutputs(t)
	table, err := outs.Get("LedgerTableName")
	if err != nil {
		t.Fatal(err)
	}
	storetest.RunLedger(t, dynamo.NewLedgerStore(db, table))
}
