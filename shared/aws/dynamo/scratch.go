package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/sla"
)

// leadsIndexes are the leads table's global secondary indexes, GSI1 to
// GSI4 in order, as infra/stack.go declares them.
var leadsIndexes = []string{gsiByPartner, gsiByPartnerStatus, "byOwner", gsiByDue}

// CreateScratchLeadsTable makes a table shaped like the leads table (keys
// and indexes) but with no stream, for adapter tests and benchmarks that
// must not wake the deployed stack's consumers, and for bulk seeding that
// must not reach it. drop deletes it.
func CreateScratchLeadsTable(ctx context.Context, db *dynamodb.Client) (name string, drop func(), err error) {
	name = fmt.Sprintf("scratch-leads-%d", time.Now().UnixNano())
	str := func(n string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(n), AttributeType: types.ScalarAttributeTypeS}
	}
	keys := func(pk, sk string) []types.KeySchemaElement {
		return []types.KeySchemaElement{{AttributeName: aws.String(pk), KeyType: types.KeyTypeHash}, {AttributeName: aws.String(sk), KeyType: types.KeyTypeRange}}
	}
	in := &dynamodb.CreateTableInput{
		TableName: &name, BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{str(attrPK), str(attrSK)},
		KeySchema:            keys(attrPK, attrSK),
	}
	for i, idx := range leadsIndexes {
		pk, sk := fmt.Sprintf("GSI%dPK", i+1), fmt.Sprintf("GSI%dSK", i+1)
		in.AttributeDefinitions = append(in.AttributeDefinitions, str(pk), str(sk))
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName: aws.String(idx), KeySchema: keys(pk, sk), Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		})
	}
	// In use: the SDK retried a create whose answer was lost, and the first
	// attempt made this uniquely named table.
	var inUse *types.ResourceInUseException
	if _, err = db.CreateTable(ctx, in); err != nil && !errors.As(err, &inUse) {
		return "", nil, fmt.Errorf("create scratch table: %w", err)
	}
	return name, func() { _, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &name}) }, nil
}

// Seed writes SLA items in BatchWriteItem calls of 25, without the version
// guard Put keeps: for filling a scratch table in tests and benchmarks
// (about 20 times faster than a Put each on the emulator), never for the
// live table, where the projector's guarded writes are the only writers.
func (x *DueIndex) Seed(ctx context.Context, steps []sla.Pending) error {
	for chunk := range slices.Chunk(steps, 25) {
		reqs := make([]types.WriteRequest, 0, len(chunk))
		for _, p := range chunk {
			item, err := dueItem(p)
			if err != nil {
				return err
			}
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
		}
		pending := map[string][]types.WriteRequest{x.table: reqs}
		for try := 0; len(pending) > 0; try++ {
			if try == 10 {
				return fmt.Errorf("seed SLA items: %d left unprocessed", len(pending[x.table]))
			}
			if try > 0 {
				time.Sleep(time.Duration(try) * 50 * time.Millisecond)
			}
			out, err := x.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
			if err != nil {
				return fmt.Errorf("seed SLA items: %w", err)
			}
			pending = out.UnprocessedItems
		}
	}
	return nil
}
