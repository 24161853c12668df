package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
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
	if _, err = db.CreateTable(ctx, in); err != nil {
		return "", nil, fmt.Errorf("create scratch table: %w", err)
	}
	return name, func() { _, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &name}) }, nil
}
