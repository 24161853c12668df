// Package dynamotest puts the DynamoDB stores together the way the store
// suites (storetest) take them, for adapter tests on the emulator.
package dynamotest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/intakedb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/lifecycledb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/routingdb"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
)

type (
	intakeStore    = intakedb.Store
	routingStore   = routingdb.Store
	lifecycleStore = lifecycledb.Store
)

// Leads is every store of the leads table in one value.
type Leads struct {
	*dynamo.Leads
	*intakeStore
	*routingStore
	*lifecycleStore
}

// NewLeads is every store of table.
func NewLeads(db *dynamodb.Client, table string) Leads {
	l := dynamo.NewLeads(db, table)
	return Leads{l, &intakedb.Store{Leads: l}, &routingdb.Store{Leads: l}, &lifecycledb.Store{Leads: l}}
}

// Connect is a DynamoDB client and the outputs of the deployed stack.
func Connect(t *testing.T) (*dynamodb.Client, stackinfo.Outputs) {
	t.Helper()
	cfg, outs, err := stackinfo.Connect(context.Background(), stackinfo.DefaultStack)
	if err != nil {
		t.Fatal(err)
	}
	return dynamodb.NewFromConfig(cfg), outs
}

// ScratchLeads is every store of a table shaped like the deployed leads
// table but without its stream: there, the stack's own router and projector
// would race the code under test for the same leads. It is dropped when the
// test ends.
func ScratchLeads(t *testing.T, db *dynamodb.Client) Leads {
	t.Helper()
	table, drop, err := dynamo.CreateScratchLeadsTable(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	return NewLeads(db, table)
}

// Output is one output of the deployed stack, or the test fails.
func Output(t *testing.T, outs stackinfo.Outputs, key string) string {
	t.Helper()
	v, err := outs.Get(key)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
