package ledgerdb

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/commission"
)

// A partner's payouts live under one key: a record per batch and, while
// one is being recorded, the OPEN item naming it.
func payoutsPK(partnerID string) string { return "PAYOUTS#" + partnerID }

func payoutItem(po commission.Payout) (map[string]types.AttributeValue, error) {
	item, err := docItem(map[string]string{dynamo.AttrPK: payoutsPK(po.PartnerID), dynamo.AttrSK: "PAYOUT#" + po.ID,
		"GSI1PK": "PAYOUTS#" + commission.PeriodOf(po.CreatedAt), "GSI1SK": po.PartnerID + "#" + po.ID}, po)
	if err == nil {
		item["state"] = dynamo.S(string(po.State))
	}
	return item, err
}

// transact writes items all or nothing; a failed condition is ErrConflict.
func (st *Store) transact(ctx context.Context, what string, items []types.TransactWriteItem) error {
	_, err := dynamo.Transact(ctx, st.db, func(string) ([]types.TransactWriteItem, error) { return items, nil })
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		for _, r := range tce.CancellationReasons {
			if c := aws.ToString(r.Code); c == "ConditionalCheckFailed" || c == "TransactionConflict" {
				return commission.ErrConflict
			}
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func (st *Store) OpenPayout(ctx context.Context, partnerID string) (commission.Payout, bool, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: dynamo.Key(payoutsPK(partnerID), "OPEN"), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		return commission.Payout{}, false, err
	}
	id := dynamo.Str(out.Item, "payoutId")
	rec, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: dynamo.Key(payoutsPK(partnerID), "PAYOUT#"+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return commission.Payout{}, false, err
	}
	if rec.Item == nil {
		return commission.Payout{}, false, fmt.Errorf("open payout %s of %s is not stored", id, partnerID)
	}
	po, err := dynamo.DecodeDoc[commission.Payout](rec.Item)
	return po, err == nil, err
}

// CreatePayout writes the record and the OPEN item in one transaction,
// which also checks that each guard line is still approved and unclaimed.
func (st *Store) CreatePayout(ctx context.Context, po commission.Payout, guard []commission.Entry) error {
	rec, err := payoutItem(po)
	if err != nil {
		return err
	}
	open := map[string]types.AttributeValue{dynamo.AttrPK: dynamo.S(payoutsPK(po.PartnerID)), dynamo.AttrSK: dynamo.S("OPEN"), "payoutId": dynamo.S(po.ID)}
	fresh := aws.String("attribute_not_exists(PK)")
	items := []types.TransactWriteItem{
		{Put: &types.Put{TableName: &st.table, Item: open, ConditionExpression: fresh}},
		{Put: &types.Put{TableName: &st.table, Item: rec, ConditionExpression: fresh}},
	}
	for _, e := range guard {
		items = append(items, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: &st.table,
			Key:                       dynamo.Key(ledgerPK(e.PartnerID, e.Period), "LINE#"+e.ID),
			ConditionExpression:       aws.String("#state = :approved AND attribute_not_exists(payoutId)"),
			ExpressionAttributeNames:  map[string]string{"#state": "state"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":approved": dynamo.S(string(commission.StateApproved))}}})
	}
	return st.transact(ctx, "create payout "+po.ID, items)
}

func (st *Store) ClaimLines(ctx context.Context, po commission.Payout, lines []commission.Entry) error {
	items := make([]types.TransactWriteItem, 0, len(lines))
	for _, e := range lines {
		item, err := lineItem(e)
		if err != nil {
			return err
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: item,
			ConditionExpression:      aws.String("payoutId = :id OR (#state = :approved AND attribute_not_exists(payoutId))"),
			ExpressionAttributeNames: map[string]string{"#state": "state"},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":id": dynamo.S(po.ID), ":approved": dynamo.S(string(commission.StateApproved)),
			}}})
	}
	return st.transact(ctx, "claim lines for payout "+po.ID, items)
}

// ClosePayout writes the final record and removes the OPEN item, both only
// if the batch is still open.
func (st *Store) ClosePayout(ctx context.Context, po commission.Payout) error {
	rec, err := payoutItem(po)
	if err != nil {
		return err
	}
	return st.transact(ctx, "close payout "+po.ID, []types.TransactWriteItem{
		{Put: &types.Put{TableName: &st.table, Item: rec, ConditionExpression: aws.String("#state = :created"),
			ExpressionAttributeNames:  map[string]string{"#state": "state"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":created": dynamo.S(string(commission.PayoutCreated))}}},
		{Delete: &types.Delete{TableName: &st.table, Key: dynamo.Key(payoutsPK(po.PartnerID), "OPEN"), ConditionExpression: aws.String("payoutId = :id"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":id": dynamo.S(po.ID)}}},
	})
}

func (st *Store) Payouts(ctx context.Context, partnerID string) ([]commission.Payout, error) {
	return collect[commission.Payout](ctx, st, &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S(payoutsPK(partnerID)), ":p": dynamo.S("PAYOUT#")},
		ConsistentRead:            aws.Bool(true),
	})
}

func (st *Store) PeriodPayouts(ctx context.Context, period string) ([]commission.Payout, error) {
	return collect[commission.Payout](ctx, st, &dynamodb.QueryInput{
		IndexName:                 aws.String("byGroup"),
		KeyConditionExpression:    aws.String("GSI1PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("PAYOUTS#" + period)},
	})
}
