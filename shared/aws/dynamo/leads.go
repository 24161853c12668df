package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// LeadStore keeps leads, their history, identity claims and idempotency
// records in one table.
type LeadStore struct {
	db    *dynamodb.Client
	table string
}

var _ intake.Store = (*LeadStore)(nil)

func NewLeadStore(db *dynamodb.Client, table string) *LeadStore {
	return &LeadStore{db: db, table: table}
}

func jsonTags(o *attributevalue.EncoderOptions)       { o.TagKey = "json" }
func jsonTagsDecode(o *attributevalue.DecoderOptions) { o.TagKey = "json" }

// leadItem is a lead as stored: its JSON fields, keys and index keys, and
// the change that produced this version (which the stream publisher turns
// into the domain event).
func leadItem(l lead.Lead, change lead.Entry) (map[string]types.AttributeValue, error) {
	item, err := attributevalue.MarshalMapWithOptions(l, jsonTags)
	if err != nil {
		return nil, fmt.Errorf("marshal lead %s: %w", l.ID, err)
	}
	ids := make([]string, len(l.Identity))
	for i, k := range l.Identity {
		ids[i] = k.Kind + ":" + k.Hash
	}
	item[attrPK] = s(leadPK(l.ID))
	item[attrSK] = s("LEAD")
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
	sk := listSK(l.UpdatedAt, l.ID)
	m := map[string]types.AttributeValue{
		"GSI1PK": s(partnerPK(l.PartnerID)), "GSI1SK": s(sk),
		"GSI2PK": s(partnerStatusPK(l.PartnerID, l.Status)), "GSI2SK": s(sk),
	}
	if l.OwnerID != "" {
		m["GSI3PK"], m["GSI3SK"] = s(ownerPK(l.OwnerID)), s(string(l.Status)+"#"+sk)
	}
	return m
}

// sparseIndexKeys are the index attributes indexKeys may leave out; an
// update removes those it does not set. (GSI4 now lives on the lead's SLA
// item; listing it here clears it from leads written before.)
var sparseIndexKeys = []string{"GSI3PK", "GSI3SK", "GSI4PK", "GSI4SK"}

func putChange(item map[string]types.AttributeValue, e lead.Entry) error {
	change, err := attributevalue.MarshalWithOptions(e, jsonTags)
	if err != nil {
		return fmt.Errorf("marshal change of %s: %w", e.LeadID, err)
	}
	item["lastChange"], item["historyHash"] = change, s(e.Hash)
	return nil
}

