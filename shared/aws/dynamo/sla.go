package dynamo

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/sla"
)

var (
	_ sla.Index       = (*DueIndex)(nil)
	_ sla.Leads       = (*LeadStore)(nil)
	_ sla.PolicyStore = (*DirectoryStore)(nil)
)

const gsiByDue = "byDue" // GSI4: SLA items with a running deadline, sharded

// DueIndex keeps each lead's next ladder step as its SLA item
// (LEAD#<id> / SLA) in the leads table, keyed into the sparse, sharded
// byDue index while a step is pending.
type DueIndex struct {
	db    *dynamodb.Client
	table string
	// ReadItems counts the items the index queries returned (their
	// ScannedCount): what a scan costs.
	mu        sync.Mutex
	ReadItems int64
}

func NewDueIndex(db *dynamodb.Client, table string) *DueIndex { return &DueIndex{db: db, table: table} }

// newer is the guard of every SLA item write: stream retries must not put
// back a step an older lead version computed.
const newer = "attribute_not_exists(PK) OR leadVersion <= :v"

func (x *DueIndex) Put(ctx context.Context, p sla.Pending) error {
	item, err := dueItem(p)
	if err != nil {
		return err
	}
	return x.put(ctx, p.LeadID, p.Version, item)
}

// dueItem is a pending step's SLA item, keyed into the byDue index.
func dueItem(p sla.Pending) (map[string]types.AttributeValue, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("marshal pending step of %s: %w", p.LeadID, err)
	}
	item := key(leadPK(p.LeadID), "SLA")
	item["leadVersion"], item["body"] = num(p.Version), s(string(body))
	item["GSI4PK"], item["GSI4SK"] = s(duePK(p.LeadID)), s(fmtTime(p.DueAt)+"#"+p.LeadID)
	return item, nil
}

func (x *DueIndex) Clear(ctx context.Context, leadID string, version int64) error {
	item := key(leadPK(leadID), "SLA")
	item["leadVersion"] = num(version)
	return x.put(ctx, leadID, version, item)
}

func (x *DueIndex) put(ctx context.Context, leadID string, version int64, item map[string]types.AttributeValue) error {
	_, err := x.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &x.table, Item: item, ConditionExpression: aws.String(newer),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": num(version)},
	})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return fmt.Errorf("put SLA item of %s: %w", leadID, err)
	}
	return nil
}

// Due queries every shard for steps due by now: one key-condition query per
// shard, so it reads only due items.
func (x *DueIndex) Due(ctx context.Context, now time.Time, limit int) ([]sla.Pending, error) {
	var out []sla.Pending
	upTo := fmtTime(now) + "#~"
	for shard := range dueShards {
		var start map[string]types.AttributeValue
		for {
			in := &dynamodb.QueryInput{
				TableName: &x.table, IndexName: aws.String(gsiByDue),
				KeyConditionExpression: aws.String("GSI4PK = :pk AND GSI4SK <= :upto"),
				ExpressionAttributeValues: map[string]types.AttributeValue{
					":pk": s(fmt.Sprintf("DUE#%02d", shard)), ":upto": s(upTo),
				},
				ExclusiveStartKey: start,
			}
			if limit > 0 {
				in.Limit = aws.Int32(int32(limit))
			}
			page, err := x.db.Query(ctx, in)
			if err != nil {
				return nil, fmt.Errorf("query due shard %d: %w", shard, err)
			}
			x.mu.Lock()
			x.ReadItems += int64(page.ScannedCount)
			x.mu.Unlock()
			for _, it := range page.Items {
				p, err := decodeDoc[sla.Pending](it)
				if err != nil {
					return nil, fmt.Errorf("decode SLA item: %w", err)
				}
				out = append(out, p)
			}
			if page.LastEvaluatedKey == nil || (limit > 0 && len(out) >= limit) {
				break
			}
			start = page.LastEvaluatedKey
		}
	}
	slices.SortFunc(out, func(a, b sla.Pending) int {
		return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.LeadID, b.LeadID))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// MarkStale writes the stale mark: the lead's new version (guarded by the
// version read), its history entry and its feed entry, in one transaction.
func (st *LeadStore) MarkStale(ctx context.Context, before, after lead.Lead, e lead.Entry) error {
	upd, err := leadUpdate(st.table, after, e, "", nil)
	if err != nil {
		return err
	}
	hist, err := historyPut(st.table, e)
	if err != nil {
		return err
	}
	feed, err := feedPut(st.table, after, e)
	if err != nil {
		return err
	}
	_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{
		TransactItems: []types.TransactWriteItem{{Update: upd}, {Put: hist}, feed},
	})
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) && len(tce.CancellationReasons) > 0 && aws.ToString(tce.CancellationReasons[0].Code) == "ConditionalCheckFailed" {
		return lead.ErrVersionConflict
	}
	if err != nil {
		return fmt.Errorf("transact stale mark of %s: %w", before.ID, err)
	}
	return nil
}

