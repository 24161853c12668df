package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/routing"
)

var _ routing.Store = (*LeadStore)(nil)

// Rep load lives in two counters under LOAD#<rep>: OPEN (open leads owned)
// and DAY#<local date> (leads assigned that day). openDelta and dayIncrement
// are the only code that changes them.

// openDelta changes a rep's open count; with max > 0 it refuses to go past it.
func openDelta(table, repID string, delta, max int) types.TransactWriteItem {
	u := &types.Update{
		TableName:                 &table,
		Key:                       key(loadPK(repID), "OPEN"),
		UpdateExpression:          aws.String("ADD #open :d"),
		ExpressionAttributeNames:  map[string]string{"#open": "open"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": num(int64(delta))},
	}
	if max > 0 && delta > 0 {
		u.ConditionExpression = aws.String("attribute_not_exists(#open) OR #open < :max")
		u.ExpressionAttributeValues[":max"] = num(int64(max))
	}
	return types.TransactWriteItem{Update: u}
}

// dayIncrement counts an assignment on the rep's local day; with cap > 0 it
// refuses to go past it.
func dayIncrement(table, repID, day string, cap int) types.TransactWriteItem {
	u := &types.Update{
		TableName:                 &table,
		Key:                       key(loadPK(repID), "DAY#"+day),
		UpdateExpression:          aws.String("ADD n :one"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": num(1)},
	}
	if cap > 0 {
		u.ConditionExpression = aws.String("attribute_not_exists(n) OR n < :cap")
		u.ExpressionAttributeValues[":cap"] = num(int64(cap))
	}
	return types.TransactWriteItem{Update: u}
}

func (st *LeadStore) Loads(ctx context.Context, repIDs []string, day func(string) string) (map[string]routing.Load, error) {
	loads := make(map[string]routing.Load, len(repIDs))
	var keys []map[string]types.AttributeValue
	seen := map[string]bool{}
	for _, id := range repIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		loads[id] = routing.Load{Day: day(id)}
		keys = append(keys, key(loadPK(id), "OPEN"), key(loadPK(id), "DAY#"+day(id)))
	}
	for len(keys) > 0 {
		batch := keys[:min(len(keys), 100)]
		keys = keys[len(batch):]
		for len(batch) > 0 {
			out, err := st.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
				st.table: {Keys: batch, ConsistentRead: aws.Bool(true)},
			}})
			if err != nil {
				return nil, fmt.Errorf("read rep loads: %w", err)
			}
			for _, it := range out.Responses[st.table] {
				var raw struct {
					PK, SK  string
					Open, N int
				}
				if err := attributevalue.UnmarshalMap(it, &raw); err != nil {
					return nil, fmt.Errorf("unmarshal load: %w", err)
				}
				id := raw.PK[len("LOAD#"):]
				l := loads[id]
				if raw.SK == "OPEN" {
					l.Open = raw.Open
				} else {
					l.DayCount = raw.N
				}
				loads[id] = l
			}
			batch = out.UnprocessedKeys[st.table].Keys
		}
	}
	return loads, nil
}

func (st *LeadStore) Pointer(ctx context.Context, ruleID string) (int64, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(pointerPK(ruleID), "POINTER"), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		return 0, err
	}
	n, ok := out.Item["n"].(*types.AttributeValueMemberN)
	if !ok {
		return 0, errors.New("pointer without n")
	}
	return strconv.ParseInt(n.Value, 10, 64)
}

func (st *LeadStore) decisionPut(leadID string, seq int64, d routing.Decision) (types.TransactWriteItem, error) {
	item, err := attributevalue.MarshalMapWithOptions(d, jsonTags)
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("marshal decision: %w", err)
	}
	item[attrPK], item[attrSK] = s(leadPK(leadID)), s(decisionSK(seq))
	return types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)")}}, nil
}

