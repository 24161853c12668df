// Package ledgerdb stores commission plans, the ledger and exports.
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

// Store keeps commission plans, the ledger and exports in the
// ledger table (see DESIGN.md). Documents are JSON in "body"; the
// attributes conditions need (version, state) sit beside it.
type Store struct {
	db    *dynamodb.Client
	table string
}

var _ commission.Store = (*Store)(nil)

func New(db *dynamodb.Client, table string) *Store {
	return &Store{db: db, table: table}
}

func planSK(p commission.Plan) string { return fmt.Sprintf("%s#V#%06d", p.ID, p.Version) }
func ledgerPK(partnerID, period string) string {
	return "LEDGER#" + partnerID + "#" + period
}

// docItem is a JSON document item with the given keys.
func docItem(keys map[string]string, v any) (map[string]types.AttributeValue, error) {
	body, err := dynamo.JSONBody(v)
	if err != nil {
		return nil, err
	}
	item := map[string]types.AttributeValue{"body": dynamo.S(body)}
	for k, val := range keys {
		item[k] = dynamo.S(val)
	}
	return item, nil
}

func (st *Store) put(ctx context.Context, item map[string]types.AttributeValue, cond string) error {
	in := &dynamodb.PutItemInput{TableName: &st.table, Item: item}
	if cond != "" {
		in.ConditionExpression = &cond
	}
	_, err := st.db.PutItem(ctx, in)
	return err
}

// query runs a paged query, handing each item to each.
func (st *Store) query(ctx context.Context, in *dynamodb.QueryInput, each func(map[string]types.AttributeValue) error) error {
	in.TableName = &st.table
	p := dynamodb.NewQueryPaginator(st.db, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("query ledger: %w", err)
		}
		for _, it := range out.Items {
			if err := each(it); err != nil {
				return err
			}
		}
	}
	return nil
}

func collect[T any](ctx context.Context, st *Store, in *dynamodb.QueryInput) ([]T, error) {
	var out []T
	err := st.query(ctx, in, func(it map[string]types.AttributeValue) error {
		v, err := dynamo.DecodeDoc[T](it)
		out = append(out, v)
		return err
	})
	return out, err
}

func (st *Store) PutPlan(ctx context.Context, p commission.Plan) error {
	item, err := docItem(map[string]string{dynamo.AttrPK: "PLAN", dynamo.AttrSK: planSK(p), "GSI1PK": "PLANSCOPE#" + p.Scope(), "GSI1SK": p.EffectiveFrom + "#" + planSK(p)}, p)
	if err != nil {
		return err
	}
	err = st.put(ctx, item, "attribute_not_exists(PK)")
	if dynamo.ConditionFailed(err) {
		return commission.ErrPlanVersionTaken
	}
	return err
}

func (st *Store) PlanVersions(ctx context.Context, id string) ([]commission.Plan, error) {
	return collect[commission.Plan](ctx, st, &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :id)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("PLAN"), ":id": dynamo.S(id + "#V#")},
		ConsistentRead:            aws.Bool(true),
	})
}

func (st *Store) Plans(ctx context.Context) ([]commission.Plan, error) {
	return collect[commission.Plan](ctx, st, &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("PLAN")},
	})
}

func (st *Store) PlanAt(ctx context.Context, scope, date string) (commission.Plan, bool, error) {
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{
		TableName: &st.table, IndexName: aws.String("byGroup"),
		KeyConditionExpression:    aws.String("GSI1PK = :pk AND GSI1SK <= :to"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("PLANSCOPE#" + scope), ":to": dynamo.S(date + "#\uffff")},
		ScanIndexForward:          aws.Bool(false), Limit: aws.Int32(1),
	})
	if err != nil || len(out.Items) == 0 {
		return commission.Plan{}, false, err
	}
	p, err := dynamo.DecodeDoc[commission.Plan](out.Items[0])
	return p, err == nil, err
}

func (st *Store) PutTier(ctx context.Context, partnerID, tier string) error {
	return st.put(ctx, map[string]types.AttributeValue{dynamo.AttrPK: dynamo.S("TIER#" + partnerID), dynamo.AttrSK: dynamo.S("TIER"), "tier": dynamo.S(tier)}, "")
}