// Policies are SLA#<program> documents; a partner's program is an attribute
// of its PARTNER item.

func (st *DirectoryStore) Program(ctx context.Context, partnerID string) (string, error) {
	p, err := st.GetPartner(ctx, partnerID)
	if errors.Is(err, admin.ErrPartnerNotFound) {
		return "", nil
	}
	return p.Program, err
}

func (st *DirectoryStore) SetProgram(ctx context.Context, partnerID, program string) error {
	var v types.AttributeValue
	if program != "" {
		v = s(program)
	}
	return st.setPartnerAttr(ctx, partnerID, "program", v)
}

// setPartnerAttr sets one attribute of an existing partner, or removes it
// when v is nil: admin.ErrPartnerNotFound if there is no such partner.
func (st *DirectoryStore) setPartnerAttr(ctx context.Context, partnerID, attr string, v types.AttributeValue) error {
	expr, vals := "SET #a = :v", map[string]types.AttributeValue{":v": v}
	if v == nil {
		expr, vals = "REMOVE #a", nil
	}
	_, err := st.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &st.table, Key: key("PARTNER#"+partnerID, "PARTNER"),
		UpdateExpression: &expr, ExpressionAttributeNames: map[string]string{"#a": attr}, ExpressionAttributeValues: vals,
		ConditionExpression: aws.String("attribute_exists(PK)"),
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return admin.ErrPartnerNotFound
	}
	if err != nil {
		return fmt.Errorf("set %s of partner %s: %w", attr, partnerID, err)
	}
	return nil
}

func (st *DirectoryStore) Policy(ctx context.Context, program string) (sla.Policy, bool, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key("SLA#"+program, "SLA"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sla.Policy{}, false, fmt.Errorf("get policy %s: %w", program, err)
	}
	if out.Item == nil {
		return sla.Policy{}, false, nil
	}
	p, err := decodeDoc[sla.Policy](out.Item)
	return p, err == nil, err
}

func (st *DirectoryStore) Policies(ctx context.Context) ([]sla.Policy, error) {
	return listType(ctx, st, "SLA", decodeDoc[sla.Policy])
}

// PutPolicy saves the next version: the stored one must be p.Version-1.
func (st *DirectoryStore) PutPolicy(ctx context.Context, p sla.Policy) error {
	body, err := jsonBody(p)
	if err != nil {
		return err
	}
	item := key("SLA#"+p.Program, "SLA")
	item["GSI1PK"], item["GSI1SK"], item["body"], item["version"] = s("SLA"), s(p.Program), s(body), num(int64(p.Version))
	_, err = st.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &st.table, Item: item,
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR version = :prev"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":prev": num(int64(p.Version - 1))},
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return sla.ErrPolicyConflict
	}
	if err != nil {
		return fmt.Errorf("put policy %s: %w", p.Program, err)
	}
	return nil
}

// Escalation is where the partner's SLA policy sends escalations.
func (st *DirectoryStore) Escalation(ctx context.Context, partnerID string) ([]string, error) {
	r := sla.Resolver{Store: st, Now: time.Now}
	p, err := r.For(ctx, partnerID)
	return p.EscalateTo, err
}