func (st *LeadStore) Assign(ctx context.Context, a routing.Assignment) error {
	d := a.Decision
	next := a.Next()
	upd, err := leadUpdate(st.table, next, a.Entry, "#status = :new AND attribute_not_exists(ownerId)",
		map[string]types.AttributeValue{":new": s(string(lead.StatusNew))})
	if err != nil {
		return err
	}
	hist, err := historyPut(st.table, a.Entry)
	if err != nil {
		return err
	}
	dec, err := st.decisionPut(next.ID, next.Version, d)
	if err != nil {
		return err
	}
	maxOpen, cap := 0, 0
	if d.WithinCapacity {
		maxOpen, cap = a.MaxOpen, a.DailyCap
	}
	items := []types.TransactWriteItem{{Update: upd}, {Put: hist}, dec,
		openDelta(st.table, d.Chosen, 1, maxOpen), dayIncrement(st.table, d.Chosen, a.Day, cap)}
	if d.PointerAfter > 0 {
		cond := "n = :before"
		if d.PointerBefore == 0 {
			cond = "attribute_not_exists(n) OR n = :before"
		}
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName: &st.table, Key: key(pointerPK(d.RuleID), "POINTER"),
			UpdateExpression:          aws.String("SET n = :after"),
			ConditionExpression:       &cond,
			ExpressionAttributeValues: map[string]types.AttributeValue{":before": num(d.PointerBefore), ":after": num(d.PointerAfter)},
		}})
	}
	feed, err := feedPut(st.table, next, a.Entry)
	if err != nil {
		return err
	}
	_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: append(items, feed)})
	return assignError(err, d.Chosen)
}

// assignError maps a cancelled assignment to the reason the router retries on.
func assignError(err error, rep string) error {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		if err != nil {
			return fmt.Errorf("transact assignment: %w", err)
		}
		return nil
	}
	for i, r := range tce.CancellationReasons {
		if aws.ToString(r.Code) != "ConditionalCheckFailed" {
			continue
		}
		switch {
		case i == 0:
			return routing.ErrLeadChanged
		case i == 3 || i == 4:
			return &routing.CapacityError{RepID: rep}
		case i == 5:
			return routing.ErrPointerMoved
		}
	}
	return fmt.Errorf("transact assignment: %w", err)
}

func (st *LeadStore) Reassign(ctx context.Context, r routing.Reassignment) error {
	next := r.Next()
	upd, err := leadUpdate(st.table, next, r.Entry, "ownerId = :old", map[string]types.AttributeValue{":old": s(r.Lead.OwnerID)})
	if err != nil {
		return err
	}
	hist, err := historyPut(st.table, r.Entry)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{{Update: upd}, {Put: hist}}
	if r.NewOwner != r.Lead.OwnerID {
		items = append(items, openDelta(st.table, r.Lead.OwnerID, -1, 0), openDelta(st.table, r.NewOwner, 1, 0))
	}
	if r.Decision != nil {
		dec, err := st.decisionPut(next.ID, next.Version, *r.Decision)
		if err != nil {
			return err
		}
		items = append(items, dec)
	}
	feed, err := feedPut(st.table, next, r.Entry)
	if err != nil {
		return err
	}
	_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: append(items, feed)})
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) && len(tce.CancellationReasons) > 0 && aws.ToString(tce.CancellationReasons[0].Code) == "ConditionalCheckFailed" {
		return routing.ErrLeadChanged
	}
	if err != nil {
		return fmt.Errorf("transact reassignment: %w", err)
	}
	return nil
}

func (st *LeadStore) Decisions(ctx context.Context, leadID string) ([]routing.Decision, error) {
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{
		TableName:              &st.table,
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :r)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": s(leadPK(leadID)), ":r": s("ROUTING#"),
		},
		ScanIndexForward: aws.Bool(false),
		ConsistentRead:   aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("query decisions of %s: %w", leadID, err)
	}
	ds := make([]routing.Decision, 0, len(out.Items))
	for _, it := range out.Items {
		var d routing.Decision
		if err := attributevalue.UnmarshalMapWithOptions(it, &d, jsonTagsDecode); err != nil {
			return nil, fmt.Errorf("unmarshal decision: %w", err)
		}
		ds = append(ds, d)
	}
	return ds, nil
}