func decodeLead(item map[string]types.AttributeValue) (lead.Lead, error) {
	var l lead.Lead
	if err := attributevalue.UnmarshalMapWithOptions(item, &l, jsonTagsDecode); err != nil {
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

func (st *LeadStore) Create(ctx context.Context, c intake.Creation) error {
	li, err := leadItem(c.Lead, c.Entry)
	if err != nil {
		return err
	}
	hi, err := historyPut(st.table, c.Entry)
	if err != nil {
		return err
	}

	now := s(fmtTime(c.Now))
	feed, err := feedPut(st.table, c.Lead, c.Entry)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{
		{Put: &types.Put{TableName: &st.table, Item: li, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Put: hi},
		feed,
	}
	idemAt := -1
	if r := c.Idempotency; r != nil {
		idemAt = len(items)
		items = append(items, types.TransactWriteItem{Put: &types.Put{
			TableName: &st.table,
			Item: map[string]types.AttributeValue{
				attrPK: s(idemPK(r.PartnerID, r.Key)), attrSK: s("IDEM"),
				"fingerprint": s(r.Fingerprint), "leadId": s(r.LeadID),
				"receivedAt": s(fmtTime(r.ReceivedAt)), "expiresAt": s(fmtTime(r.ExpiresAt)),
				"ttl": &types.AttributeValueMemberN{Value: strconv.FormatInt(r.ExpiresAt.Unix(), 10)},
			},
			// TTL deletion lags, so an expired record counts as absent.
			ConditionExpression:       aws.String("attribute_not_exists(PK) OR expiresAt <= :now"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":now": now},
		}})
	}
	claimsAt := len(items)
	for _, cl := range c.Claims {
		items = append(items, types.TransactWriteItem{Put: &types.Put{
			TableName: &st.table,
			Item: map[string]types.AttributeValue{
				attrPK: s(claimPK(cl.Key)), attrSK: s("CLAIM"),
				"leadId": s(cl.LeadID), "partnerId": s(cl.PartnerID),
				"open": &types.AttributeValueMemberBOOL{Value: cl.Open}, "protectedUntil": s(fmtTime(cl.ProtectedUntil)),
			},
			// The same rule as lead.Claim.Blocks, negated: the put may
			// replace a claim only when that claim does not block.
			ConditionExpression:      aws.String("attribute_not_exists(PK) OR #open = :false OR (partnerId <> :pid AND protectedUntil <= :now)"),
			ExpressionAttributeNames: map[string]string{"#open": "open"},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":false": &types.AttributeValueMemberBOOL{Value: false}, ":pid": s(cl.PartnerID), ":now": now,
			},
		}})
	}
	_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		if err != nil {
			return fmt.Errorf("transact create lead %s: %w", c.Lead.ID, err)
		}
		return nil
	}
	var blocked []lead.IdentityKey
	for i, r := range tce.CancellationReasons {
		if aws.ToString(r.Code) != "ConditionalCheckFailed" {
			continue
		}
		switch {
		case i == idemAt:
			return intake.ErrIdempotencyKeyTaken
		case i >= claimsAt && i < claimsAt+len(c.Claims):
			blocked = append(blocked, c.Claims[i-claimsAt].Key)
		}
	}
	if len(blocked) > 0 {
		return &intake.ClaimConflictError{Keys: blocked}
	}
	return fmt.Errorf("transact create lead %s: %w", c.Lead.ID, err)
}

func (st *LeadStore) Idempotency(ctx context.Context, partnerID, k string) (intake.IdempotencyRecord, bool, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &st.table, Key: key(idemPK(partnerID, k), "IDEM"), ConsistentRead: aws.Bool(true),
	})
	if err != nil || out.Item == nil {
		return intake.IdempotencyRecord{}, false, err
	}
	var raw struct {
		Fingerprint, LeadID, ReceivedAt, ExpiresAt string
	}
	if err := attributevalue.UnmarshalMap(out.Item, &raw); err != nil {
		return intake.IdempotencyRecord{}, false, fmt.Errorf("unmarshal idempotency record: %w", err)
	}
	rec := intake.IdempotencyRecord{PartnerID: partnerID, Key: k, Fingerprint: raw.Fingerprint, LeadID: raw.LeadID}
	if rec.ReceivedAt, err = parseTime(raw.ReceivedAt); err == nil {
		rec.ExpiresAt, err = parseTime(raw.ExpiresAt)
	}
	return rec, err == nil, err
}

