package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/commission"
)

// LedgerStore keeps commission plans, the ledger and exports in the
// ledger table (see DESIGN.md). Documents are JSON in "body"; the
// attributes conditions need (version, state) sit beside it.
type LedgerStore struct {
	db    *dynamodb.Client
	table string
}

var _ commission.Store = (*LedgerStore)(nil)

func NewLedgerStore(db *dynamodb.Client, table string) *LedgerStore {
	return &LedgerStore{db: db, table: table}
}

func planSK(p commission.Plan) string { return fmt.Sprintf("%s#V#%06d", p.ID, p.Version) }
func ledgerPK(partnerID, period string) string {
	return "LEDGER#" + partnerID + "#" + period
}

// docItem is a JSON document item with the given keys.
func docItem(keys map[string]string, v any) (map[string]types.AttributeValue, error) {
	body, err := jsonBody(v)
	if err != nil {
		return nil, err
	}
	item := map[string]types.AttributeValue{"body": s(body)}
	for k, val := range keys {
		item[k] = s(val)
	}
	return item, nil
}

func (st *LedgerStore) put(ctx context.Context, item map[string]types.AttributeValue, cond string) error {
	in := &dynamodb.PutItemInput{TableName: &st.table, Item: item}
	if cond != "" {
		in.ConditionExpression = &cond
	}
	_, err := st.db.PutItem(ctx, in)
	return err
}

// query runs a paged query, handing each item to each.
func (st *LedgerStore) query(ctx context.Context, in *dynamodb.QueryInput, each func(map[string]types.AttributeValue) error) error {
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

func collect[T any](ctx context.Context, st *LedgerStore, in *dynamodb.QueryInput) ([]T, error) {
	var out []T
	err := st.query(ctx, in, func(it map[string]types.AttributeValue) error {
		v, err := decodeDoc[T](it)
		out = append(out, v)
		return err
	})
	return out, err
}

func (st *LedgerStore) PutPlan(ctx context.Context, p commission.Plan) error {
	item, err := docItem(map[string]string{attrPK: "PLAN", attrSK: planSK(p), "GSI1PK": "PLANSCOPE#" + p.Scope(), "GSI1SK": p.EffectiveFrom + "#" + planSK(p)}, p)
	if err != nil {
		return err
	}
	err = st.put(ctx, item, "attribute_not_exists(PK)")
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return commission.ErrPlanVersionTaken
	}
	return err
}

func (st *LedgerStore) PlanVersions(ctx context.Context, id string) ([]commission.Plan, error) {
	return collect[commission.Plan](ctx, st, &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :id)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s("PLAN"), ":id": s(id + "#V#")},
		ConsistentRead:            aws.Bool(true),
	})
}

func (st *LedgerStore) Plans(ctx context.Context) ([]commission.Plan, error) {
	return collect[commission.Plan](ctx, st, &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s("PLAN")},
	})
}

func (st *LedgerStore) PlanAt(ctx context.Context, scope, date string) (commission.Plan, bool, error) {
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{
		TableName: &st.table, IndexName: aws.String("byGroup"),
		KeyConditionExpression:    aws.String("GSI1PK = :pk AND GSI1SK <= :to"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s("PLANSCOPE#" + scope), ":to": s(date + "#\uffff")},
		ScanIndexForward:          aws.Bool(false), Limit: aws.Int32(1),
	})
	if err != nil || len(out.Items) == 0 {
		return commission.Plan{}, false, err
	}
	p, err := decodeDoc[commission.Plan](out.Items[0])
	return p, err == nil, err
}

func (st *LedgerStore) PutTier(ctx context.Context, partnerID, tier string) error {
	return st.put(ctx, map[string]types.AttributeValue{attrPK: s("TIER#" + partnerID), attrSK: s("TIER"), "tier": s(tier)}, "")
}

func (st *LedgerStore) Tier(ctx context.Context, partnerID string) (string, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key("TIER#"+partnerID, "TIER"), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		return "", err
	}
	t, _ := out.Item["tier"].(*types.AttributeValueMemberS)
	if t == nil {
		return "", nil
	}
	return t.Value, nil
}

func (st *LedgerStore) LeadState(ctx context.Context, leadID string) (commission.LeadState, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key("LEADSTATE#"+leadID, "STATE"), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		return commission.LeadState{}, err
	}
	return decodeDoc[commission.LeadState](out.Item)
}