func (st *Store) Tier(ctx context.Context, partnerID string) (string, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: dynamo.Key("TIER#"+partnerID, "TIER"), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		return "", err
	}
	t, _ := out.Item["tier"].(*types.AttributeValueMemberS)
	if t == nil {
		return "", nil
	}
	return t.Value, nil
}

func (st *Store) LeadState(ctx context.Context, leadID string) (commission.LeadState, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: dynamo.Key("LEADSTATE#"+leadID, "STATE"), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		return commission.LeadState{}, err
	}
	return dynamo.DecodeDoc[commission.LeadState](out.Item)
}

func (st *Store) LeadStates(ctx context.Context, leadIDs []string) (map[string]commission.LeadState, error) {
	keys := make([]map[string]types.AttributeValue, 0, len(leadIDs))
	for _, id := range leadIDs {
		keys = append(keys, dynamo.Key("LEADSTATE#"+id, "STATE"))
	}
	out := make(map[string]commission.LeadState, len(leadIDs))
	err := dynamo.BatchGet(ctx, st.db, st.table, keys, func(it map[string]types.AttributeValue) error {
		ls, err := dynamo.DecodeDoc[commission.LeadState](it)
		out[ls.LeadID] = ls
		return err
	})
	return out, err
}

func (st *Store) PeriodStates(ctx context.Context, partnerID string, periods []string) (map[string]commission.PeriodState, error) {
	res := map[string]commission.PeriodState{}
	for _, p := range periods {
		out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: dynamo.Key(ledgerPK(partnerID, p), "STATE"), ConsistentRead: aws.Bool(true)})
		if err != nil {
			return nil, fmt.Errorf("read period state: %w", err)
		}
		if out.Item == nil {
			res[p] = commission.PeriodState{}
			continue
		}
		if res[p], err = dynamo.DecodeDoc[commission.PeriodState](out.Item); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// versioned is a Put of a document guarded by its stored version.
func (st *Store) versioned(keys map[string]string, doc any, version int64) (types.TransactWriteItem, error) {
	item, err := docItem(keys, doc)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	item["version"] = dynamo.N(version)
	p := &types.Put{TableName: &st.table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)")}
	if version > 1 {
		p.ConditionExpression = aws.String("version = :prev")
		p.ExpressionAttributeValues = map[string]types.AttributeValue{":prev": dynamo.N(version - 1)}
	}
	return types.TransactWriteItem{Put: p}, nil
}

func lineItem(e commission.Entry) (map[string]types.AttributeValue, error) {
	item, err := docItem(map[string]string{
		dynamo.AttrPK: ledgerPK(e.PartnerID, e.Period), dynamo.AttrSK: "LINE#" + e.ID,
		"GSI1PK": "PERIOD#" + e.Period, "GSI1SK": e.PartnerID + "#" + e.ID,
		"GSI2PK": "PARTNERLINES#" + e.PartnerID, "GSI2SK": e.Period + "#" + e.ID,
	}, e)
	if err == nil {
		item["state"] = dynamo.S(string(e.State))
		if e.PayoutID != "" {
			item["payoutId"] = dynamo.S(e.PayoutID)
		}
	}
	return item, err
}

// Commit writes the lead state, the changed period states and the new
// lines in one transaction: all or nothing.
func (st *Store) Commit(ctx context.Context, before commission.LeadState, out commission.Outcome) error {
	ls, err := st.versioned(map[string]string{dynamo.AttrPK: "LEADSTATE#" + out.Lead.LeadID, dynamo.AttrSK: "STATE"}, out.Lead, before.Version+1)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{ls}
	for p, ps := range out.Periods {
		it, err := st.versioned(map[string]string{dynamo.AttrPK: ledgerPK(out.Lead.PartnerID, p), dynamo.AttrSK: "STATE"}, ps, ps.Version)
		if err != nil {
			return err
		}
		items = append(items, it)
	}
	for _, e := range out.Entries {
		item, err := lineItem(e)
		if err != nil {
			return err
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)")}})
	}
	return st.transact(ctx, "commit commission for "+out.Lead.LeadID, items)
}

