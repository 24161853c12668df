package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/auth"
)

// DirectoryStore keeps partners and API keys (and later reps, rules and
// channel settings): small, read-mostly data that intake only reads.
type DirectoryStore struct {
	db    *dynamodb.Client
	table string
}

var (
	_ auth.KeyStore      = (*DirectoryStore)(nil)
	_ admin.PartnerStore = (*DirectoryStore)(nil)
)

func NewDirectoryStore(db *dynamodb.Client, table string) *DirectoryStore {
	return &DirectoryStore{db: db, table: table}
}

func keyKey(id string) map[string]types.AttributeValue { return key("KEY#"+id, "KEY") }

func (st *DirectoryStore) GetKey(ctx context.Context, id string) (auth.Key, error) {
	// Strongly consistent, so a revocation applies to the very next request.
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: keyKey(id), ConsistentRead: aws.Bool(true)})
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
	if err := attributevalue.UnmarshalMapWithOptions(item, &k, jsonTagsDecode); err != nil {
		return auth.Key{}, fmt.Errorf("unmarshal key: %w", err)
	}
	if h, ok := item["hash"].(*types.AttributeValueMemberS); ok {
		k.Hash = h.Value
	}
	return k, nil
}

func (st *DirectoryStore) PutKey(ctx context.Context, k auth.Key) error {
	item, err := attributevalue.MarshalMapWithOptions(k, jsonTags)
	if err != nil {
		return fmt.Errorf("marshal key %s: %w", k.ID, err)
	}
	for a, v := range keyKey(k.ID) {
		item[a] = v
	}
	item["hash"] = s(k.Hash)
	item["GSI1PK"], item["GSI1SK"] = s("KEY"), s(k.ID)
	_, err = st.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &st.table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)"),
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
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

func (st *DirectoryStore) ListKeys(ctx context.Context) ([]auth.Key, error) {
	return listType(ctx, st, "KEY", decodeKey)
}

// listType reads every directory item of one type through the byType index.
func listType[T any](ctx context.Context, st *DirectoryStore, typ string, decode func(map[string]types.AttributeValue) (T, error)) ([]T, error) {
	var out []T
	p := dynamodb.NewQueryPaginator(st.db, &dynamodb.QueryInput{
		TableName: &st.table, IndexName: aws.String(gsiByType),
		KeyConditionExpression:    aws.String("GSI1PK = :t"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": s(typ)},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list %s items: %w", typ, err)
		}
		for _, it := range page.Items {
			v, err := decode(it)
			if err != nil {
				return nil, fmt.Errorf("decode %s item: %w", typ, err)
			}
			out = append(out, v)
		}
	}
	return out, nil
}

func (st *DirectoryStore) SetKeyStatus(ctx context.Context, id, status string, at time.Time) (auth.Key, error) {
	out, err := st.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                &st.table,
		Key:                      keyKey(id),
		UpdateExpression:         aws.String("SET #st = :st, updatedAt = :at"),
		ConditionExpression:      aws.String("attribute_exists(PK) AND #st <> :revoked"),
		ExpressionAttributeNames: map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":st": s(status), ":at": s(at.UTC().Format(time.RFC3339Nano)), ":revoked": s(auth.KeyRevoked),
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

func (st *DirectoryStore) PutPartner(ctx context.Context, p admin.Partner) error {
	item, err := attributevalue.MarshalMapWithOptions(p, jsonTags)
	if err != nil {
		return fmt.Errorf("marshal partner %s: %w", p.ID, err)
	}
	item[attrPK], item[attrSK] = s("PARTNER#"+p.ID), s("PARTNER")
	item["GSI1PK"], item["GSI1SK"] = s("PARTNER"), s(p.ID)
	_, err = st.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &st.table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)"),
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		if got, gerr := st.GetPartner(ctx, p.ID); gerr == nil && got.Name == p.Name && got.CreatedAt.Equal(p.CreatedAt) {
			return nil // an SDK retry of a put that did succeed
		}
	}
	if err != nil {
		return fmt.Errorf("put partner %s: %w", p.ID, err)
	}
	return nil
}

func (st *DirectoryStore) GetPartner(ctx context.Context, id string) (admin.Partner, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key("PARTNER#"+id, "PARTNER")})
	if err != nil {
		return admin.Partner{}, fmt.Errorf("get partner %s: %w", id, err)
	}
	if out.Item == nil {
		return admin.Partner{}, admin.ErrPartnerNotFound
	}
	var p admin.Partner
	if err := attributevalue.UnmarshalMapWithOptions(out.Item, &p, jsonTagsDecode); err != nil {
		return admin.Partner{}, fmt.Errorf("unmarshal partner %s: %w", id, err)
	}
	return p, nil
}

// ListPartners returns every partner.
func (st *DirectoryStore) ListPartners(ctx context.Context) ([]admin.Partner, error) {
	return listType(ctx, st, "PARTNER", func(it map[string]types.AttributeValue) (admin.Partner, error) {
		var p admin.Partner
		err := attributevalue.UnmarshalMapWithOptions(it, &p, jsonTagsDecode)
		return p, err
	})
}
