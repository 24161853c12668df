// Package directorydb stores API keys, partners and their rate limits.
package directorydb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/auth"
)

// Store keeps API keys (their hashes) and partners.
type Store struct{ *dynamo.Directory }

var (
	_ auth.KeyStore      = (*Store)(nil)
	_ admin.PartnerStore = (*Store)(nil)
)

func New(db *dynamodb.Client, table string) *Store { return &Store{dynamo.NewDirectory(db, table)} }

func keyKey(id string) map[string]types.AttributeValue { return dynamo.Key("KEY#"+id, "KEY") }

func (st *Store) GetKey(ctx context.Context, id string) (auth.Key, error) {
	// Strongly consistent, so a revocation applies to the very next request.
	out, err := st.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.Table, Key: keyKey(id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return auth.Key{}, fmt.Errorf("get key %s: %w", id, err)
	}
	if out.Item == nil {
		return auth.Key{}, auth.ErrKeyNotFound
	}
	return decodeKey(out.Item)
}

func decodeKey(item map[string]types.AttributeValue) (auth.Key, error) {
	var k auth.Key
	if err := attributevalue.UnmarshalMapWithOptions(item, &k, dynamo.JSONTagsDecode); err != nil {
		return auth.Key{}, fmt.Errorf("unmarshal key: %w", err)
	}
	if h, ok := item["hash"].(*types.AttributeValueMemberS); ok {
		k.Hash = h.Value
	}
	return k, nil
}

func (st *Store) PutKey(ctx context.Context, k auth.Key) error {
	item, err := attributevalue.MarshalMapWithOptions(k, dynamo.JSONTags)
	if err != nil {
		return fmt.Errorf("marshal key %s: %w", k.ID, err)
	}
	for a, v := range keyKey(k.ID) {
		item[a] = v
	}
	item["hash"] = dynamo.S(k.Hash)
	item["GSI1PK"], item["GSI1SK"] = dynamo.S("KEY"), dynamo.S(k.ID)
	_, err = st.DB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &st.Table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)"),
	})
	if dynamo.ConditionFailed(err) {
		// An SDK retry of a put that did succeed finds its own key: fine.
		if got, gerr := st.GetKey(ctx, k.ID); gerr == nil && got.Hash == k.Hash {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("put key %s: %w", k.ID, err)
	}
	return nil
}

func (st *Store) ListKeys(ctx context.Context) ([]auth.Key, error) {
	return dynamo.ListType(ctx, st.Directory, "KEY", decodeKey)
}

func (st *Store) SetKeyStatus(ctx context.Context, id, status string, at time.Time) (auth.Key, error) {
	out, err := st.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                &st.Table,
		Key:                      keyKey(id),
		UpdateExpression:         aws.String("SET #st = :st, updatedAt = :at"),
		ConditionExpression:      aws.String("attribute_exists(PK) AND #st <> :revoked"),
		ExpressionAttributeNames: map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":st": dynamo.S(status), ":at": dynamo.S(at.UTC().Format(time.RFC3339Nano)), ":revoked": dynamo.S(auth.KeyRevoked),
		},
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		if len(ccf.Item) == 0 {
			return auth.Key{}, auth.ErrKeyNotFound
		}
		return auth.Key{}, auth.ErrKeyRevoked
	}
	if err != nil {
		return auth.Key{}, fmt.Errorf("set key %s status: %w", id, err)
	}
	return decodeKey(out.Attributes)
}

func (st *Store) PutPartner(ctx context.Context, p admin.Partner) error {
	item, err := attributevalue.MarshalMapWithOptions(p, dynamo.JSONTags)
	if err != nil {
		return fmt.Errorf("marshal partner %s: %w", p.ID, err)
	}
	item[dynamo.AttrPK], item[dynamo.AttrSK] = dynamo.S("PARTNER#"+p.ID), dynamo.S("PARTNER")
	item["GSI1PK"], item["GSI1SK"] = dynamo.S("PARTNER"), dynamo.S(p.ID)
	_, err = st.DB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &st.Table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)"),
	})
	if dynamo.ConditionFailed(err) {
		if got, gerr := st.GetPartner(ctx, p.ID); gerr == nil && got.Name == p.Name && got.CreatedAt.Equal(p.CreatedAt) {
			return nil // an SDK retry of a put that did succeed
		}
	}
	if err != nil {
		return fmt.Errorf("put partner %s: %w", p.ID, err)
	}
	return nil
}
