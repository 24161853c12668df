package directorydb

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/auth"
)

var _ auth.KeyUses = (*KeyUses)(nil)

// KeyUses keeps each key's last use in the RateLimits table (KEYUSE#<id> /
// USE, no TTL), which every function serving the API already writes; the
// directory table stays read-only to them.
type KeyUses struct {
	db    *dynamodb.Client
	table string
}

func NewKeyUses(db *dynamodb.Client, ratesTable string) *KeyUses {
	return &KeyUses{db: db, table: ratesTable}
}

// usedFormat is fixed-width, so the condition's string comparison orders
// instants.
const usedFormat = "2006-01-02T15:04:05.000000Z"

func useKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{dynamo.AttrPK: dynamo.S("KEYUSE#" + id), dynamo.AttrSK: dynamo.S("USE")}
}

func (u *KeyUses) MarkKeyUsed(ctx context.Context, id string, at, since time.Time) error {
	_, err := u.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           &u.table,
		Key:                 useKey(id),
		UpdateExpression:    aws.String("SET lastUsedAt = :at"),
		ConditionExpression: aws.String("attribute_not_exists(lastUsedAt) OR lastUsedAt < :since"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":at": dynamo.S(at.UTC().Format(usedFormat)), ":since": dynamo.S(since.UTC().Format(usedFormat)),
		},
	})
	if err != nil && !dynamo.ConditionFailed(err) {
		return fmt.Errorf("mark key %s used: %w", id, err)
	}
	return nil
}

func (u *KeyUses) LastUses(ctx context.Context, ids []string) (map[string]time.Time, error) {
	keys := make([]map[string]types.AttributeValue, len(ids))
	for i, id := range ids {
		keys[i] = useKey(id)
	}
	out := map[string]time.Time{}
	err := dynamo.BatchGet(ctx, u.db, u.table, keys, func(item map[string]types.AttributeValue) error {
		pk, _ := item[dynamo.AttrPK].(*types.AttributeValueMemberS)
		at, _ := item["lastUsedAt"].(*types.AttributeValueMemberS)
		if pk == nil || at == nil {
			return nil
		}
		t, err := time.Parse(usedFormat, at.Value)
		if err != nil {
			return fmt.Errorf("key use %s: %w", pk.Value, err)
		}
		out[pk.Value[len("KEYUSE#"):]] = t
		return nil
	})
	return out, err
}