func (st *LedgerStore) PeriodStates(ctx context.Context, partnerID string, periods []string) (map[string]commission.PeriodState, error) {
	res := map[string]commission.PeriodState{}
	for _, p := range periods {
		out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(ledgerPK(partnerID, p), "STATE"), ConsistentRead: aws.Bool(true)})
		if err != nil {
			return nil, fmt.Errorf("read period state: %w", err)
		}
		if out.Item == nil {
			res[p] = commission.PeriodState{}
			continue
		}
		if res[p], err = decodeDoc[commission.PeriodState](out.Item); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// versioned is a Put of a document guarded by its stored version.
func (st *LedgerStore) versioned(keys map[string]string, doc any, version int64) (types.TransactWriteItem, error) {
	item, err := docItem(keys, doc)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	item["version"] = num(version)
	p := &types.Put{TableName: &st.table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)")}
	if version > 1 {
		p.ConditionExpression = aws.String("version = :prev")
		p.ExpressionAttributeValues = map[string]types.AttributeValue{":prev": num(version - 1)}
	}
	return types.TransactWriteItem{Put: p}, nil
}

func lineItem(e commission.Entry) (map[string]types.AttributeValue, error) {
	item, err := docItem(map[string]string{
		attrPK: ledgerPK(e.PartnerID, e.Period), attrSK: "LINE#" + e.ID,
		"GSI1PK": "PERIOD#" + e.Period, "GSI1SK": e.PartnerID + "#" + e.ID,
		"GSI2PK": "PARTNERLINES#" + e.PartnerID, "GSI2SK": e.Period + "#" + e.ID,
	}, e)
	if err == nil {
		item["state"] = s(string(e.State))
	}
	return item, err
}

// Commit writes the lead state, the changed period states and the new
// lines in one transaction: all or nothing.
func (st *LedgerStore) Commit(ctx context.Context, before commission.LeadState, out commission.Outcome) error {
	ls, err := st.versioned(map[string]string{attrPK: "LEADSTATE#" + out.Lead.LeadID, attrSK: "STATE"}, out.Lead, before.Version+1)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{ls}
	for p, ps := range out.Periods {
		it, err := st.versioned(map[string]string{attrPK: ledgerPK(out.Lead.PartnerID, p), attrSK: "STATE"}, ps, ps.Version)
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
	_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		for _, r := range tce.CancellationReasons {
			if c := aws.ToString(r.Code); c == "ConditionalCheckFailed" || c == "TransactionConflict" {
				return commission.ErrConflict
			}
		}
	}
	if err != nil {
		return fmt.Errorf("commit commission for %s: %w", out.Lead.LeadID, err)
	}
	return nil
}

func (st *LedgerStore) Lines(ctx context.Context, partnerID, period string) ([]commission.Entry, error) {
	return collect[commission.Entry](ctx, st, &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :line)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(ledgerPK(partnerID, period)), ":line": s("LINE#")},
		ConsistentRead:            aws.Bool(true),
	})
}

func (st *LedgerStore) PeriodLines(ctx context.Context, period string, each func(commission.Entry) error) error {
	return st.query(ctx, &dynamodb.QueryInput{
		IndexName:                 aws.String("byGroup"),
		KeyConditionExpression:    aws.String("GSI1PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s("PERIOD#" + period)},
	}, func(it map[string]types.AttributeValue) error {
		e, err := decodeDoc[commission.Entry](it)
		if err != nil {
			return err
		}
		return each(e)
	})
}

func (st *LedgerStore) LinesThrough(ctx context.Context, partnerID, through string) ([]commission.Entry, error) {
	return collect[commission.Entry](ctx, st, &dynamodb.QueryInput{
		IndexName:                 aws.String("byPartner"),
		KeyConditionExpression:    aws.String("GSI2PK = :pk AND GSI2SK <= :to"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s("PARTNERLINES#" + partnerID), ":to": s(through + "#\uffff")},
	})
}

func (st *LedgerStore) SetState(ctx context.Context, e commission.Entry, from commission.State) error {
	item, err := lineItem(e)
	if err != nil {
		return err
	}
	_, err = st.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &st.table, Item: item,
		ConditionExpression:       aws.String("#state = :from"),
		ExpressionAttributeNames:  map[string]string{"#state": "state"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":from": s(string(from))},
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return commission.ErrConflict
	}
	return err
}

func (st *LedgerStore) PutExport(ctx context.Context, x commission.Export) error {
	item, err := docItem(map[string]string{attrPK: "EXPORT#" + x.ID, attrSK: "EXPORT"}, x)
	if err != nil {
		return err
	}
	return st.put(ctx, item, "")
}

func (st *LedgerStore) Export(ctx context.Context, id string) (commission.Export, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key("EXPORT#"+id, "EXPORT"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return commission.Export{}, err
	}
	if out.Item == nil {
		return commission.Export{}, commission.ErrExportNotFound
	}
	return decodeDoc[commission.Export](out.Item)
}
