package dynamo

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Leads is the leads table: the reads every store of it shares, and the one
// way a stored lead changes (Write).
type Leads struct {
	DB    *dynamodb.Client
	Table string
}

func NewLeads(db *dynamodb.Client, table string) *Leads { return &Leads{DB: db, Table: table} }

// LeadItem is a lead as stored: its JSON fields, keys and index keys, and
// the change that produced this version (which the stream publisher turns
// into the domain event).
func LeadItem(l lead.Lead, change lead.Entry) (map[string]types.AttributeValue, error) {
	item, err := attributevalue.MarshalMapWithOptions(l, JSONTags)
	if err != nil {
		return nil, fmt.Errorf("marshal lead %s: %w", l.ID, err)
	}
	ids := make([]string, len(l.Identity))
	for i, k := range l.Identity {
		ids[i] = k.Kind + ":" + k.Hash
	}
	item[AttrPK] = S(LeadPK(l.ID))
	item[AttrSK] = S("LEAD")
	if len(ids) > 0 {
		item["identity"] = &types.AttributeValueMemberSS{Value: ids}
	}
	for k, v := range indexKeys(l) {
		item[k] = v
	}
	if err := putChange(item, change); err != nil {
		return nil, err
	}
	return item, nil
}

// indexKeys are the index attributes that follow a lead's state.
func indexKeys(l lead.Lead) map[string]types.AttributeValue {
	sk := ListSK(l.UpdatedAt, l.ID)
	m := map[string]types.AttributeValue{
		"GSI1PK": S(PartnerPK(l.PartnerID)), "GSI1SK": S(sk),
		"GSI2PK": S(PartnerStatusPK(l.PartnerID, l.Status)), "GSI2SK": S(sk),
	}
	if l.OwnerID != "" {
		m["GSI3PK"], m["GSI3SK"] = S(OwnerPK(l.OwnerID)), S(string(l.Status)+"#"+sk)
	}
	return m
}

// sparseIndexKeys are the index attributes indexKeys may leave out; an
// update removes those it does not set. (GSI4 now lives on the lead's SLA
// item; listing it here clears it from leads written before.)
var sparseIndexKeys = []string{"GSI3PK", "GSI3SK", "GSI4PK", "GSI4SK"}

func putChange(item map[string]types.AttributeValue, e lead.Entry) error {
	change, err := attributevalue.MarshalWithOptions(e, JSONTags)
	if err != nil {
		return fmt.Errorf("marshal change of %s: %w", e.LeadID, err)
	}
	item["lastChange"], item["historyHash"] = change, S(e.Hash)
	return nil
}

// DecodeLead reads a lead item.
func DecodeLead(item map[string]types.AttributeValue) (lead.Lead, error) {
	var l lead.Lead
	if err := attributevalue.UnmarshalMapWithOptions(item, &l, JSONTagsDecode); err != nil {
		return lead.Lead{}, fmt.Errorf("unmarshal lead: %w", err)
	}
	if ids, ok := item["identity"].(*types.AttributeValueMemberSS); ok {
		for _, v := range ids.Value {
			kind, hash, _ := strings.Cut(v, ":")
			l.Identity = append(l.Identity, lead.IdentityKey{Kind: kind, Hash: hash})
		}
	}
	if h, ok := item["historyHash"].(*types.AttributeValueMemberS); ok {
		l.HistoryHash = h.Value
	}
	return l, nil
}

func (st *Leads) Get(ctx context.Context, id string) (lead.Lead, error) {
	out, err := st.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.Table, Key: Key(LeadPK(id), "LEAD"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return lead.Lead{}, fmt.Errorf("get lead %s: %w", id, err)
	}
	if out.Item == nil {
		return lead.Lead{}, lead.ErrNotFound
	}
	return DecodeLead(out.Item)
}

// History returns a lead's entries in order.
func (st *Leads) History(ctx context.Context, id string) ([]lead.Entry, error) {
	var entries []lead.Entry
	p := dynamodb.NewQueryPaginator(st.DB, &dynamodb.QueryInput{
		TableName:              &st.Table,
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :h)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": S(LeadPK(id)), ":h": S("HIST#"),
		},
		ConsistentRead: aws.Bool(true),
	})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("query history of %s: %w", id, err)
		}
		for _, it := range out.Items {
			var e lead.Entry
			if err := attributevalue.UnmarshalMapWithOptions(it, &e, JSONTagsDecode); err != nil {
				return nil, fmt.Errorf("unmarshal history of %s: %w", id, err)
			}
			entries = append(entries, e)
		}
	}
	return entries, nil
}

// Claims returns the current claims on the given identity keys.
func (st *Leads) Claims(ctx context.Context, keys []lead.IdentityKey) ([]lead.Claim, error) {
	var out []lead.Claim
	for _, k := range keys {
		res, err := st.DB.GetItem(ctx, &dynamodb.GetItemInput{
			TableName: &st.Table, Key: Key(ClaimPK(k), "CLAIM"), ConsistentRead: aws.Bool(true),
		})
		if err != nil {
			return nil, fmt.Errorf("get claim %s: %w", k.Kind, err)
		}
		if res.Item == nil {
			continue
		}
		var raw struct {
			LeadID, PartnerID, ProtectedUntil string
			Open                              bool
		}
		if err := attributevalue.UnmarshalMap(res.Item, &raw); err != nil {
			return nil, fmt.Errorf("unmarshal claim: %w", err)
		}
		until, err := ParseTimeKey(raw.ProtectedUntil)
		if err != nil {
			return nil, fmt.Errorf("claim protectedUntil: %w", err)
		}
		out = append(out, lead.Claim{Key: k, LeadID: raw.LeadID, PartnerID: raw.PartnerID, Open: raw.Open, ProtectedUntil: until})
	}
	return out, nil
}
