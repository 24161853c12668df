//go:build adapter

package dynamo_test

import (
	"testing"

	"github.com/partnerleads/pipeline/shared/aws/dynamo/directorydb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/ledgerdb"
	"github.com/partnerleads/pipeline/shared/testkit/dynamotest"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

// The adapters run the same suites as the fake, against the emulator: the
// deployed stack's tables, or scratch copies of the leads table.

func TestEmulatorLeadStore(t *testing.T) {
	db, _ := dynamotest.Connect(t)
	st := dynamotest.ScratchLeads(t, db)
	storetest.RunLeadStore(t, func(*testing.T) storetest.LeadStore { return st })
}

func TestEmulatorDirectoryStore(t *testing.T) {
	db, outs := dynamotest.Connect(t)
	st := directorydb.New(db, dynamotest.Output(t, outs, "DirectoryTableName"))
	storetest.RunDirectoryStore(t, func(*testing.T) storetest.DirectoryStore { return st })
}

func TestEmulatorKeyUses(t *testing.T) {
	db, outs := dynamotest.Connect(t)
	storetest.RunKeyUses(t, directorydb.NewKeyUses(db, dynamotest.Output(t, outs, "RateLimitsTableName")))
}

// 8 concurrent router workers, 500 leads, each delivered twice: no double
// assignment, no capacity overflow, a fair pointer.
func TestEmulatorRouter(t *testing.T) {
	db, _ := dynamotest.Connect(t)
	storetest.RunRouter(t, dynamotest.ScratchLeads(t, db), 500)
}

func TestEmulatorLifecycle(t *testing.T) {
	db, _ := dynamotest.Connect(t)
	storetest.RunLifecycle(t, dynamotest.ScratchLeads(t, db))
}

// Issue 18, item 3: concurrent writers committing out of stamp order, a
// reader paging the feed meanwhile: every event read exactly once.
func TestEmulatorFeedUnderLateCommits(t *testing.T) {
	db, _ := dynamotest.Connect(t)
	storetest.RunFeedUnderLateCommits(t, dynamotest.ScratchLeads(t, db))
}

// Issue 18, item 2: what reached the bus, per lead, and the gaps.
func TestEmulatorPublishLog(t *testing.T) {
	db, _ := dynamotest.Connect(t)
	storetest.RunPublishLog(t, dynamotest.ScratchLeads(t, db))
}

func TestEmulatorLedgerStore(t *testing.T) {
	db, outs := dynamotest.Connect(t)
	storetest.RunLedger(t, ledgerdb.New(db, dynamotest.Output(t, outs, "LedgerTableName")))
}
