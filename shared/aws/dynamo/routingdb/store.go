package routingdb

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/routing"
)

// Store is the router's lead storage: assignments with the rep counters and
// the round-robin pointers, and the decisions that explain them.
type Store struct{ *dynamo.Leads }

var _ routing.Store = (*Store)(nil)

func New(db *dynamodb.Client, table string) *Store { return &Store{dynamo.NewLeads(db, table)} }

func pointerPK(ruleID string) string { return "RR#" + ruleID }
func decisionSK(seq int64) string    { return fmt.Sprintf("ROUTING#%010d", seq) }

func (st *Store) Loads(ctx context.Context, repIDs []string, day func(string) string) (map[string]routing.Load, error) {
	loads := make(map[string]routing.Load, len(repIDs))
	var keys []map[string]types.AttributeValue
	seen := map[string]bool{}
	for _, id := range repIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		loads[id] = routing.Load{Day: day(id)}
		keys = append(keys, dynamo.Key(dynamo.LoadPK(id), "OPEN"), dynamo.Key(dynamo.LoadPK(id), "DAY#"+day(id)))
	}
	err := dynamo.BatchGet(ctx, st.DB, st.Table, keys, func(it map[string]types.AttributeValue) error {
		var raw struct {
			PK, SK  string
			Open, N int
		}
		if err := attributevalue.UnmarshalMap(it, &raw); err != nil {
			return fmt.Errorf("unmarshal load: %w", err)
		}
		id := raw.PK[len("LOAD#"):]
		l := loads[id]
		if raw.SK == "OPEN" {
			l.Open = raw.Open
		} else {
			l.DayCount = raw.N
		}
		loads[id] = l
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read rep loads: %w", err)
	}
	return loads, nil
}

func (st *Store) Pointer(ctx context.Context, ruleID string) (int64, error) {
	out, err := st.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.Table, Key: dynamo.Key(pointerPK(ruleID), "POINTER"), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		return 0, err
	}
	n, ok := out.Item["n"].(*types.AttributeValueMemberN)
	if !ok {
		return 0, errors.New("pointer without n")
	}
	return strconv.ParseInt(n.Value, 10, 64)
}

func (st *Store) decisionPut(leadID string, seq int64, d routing.Decision) (types.TransactWriteItem, error) {
	item, err := attributevalue.MarshalMapWithOptions(d, dynamo.JSONTags)
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("marshal decision: %w", err)
	}
	item[dynamo.AttrPK], item[dynamo.AttrSK] = dynamo.S(dynamo.LeadPK(leadID)), dynamo.S(decisionSK(seq))
	return types.TransactWriteItem{Put: &types.Put{TableName: &st.Table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)")}}, nil
}

func (st *Store) Assign(ctx context.Context, a routing.Assignment) error {
	d := a.Decision
	next := a.Next()
	dec, err := st.decisionPut(next.ID, next.Version, d)
	if err != nil {
		return err
	}
	maxOpen, cap := 0, 0
	if d.WithinCapacity {
		maxOpen, cap = a.MaxOpen, a.DailyCap
	}
	extra := []types.TransactWriteItem{dec, dynamo.OpenDelta(st.Table, d.Chosen, 1, maxOpen), dynamo.DayIncrement(st.Table, d.Chosen, a.Day, cap)}
	if d.PointerAfter > 0 {
		extra = append(extra, st.pointerMove(d))
	}
	failed, err := st.Write(ctx, dynamo.LeadWrite{Next: next, Entry: a.Entry,
		Cond: "#status = :new AND attribute_not_exists(ownerId)", Vals: map[string]types.AttributeValue{":new": dynamo.S(string(lead.StatusNew))},
		Extra: extra})
	switch failed {
	case 0:
		return routing.ErrLeadChanged
	case dynamo.ExtraAt(1), dynamo.ExtraAt(2):
		return &routing.CapacityError{RepID: d.Chosen}
	case dynamo.ExtraAt(3):
		return routing.ErrPointerMoved
	}
	return err
}

// pointerMove advances a round-robin pointer from where the decision read it.
func (st *Store) pointerMove(d routing.Decision) types.TransactWriteItem {
	cond := "n = :before"
	if d.PointerBefore == 0 {
		cond = "attribute_not_exists(n) OR n = :before"
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: &st.Table, Key: dynamo.Key(pointerPK(d.RuleID), "POINTER"),
		UpdateExpression:          aws.String("SET n = :after"),
		ConditionExpression:       &cond,
		ExpressionAttributeValues: map[string]types.AttributeValue{":before": dynamo.N(d.PointerBefore), ":after": dynamo.N(d.PointerAfter)},
	}}
}

func (st *Store) Reassign(ctx context.Context, r routing.Reassignment) error {
	next := r.Next()
	var extra []types.TransactWriteItem
	capacityAt, pointerAt := -1, -1
	if r.NewOwner != r.Lead.OwnerID {
		maxOpen, cap := 0, 0
		if r.Enforce {
			maxOpen, cap = r.MaxOpen, r.DailyCap
		}
		capacityAt = len(extra) + 1
		extra = append(extra, dynamo.OpenDelta(st.Table, r.Lead.OwnerID, -1, 0),
			dynamo.OpenDelta(st.Table, r.NewOwner, 1, maxOpen), dynamo.DayIncrement(st.Table, r.NewOwner, r.Day, cap))
	}
	if d := r.Decision; d != nil {
		dec, err := st.decisionPut(next.ID, next.Version, *d)
		if err != nil {
			return err
		}
		extra = append(extra, dec)
		if d.PointerAfter > 0 {
			pointerAt = len(extra)
			extra = append(extra, st.pointerMove(*d))
		}
	}
	failed, err := st.Write(ctx, dynamo.LeadWrite{Next: next, Entry: r.Entry,
		Cond: "ownerId = :old", Vals: map[string]types.AttributeValue{":old": dynamo.S(r.Lead.OwnerID)}, Extra: extra})
	switch {
	case failed == 0:
		return routing.ErrLeadChanged
	case capacityAt >= 0 && (failed == dynamo.ExtraAt(capacityAt) || failed == dynamo.ExtraAt(capacityAt+1)):
		return &routing.CapacityError{RepID: r.NewOwner}
	case pointerAt >= 0 && failed == dynamo.ExtraAt(pointerAt):
		return routing.ErrPointerMoved
	}
	return err
}

func (st *Store) Decisions(ctx context.Context, leadID string) ([]routing.Decision, error) {
	out, err := st.DB.Query(ctx, &dynamodb.QueryInput{
		TableName:              &st.Table,
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :r)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": dynamo.S(dynamo.LeadPK(leadID)), ":r": dynamo.S("ROUTING#"),
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
		if err := attributevalue.UnmarshalMapWithOptions(it, &d, dynamo.JSONTagsDecode); err != nil {
			return nil, fmt.Errorf("unmarshal decision: %w", err)
		}
		ds = append(ds, d)
	}
	return ds, nil
}
