package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo/schema"
)

// CreateTable makes a table named name in the shape of t, with its stream
// only if stream is set, and returns its description. A name already in use
// is taken as this caller's own: the SDK retried a create whose answer was
// lost, and the first attempt made it.
func CreateTable(ctx context.Context, db *dynamodb.Client, name string, t schema.Table, stream bool) (*types.TableDescription, error) {
	str := func(n string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(n), AttributeType: types.ScalarAttributeTypeS}
	}
	keys := func(pk, sk string) []types.KeySchemaElement {
		return []types.KeySchemaElement{{AttributeName: aws.String(pk), KeyType: types.KeyTypeHash}, {AttributeName: aws.String(sk), KeyType: types.KeyTypeRange}}
	}
	in := &dynamodb.CreateTableInput{
		TableName: &name, BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{str(schema.PK), str(schema.SK)},
		KeySchema:            keys(schema.PK, schema.SK),
	}
	for i, idx := range t.Indexes {
		pk, sk := t.IndexKeys(i)
		in.AttributeDefinitions = append(in.AttributeDefinitions, str(pk), str(sk))
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName: aws.String(idx), KeySchema: keys(pk, sk), Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		})
	}
	if stream && t.Stream {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages}
	}
	out, err := db.CreateTable(ctx, in)
	var inUse *types.ResourceInUseException
	if errors.As(err, &inUse) {
		d, derr := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &name})
		if derr != nil {
			return nil, fmt.Errorf("create table %s: %w", name, derr)
		}
		return d.Table, nil
	}
	if err != nil {
		return nil, fmt.Errorf("create table %s: %w", name, err)
	}
	return out.TableDescription, nil
}

// CreateScratchLeadsTable makes a table shaped like the leads table (keys
// and indexes) but with no stream, for adapter tests and benchmarks that
// must not wake the deployed stack's consumers, and for bulk seeding that
// must not reach it. drop deletes it.
func CreateScratchLeadsTable(ctx context.Context, db *dynamodb.Client) (name string, drop func(), err error) {
	name = fmt.Sprintf("scratch-leads-%d", time.Now().UnixNano())
	if _, err := CreateTable(ctx, db, name, schema.Leads, false); err != nil {
		return "", nil, err
	}
	return name, func() { _, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &name}) }, nil
}
