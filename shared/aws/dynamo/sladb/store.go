// Package sladb stores the SLA due index, stale marks and SLA policies.
package sladb

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/sla"
)

var (
	_ sla.Index       = (*DueIndex)(nil)
	_ sla.Leads       = (*Leads)(nil)
	_ sla.PolicyStore = (*Policies)(nil)
)

// dueShards spreads the due index over partitions, so a burst of deadlines
// never makes one hot key.
const dueShards = 16

func duePK(leadID string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(leadID))
	return fmt.Sprintf("DUE#%02d", h.Sum32()%dueShards)
}

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

// NewDueIndex is the due index of the leads table.
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
	item := dynamo.Key(dynamo.LeadPK(p.LeadID), "SLA")
	item["leadVersion"], item["body"] = dynamo.N(p.Version), dynamo.S(string(body))
	item["GSI4PK"], item["GSI4SK"] = dynamo.S(duePK(p.LeadID)), dynamo.S(dynamo.TimeKey(p.DueAt)+"#"+p.LeadID)
	return item, nil
}

func (x *DueIndex) Clear(ctx context.Context, leadID string, version int64) error {
	item := dynamo.Key(dynamo.LeadPK(leadID), "SLA")
	item["leadVersion"] = dynamo.N(version)
	return x.put(ctx, leadID, version, item)
}

func (x *DueIndex) put(ctx context.Context, leadID string, version int64, item map[string]types.AttributeValue) error {
	_, err := x.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &x.table, Item: item, ConditionExpression: aws.String(newer),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": dynamo.N(version)},
	})
	if err != nil && !dynamo.ConditionFailed(err) {
		return fmt.Errorf("put SLA item of %s: %w", leadID, err)
	}
	return nil
}

// Due queries every shard for steps due by now: one key-condition query per
// shard, so it reads only due items.
func (x *DueIndex) Due(ctx context.Context, now time.Time, limit int) ([]sla.Pending, error) {
	var out []sla.Pending
	upTo := dynamo.TimeKey(now) + "#~"
	for shard := range dueShards {
		var start map[string]types.AttributeValue
		for {
			in := &dynamodb.QueryInput{
				TableName: &x.table, IndexName: aws.String(dynamo.GSIByDue),
				KeyConditionExpression: aws.String("GSI4PK = :pk AND GSI4SK <= :upto"),
				ExpressionAttributeValues: map[string]types.AttributeValue{
					":pk": dynamo.S(fmt.Sprintf("DUE#%02d", shard)), ":upto": dynamo.S(upTo),
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
				p, err := dynamo.DecodeDoc[sla.Pending](it)
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

// Leads is the scanner's lead storage.
type Leads struct{ *dynamo.Leads }

func NewLeads(db *dynamodb.Client, table string) *Leads { return &Leads{dynamo.NewLeads(db, table)} }

// MarkStale writes the stale mark: the lead's new version (guarded by the
// version read), its history entry and its feed entry, in one transaction.
func (st *Leads) MarkStale(ctx context.Context, before, after lead.Lead, e lead.Entry) error {
	if failed, err := st.Write(ctx, dynamo.LeadWrite{Next: after, Entry: e}); failed == 0 {
		return lead.ErrVersionConflict
	} else if err != nil {
		return fmt.Errorf("stale mark of %s: %w", before.ID, err)
	}
	return nil
}

// Policies are SLA#<program> documents; a partner's program is an attribute
// of its PARTNER item.
type Policies struct{ *dynamo.Directory }

func NewPolicies(d *dynamo.Directory) *Policies { return &Policies{d} }

func (st *Policies) Program(ctx context.Context, partnerID string) (string, error) {
	p, err := st.GetPartner(ctx, partnerID)
	if errors.Is(err, admin.ErrPartnerNotFound) {
		return "", nil
	}
	return p.Program, err
}

func (st *Policies) SetProgram(ctx context.Context, partnerID, program string) error {
	var v types.AttributeValue
	if program != "" {
		v = dynamo.S(program)
	}
	return st.SetPartnerAttr(ctx, partnerID, "program", v)
}

func (st *Policies) Policy(ctx context.Context, program string) (sla.Policy, bool, error) {
	out, err := st.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.Table, Key: dynamo.Key("SLA#"+program, "SLA"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sla.Policy{}, false, fmt.Errorf("get policy %s: %w", program, err)
	}
	if out.Item == nil {
		return sla.Policy{}, false, nil
	}
	p, err := dynamo.DecodeDoc[sla.Policy](out.Item)
	return p, err == nil, err
}

func (st *Policies) Policies(ctx context.Context) ([]sla.Policy, error) {
	return dynamo.ListDocs[sla.Policy](ctx, st.Directory, "SLA")
}

// PutPolicy saves the next version: the stored one must be p.Version-1.
func (st *Policies) PutPolicy(ctx context.Context, p sla.Policy) error {
	body, err := dynamo.JSONBody(p)
	if err != nil {
		return err
	}
	item := dynamo.Key("SLA#"+p.Program, "SLA")
	item["GSI1PK"], item["GSI1SK"], item["body"], item["version"] = dynamo.S("SLA"), dynamo.S(p.Program), dynamo.S(body), dynamo.N(int64(p.Version))
	_, err = st.DB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &st.Table, Item: item,
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR version = :prev"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":prev": dynamo.N(int64(p.Version - 1))},
	})
	if dynamo.ConditionFailed(err) {
		return sla.ErrPolicyConflict
	}
	if err != nil {
		return fmt.Errorf("put policy %s: %w", p.Program, err)
	}
	return nil
}

// Escalation is where the partner's SLA policy sends escalations.
func (st *Policies) Escalation(ctx context.Context, partnerID string) ([]string, error) {
	r := sla.Resolver{Store: st, Now: time.Now}
	p, err := r.For(ctx, partnerID)
	return p.EscalateTo, err
}