// AddLine writes the line and a guard item keyed by its id alone in one
// transaction, so an id names one line whatever its partner and period.
func (st *Store) AddLine(ctx context.Context, e commission.Entry) (commission.Entry, bool, error) {
	items, err := st.newLine(e)
	if err != nil {
		return commission.Entry{}, false, err
	}
	err = st.transact(ctx, "add line "+e.ID, items)
	if !errors.Is(err, commission.ErrConflict) {
		return e, err == nil, err
	}
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: dynamo.Key("LINEID#"+e.ID, "LINEID"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return commission.Entry{}, false, err
	}
	if out.Item == nil {
		return commission.Entry{}, false, fmt.Errorf("add line %s: %w", e.ID, commission.ErrConflict)
	}
	old, err := dynamo.DecodeDoc[commission.Entry](out.Item)
	if err != nil {
		return commission.Entry{}, false, err
	}
	// The guard holds the line as added; the line itself, its state now.
	cur, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: dynamo.Key(ledgerPK(old.PartnerID, old.Period), "LINE#"+old.ID), ConsistentRead: aws.Bool(true)})
	if err != nil || cur.Item == nil {
		return old, false, err
	}
	old, err = dynamo.DecodeDoc[commission.Entry](cur.Item)
	return old, false, err
}

// newLine is the line and its guard item, each written only if absent.
func (st *Store) newLine(e commission.Entry) ([]types.TransactWriteItem, error) {
	line, err := lineItem(e)
	if err != nil {
		return nil, err
	}
	guard, err := docItem(map[string]string{dynamo.AttrPK: "LINEID#" + e.ID, dynamo.AttrSK: "LINEID"}, e)
	if err != nil {
		return nil, err
	}
	fresh := aws.String("attribute_not_exists(PK)")
	return []types.TransactWriteItem{
		{Put: &types.Put{TableName: &st.table, Item: guard, ConditionExpression: fresh}},
		{Put: &types.Put{TableName: &st.table, Item: line, ConditionExpression: fresh}},
	}, nil
}

func (st *Store) Lines(ctx context.Context, partnerID, period string) ([]commission.Entry, error) {
	return collect[commission.Entry](ctx, st, &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :line)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S(ledgerPK(partnerID, period)), ":line": dynamo.S("LINE#")},
		ConsistentRead:            aws.Bool(true),
	})
}

func (st *Store) PeriodLines(ctx context.Context, period string, each func(commission.Entry) error) error {
	return st.query(ctx, &dynamodb.QueryInput{
		IndexName:                 aws.String("byGroup"),
		KeyConditionExpression:    aws.String("GSI1PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("PERIOD#" + period)},
	}, func(it map[string]types.AttributeValue) error {
		e, err := dynamo.DecodeDoc[commission.Entry](it)
		if err != nil {
			return err
		}
		return each(e)
	})
}

func (st *Store) LinesThrough(ctx context.Context, partnerID, through string) ([]commission.Entry, error) {
	return collect[commission.Entry](ctx, st, &dynamodb.QueryInput{
		IndexName:                 aws.String("byPartner"),
		KeyConditionExpression:    aws.String("GSI2PK = :pk AND GSI2SK <= :to"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("PARTNERLINES#" + partnerID), ":to": dynamo.S(through + "#\uffff")},
	})
}

func (st *Store) SetState(ctx context.Context, e commission.Entry, from commission.State) error {
	item, err := lineItem(e)
	if err != nil {
		return err
	}
	_, err = st.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &st.table, Item: item,
		ConditionExpression:       aws.String("#state = :from"),
		ExpressionAttributeNames:  map[string]string{"#state": "state"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":from": dynamo.S(string(from))},
	})
	if dynamo.ConditionFailed(err) {
		return commission.ErrConflict
	}
	return err
}

func (st *Store) PutExport(ctx context.Context, x commission.Export) error {
	item, err := docItem(map[string]string{dynamo.AttrPK: "EXPORT#" + x.ID, dynamo.AttrSK: "EXPORT"}, x)
	if err != nil {
		return err
	}
	return st.put(ctx, item, "")
}

func (st *Store) Export(ctx context.Context, id string) (commission.Export, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: dynamo.Key("EXPORT#"+id, "EXPORT"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return commission.Export{}, err
	}
	if out.Item == nil {
		return commission.Export{}, commission.ErrExportNotFound
	}
	return dynamo.DecodeDoc[commission.Export](out.Item)
}
