package intakedb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Store is intake's lead storage: the all-or-nothing create of a lead with
// its claims and idempotency record, and a partner's listing.
type Store struct{ *dynamo.Leads }

var _ intake.Store = (*Store)(nil)

func New(db *dynamodb.Client, table string) *Store { return &Store{dynamo.NewLeads(db, table)} }

func (st *Store) Create(ctx context.Context, c intake.Creation) error {
	li, err := dynamo.LeadItem(c.Lead, c.Entry)
	if err != nil {
		return err
	}
	hi, err := dynamo.HistoryPut(st.Table, c.Entry)
	if err != nil {
		return err
	}

	now := dynamo.S(dynamo.TimeKey(c.Now))
	feed, err := dynamo.FeedPut(st.Table, c.Lead, c.Entry)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{
		{Put: &types.Put{TableName: &st.Table, Item: li, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Put: hi},
		feed,
	}
	idemAt := -1
	if r := c.Idempotency; r != nil {
		idemAt = len(items)
		items = append(items, types.TransactWriteItem{Put: &types.Put{
			TableName: &st.Table,
			Item: map[string]types.AttributeValue{
				dynamo.AttrPK: dynamo.S(idemPK(r.PartnerID, r.Key)), dynamo.AttrSK: dynamo.S("IDEM"),
				"fingerprint": dynamo.S(r.Fingerprint), "leadId": dynamo.S(r.LeadID),
				"receivedAt": dynamo.S(dynamo.TimeKey(r.ReceivedAt)), "expiresAt": dynamo.S(dynamo.TimeKey(r.ExpiresAt)),
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
			TableName: &st.Table,
			Item: map[string]types.AttributeValue{
				dynamo.AttrPK: dynamo.S(dynamo.ClaimPK(cl.Key)), dynamo.AttrSK: dynamo.S("CLAIM"),
				"leadId": dynamo.S(cl.LeadID), "partnerId": dynamo.S(cl.PartnerID),
				"open": &types.AttributeValueMemberBOOL{Value: cl.Open}, "protectedUntil": dynamo.S(dynamo.TimeKey(cl.ProtectedUntil)),
			},
			// The same rule as lead.Claim.Blocks, negated: the put may
			// replace a claim only when that claim does not block.
			ConditionExpression:      aws.String("attribute_not_exists(PK) OR #open = :false OR (partnerId <> :pid AND protectedUntil <= :now)"),
			ExpressionAttributeNames: map[string]string{"#open": "open"},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":false": &types.AttributeValueMemberBOOL{Value: false}, ":pid": dynamo.S(cl.PartnerID), ":now": now,
			},
		}})
	}
	budget, cancel := context.WithTimeout(ctx, lead.CommitBudget)
	defer cancel()
	token, err := dynamo.Transact(budget, st.DB, func(token string) ([]types.TransactWriteItem, error) {
		li[dynamo.AttrWriteToken] = dynamo.S(token)
		return items, nil
	})
	if dynamo.OverBudget(ctx, budget) {
		if st.Landed(ctx, c.Lead.ID, token) {
			return nil
		}
		return lead.ErrCommitTooLate
	}
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		if err != nil {
			return fmt.Errorf("transact create lead %s: %w", c.Lead.ID, err)
		}
		return nil
	}
	if dynamo.CancelledAt(err) == 0 && st.Landed(ctx, c.Lead.ID, token) {
		return nil // a retry of this very create, whose first attempt committed
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

func (st *Store) Idempotency(ctx context.Context, partnerID, k string) (intake.IdempotencyRecord, bool, error) {
	out, err := st.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &st.Table, Key: dynamo.Key(idemPK(partnerID, k), "IDEM"), ConsistentRead: aws.Bool(true),
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
	if rec.ReceivedAt, err = dynamo.ParseTimeKey(raw.ReceivedAt); err == nil {
		rec.ExpiresAt, err = dynamo.ParseTimeKey(raw.ExpiresAt)
	}
	return rec, err == nil, err
}

func (st *Store) List(ctx context.Context, q intake.ListQuery) (intake.Page, error) {
	index, pkName, skName, pk := dynamo.GSIByPartner, "GSI1PK", "GSI1SK", dynamo.PartnerPK(q.PartnerID)
	if q.Status != "" {
		index, pkName, skName, pk = dynamo.GSIByPartnerStatus, "GSI2PK", "GSI2SK", dynamo.PartnerStatusPK(q.PartnerID, q.Status)
	}
	in := &dynamodb.QueryInput{
		TableName:                &st.Table,
		IndexName:                &index,
		KeyConditionExpression:   aws.String("#pk = :pk AND #sk >= :since"),
		ExpressionAttributeNames: map[string]string{"#pk": pkName, "#sk": skName},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": dynamo.S(pk), ":since": dynamo.S(dynamo.TimeKey(q.UpdatedSince)),
		},
		Limit: aws.Int32(int32(q.Limit)),
	}
	if q.Cursor != "" {
		pos, err := intake.DecodeCursor(q.Cursor)
		if err != nil {
			return intake.Page{}, err
		}
		start := dynamo.Key(dynamo.LeadPK(pos.LeadID), "LEAD")
		start[pkName] = dynamo.S(pk)
		start[skName] = dynamo.S(dynamo.ListSK(pos.UpdatedAt, pos.LeadID))
		in.ExclusiveStartKey = start
	}
	out, err := st.DB.Query(ctx, in)
	if err != nil {
		return intake.Page{}, fmt.Errorf("list leads of %s: %w", q.PartnerID, err)
	}
	page := intake.Page{Leads: make([]lead.Lead, 0, len(out.Items))}
	for _, it := range out.Items {
		l, err := dynamo.DecodeLead(it)
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

// idemPK hashes the partner's key so that any string is a safe key part.
func idemPK(partnerID, key string) string {
	sum := sha256.Sum256([]byte(key))
	return "IDEM#" + partnerID + "#" + hex.EncodeToString(sum[:16])
}
