package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/admin"
)

// Directory is the directory table: small, read-mostly documents (partners,
// key hashes, reps, rules, policies, channel settings). Most are JSON in a
// "body" attribute; the byType index lists every item of a kind.
type Directory struct {
	DB    *dynamodb.Client
	Table string
}

func NewDirectory(db *dynamodb.Client, table string) *Directory {
	return &Directory{DB: db, Table: table}
}

// PutDoc stores a document of type typ under <typ>#<id>, listed by the
// byType index.
func (d *Directory) PutDoc(ctx context.Context, typ, id string, v any) error {
	k := Key(typ+"#"+id, typ)
	k["GSI1PK"], k["GSI1SK"] = S(typ), S(id)
	return d.PutItemDoc(ctx, k, v)
}

// PutItemDoc stores v as the JSON body of the item at k.
func (d *Directory) PutItemDoc(ctx context.Context, k map[string]types.AttributeValue, v any) error {
	body, err := JSONBody(v)
	if err != nil {
		return err
	}
	k["body"] = S(body)
	if _, err := d.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: &d.Table, Item: k}); err != nil {
		return fmt.Errorf("put %v: %w", k[AttrPK], err)
	}
	return nil
}

// GetDoc reads the PutDoc document typ#id; found is false if there is none.
func GetDoc[T any](ctx context.Context, d *Directory, typ, id string, consistent bool) (v T, found bool, err error) {
	out, err := d.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: &d.Table, Key: Key(typ+"#"+id, typ), ConsistentRead: aws.Bool(consistent)})
	if err != nil {
		return v, false, fmt.Errorf("get %s %s: %w", typ, id, err)
	}
	if out.Item == nil {
		return v, false, nil
	}
	v, err = DecodeDoc[T](out.Item)
	return v, err == nil, err
}

// ListDocs reads every PutDoc document of one type.
func ListDocs[T any](ctx context.Context, d *Directory, typ string) ([]T, error) {
	return ListType(ctx, d, typ, DecodeDoc[T])
}

// ListType reads every directory item of one type through the byType index.
func ListType[T any](ctx context.Context, d *Directory, typ string, decode func(map[string]types.AttributeValue) (T, error)) ([]T, error) {
	var out []T
	p := dynamodb.NewQueryPaginator(d.DB, &dynamodb.QueryInput{
		TableName: &d.Table, IndexName: aws.String(GSIByType),
		KeyConditionExpression:    aws.String("GSI1PK = :t"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": S(typ)},
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

// JSONBody is v as a document body.
func JSONBody(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("marshal document: %w", err)
	}
	return string(b), nil
}

// DecodeDoc reads the JSON document of an item.
func DecodeDoc[T any](item map[string]types.AttributeValue) (T, error) {
	var v T
	body, ok := item["body"].(*types.AttributeValueMemberS)
	if !ok {
		return v, fmt.Errorf("item %v has no body", item[AttrPK])
	}
	return v, json.Unmarshal([]byte(body.Value), &v)
}

// Partners are PARTNER#<id> / PARTNER items with the partner's fields as
// attributes; program and rate limit are attributes set on their own.

func PartnerKey(id string) map[string]types.AttributeValue { return Key("PARTNER#"+id, "PARTNER") }

func (d *Directory) GetPartner(ctx context.Context, id string) (admin.Partner, error) {
	out, err := d.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: &d.Table, Key: PartnerKey(id)})
	if err != nil {
		return admin.Partner{}, fmt.Errorf("get partner %s: %w", id, err)
	}
	if out.Item == nil {
		return admin.Partner{}, admin.ErrPartnerNotFound
	}
	var p admin.Partner
	if err := attributevalue.UnmarshalMapWithOptions(out.Item, &p, JSONTagsDecode); err != nil {
		return admin.Partner{}, fmt.Errorf("unmarshal partner %s: %w", id, err)
	}
	return p, nil
}

// ListPartners returns every partner.
func (d *Directory) ListPartners(ctx context.Context) ([]admin.Partner, error) {
	return ListType(ctx, d, "PARTNER", func(it map[string]types.AttributeValue) (admin.Partner, error) {
		var p admin.Partner
		err := attributevalue.UnmarshalMapWithOptions(it, &p, JSONTagsDecode)
		return p, err
	})
}

// PartnerIDs lists every partner's id.
func (d *Directory) PartnerIDs(ctx context.Context) ([]string, error) {
	ps, err := d.ListPartners(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids, nil
}

// SetPartnerAttr sets one attribute of an existing partner, or removes it
// when v is nil: admin.ErrPartnerNotFound if there is no such partner.
func (d *Directory) SetPartnerAttr(ctx context.Context, partnerID, attr string, v types.AttributeValue) error {
	expr, vals := "SET #a = :v", map[string]types.AttributeValue{":v": v}
	if v == nil {
		expr, vals = "REMOVE #a", nil
	}
	_, err := d.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &d.Table, Key: PartnerKey(partnerID),
		UpdateExpression: &expr, ExpressionAttributeNames: map[string]string{"#a": attr}, ExpressionAttributeValues: vals,
		ConditionExpression: aws.String("attribute_exists(PK)"),
	})
	if ConditionFailed(err) {
		return admin.ErrPartnerNotFound
	}
	if err != nil {
		return fmt.Errorf("set %s of partner %s: %w", attr, partnerID, err)
	}
	return nil
}

// PartnerExists says whether a partner is in the directory.
func (d *Directory) PartnerExists(ctx context.Context, id string) (bool, error) {
	_, err := d.GetPartner(ctx, id)
	if errors.Is(err, admin.ErrPartnerNotFound) {
		return false, nil
	}
	return err == nil, err
}
