package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
)

var _ lifecycle.Store = (*LeadStore)(nil)

func (st *LeadStore) ChangeStatus(ctx context.Context, c lifecycle.Change) error {
	upd, err := leadUpdate(st.table, c.After, c.Entry, "", nil)
	if err != nil {
		return err
	}
	hist, err := historyPut(st.table, c.Entry)
	if err != nil {
		return err
	}
	feed, err := feedPut(st.table, c.After, c.Entry)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{{Update: upd}, {Put: hist}, feed}
	for _, k := range c.Release {
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName:                 &st.table,
			Key:                       key(claimPK(k), "CLAIM"),
			UpdateExpression:          aws.String("SET #open = :false"),
			ConditionExpression:       aws.String("leadId = :id"),
			ExpressionAttributeNames:  map[string]string{"#open": "open"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":false": &types.AttributeValueMemberBOOL{Value: false}, ":id": s(c.After.ID)},
		}})
	}
	if c.FreeOwner != "" {
		items = append(items, openDelta(st.table, c.FreeOwner, -1, 0))
	}
	if c.TakeOwner != "" {
		items = append(items, openDelta(st.table, c.TakeOwner, 1, 0))
	}
	_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		for _, r := range tce.CancellationReasons {
			if aws.ToString(r.Code) == "ConditionalCheckFailed" {
				return lead.ErrVersionConflict // the lead or a claim moved on: read again
			}
		}
	}
	if err != nil {
		return fmt.Errorf("transact status change of %s: %w", c.After.ID, err)
	}
	return nil
}

func (st *LeadStore) Feed(ctx context.Context, partnerID, after string, limit int) (lifecycle.FeedPage, error) {
	from, err := lifecycle.DecodeCursor(after)
	if err != nil {
		return lifecycle.FeedPage{}, err
	}
	in := &dynamodb.QueryInput{
		TableName:                 &st.table,
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(feedPK(partnerID))},
		Limit:                     aws.Int32(int32(limit)),
		ConsistentRead:            aws.Bool(true),
	}
	if from != "" { // DynamoDB refuses an empty key value, so the first page has no bound
		in.KeyConditionExpression = aws.String("PK = :pk AND SK > :after")
		in.ExpressionAttributeValues[":after"] = s(from)
	}
	out, err := st.db.Query(ctx, in)
	if err != nil {
		return lifecycle.FeedPage{}, fmt.Errorf("query feed of %s: %w", partnerID, err)
	}
	page := lifecycle.FeedPage{Events: make([]lead.Event, 0, len(out.Items))}
	for _, it := range out.Items {
		var ev lead.Event
		body, _ := it["event"].(*types.AttributeValueMemberS)
		if body == nil || json.Unmarshal([]byte(body.Value), &ev) != nil {
			return lifecycle.FeedPage{}, fmt.Errorf("feed item %v is malformed", it[attrSK])
		}
		page.Events = append(page.Events, ev)
	}
	if len(out.LastEvaluatedKey) > 0 && len(page.Events) > 0 {
		page.Next = lifecycle.EncodeCursor(lifecycle.FeedKey(page.Events[len(page.Events)-1]))
	}
	return page, nil
}
