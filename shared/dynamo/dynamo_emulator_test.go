//go:build emulator

package dynamo_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/dynamo"
	"github.com/partnerleads/pipeline/shared/stackinfo"
	"github.com/partnerleads/pipeline/shared/storetest"
)

// The adapter runs the same suite as the fake, against the tables of the
// stack deployed on the emulator.
func clientAndOutputs(t *testing.T) (*dynamodb.Client, stackinfo.Outputs) {
	t.Helper()
	cfg, outs, err := stackinfo.Connect(context.Background(), stackinfo.DefaultStack)
	if err != nil {
		t.Fatal(err)
	}
	return dynamodb.NewFromConfig(cfg), outs
}

func TestEmulatorLeadStore(t *testing.T) {
	db, outs := clientAndOutputs(t)
	table, err := outs.Get("LeadsTableName")
	if err != nil {
		t.Fatal(err)
	}
	st := dynamo.NewLeadStore(db, table)
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
	db, outs := clientAndOutputs(t)
	table, err := outs.Get("LeadsTableName")
	if err != nil {
		t.Fatal(err)
	}
	storetest.RunRouter(t, dynamo.NewLeadStore(db, table), 500)
}

func TestEmulatorLifecycle(t *testing.T) {
	db, outs := clientAndOutputs(t)
	table, err := outs.Get("LeadsTableName")
	if err != nil {
		t.Fatal(err)
	}
	storetest.RunLifecycle(t, dynamo.NewLeadStore(db, table))
}

func TestEmulatorLedgerStore(t *testing.T) {
	db, outs := clientAndOutputs(t)
	table, err := outs.Get("LedgerTableName")
	if err != nil {
		t.Fatal(err)
	}
	storetest.RunLedger(t, dynamo.NewLedgerStore(db, table))
}