func (st *LeadStore) Claims(ctx context.Context, keys []lead.IdentityKey) ([]lead.Claim, error) {
	var out []lead.Claim
	for _, k := range keys {
		res, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{
			TableName: &st.table, Key: key(claimPK(k), "CLAIM"), ConsistentRead: aws.Bool(true),
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
		until, err := parseTime(raw.ProtectedUntil)
		if err != nil {
			return nil, fmt.Errorf("claim protectedUntil: %w", err)
		}
		out = append(out, lead.Claim{Key: k, LeadID: raw.LeadID, PartnerID: raw.PartnerID, Open: raw.Open, ProtectedUntil: until})
	}
	return out, nil
}

func (st *LeadStore) Get(ctx context.Context, id string) (lead.Lead, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(leadPK(id), "LEAD"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return lead.Lead{}, fmt.Errorf("get lead %s: %w", id, err)
	}
	if out.Item == nil {
		return lead.Lead{}, lead.ErrNotFound
	}
	return decodeLead(out.Item)
}

// History returns a lead's entries in order.
func (st *LeadStore) History(ctx context.Context, id string) ([]lead.Entry, error) {
	var entries []lead.Entry
	p := dynamodb.NewQueryPaginator(st.db, &dynamodb.QueryInput{
		TableName:              &st.table,
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :h)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": s(leadPK(id)), ":h": s("HIST#"),
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
			if err := attributevalue.UnmarshalMapWithOptions(it, &e, jsonTagsDecode); err != nil {
				return nil, fmt.Errorf("unmarshal history of %s: %w", id, err)
			}
			entries = append(entries, e)
		}
	}
	return entries, nil
}

func (st *LeadStore) List(ctx context.Context, q intake.ListQuery) (intake.Page, error) {
	index, pkName, skName, pk := gsiByPartner, "GSI1PK", "GSI1SK", partnerPK(q.PartnerID)
	if q.Status != "" {
		index, pkName, skName, pk = gsiByPartnerStatus, "GSI2PK", "GSI2SK", partnerStatusPK(q.PartnerID, q.Status)
	}
	in := &dynamodb.QueryInput{
		TableName:                &st.table,
		IndexName:                &index,
		KeyConditionExpression:   aws.String("#pk = :pk AND #sk >= :since"),
		ExpressionAttributeNames: map[string]string{"#pk": pkName, "#sk": skName},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": s(pk), ":since": s(fmtTime(q.UpdatedSince)),
		},
		Limit: aws.Int32(int32(q.Limit)),
	}
	if q.Cursor != "" {
		pos, err := intake.DecodeCursor(q.Cursor)
		if err != nil {
			return intake.Page{}, err
		}
		start := key(leadPK(pos.LeadID), "LEAD")
		start[pkName] = s(pk)
		start[skName] = s(listSK(pos.UpdatedAt, pos.LeadID))
		in.ExclusiveStartKey = start
	}
	out, err := st.db.Query(ctx, in)
	if err != nil {
		return intake.Page{}, fmt.Errorf("list leads of %s: %w", q.PartnerID, err)
	}
	page := intake.Page{Leads: make([]lead.Lead, 0, len(out.Items))}
	for _, it := range out.Items {
		l, err := decodeLead(it)
		if err != nil {
			return intake.Page{}, err
		}
		page.Leads = append(page.Leads, l)
	}
	if len(out.LastEvaluatedKey) > 0 && len(page.Leads) > 0 {
		last := page.Leads[len(page.Leads)-1]
		page.NextCursor = intake.EncodeCursor(intake.Position{UpdatedAt: last.UpdatedAt, LeadID: last.ID})
	}
	return page, nil
}

// Recent returns up to n of the given partners' most recently updated leads,
// newest first: one query per partner on the byPartner index, no scan.
func (st *LeadStore) Recent(ctx context.Context, partnerIDs []string, n int) ([]lead.Lead, error) {
	var all []lead.Lead
	for _, p := range partnerIDs {
		out, err := st.db.Query(ctx, &dynamodb.QueryInput{
			TableName: &st.table, IndexName: aws.String(gsiByPartner),
			KeyConditionExpression:    aws.String("GSI1PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(partnerPK(p))},
			ScanIndexForward:          aws.Bool(false),
			Limit:                     aws.Int32(int32(n)),
		})
		if err != nil {
			return nil, fmt.Errorf("recent leads of %s: %w", p, err)
		}
		for _, it := range out.Items {
			l, err := decodeLead(it)
			if err != nil {
				return nil, err
			}
			all = append(all, l)
		}
	}
	slices.SortFunc(all, func(a, b lead.Lead) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	return all[:min(n, len(all))], nil
}
