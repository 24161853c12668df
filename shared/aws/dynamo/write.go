package dynamo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// leadUpdate is the one way a stored lead changes: it writes the new state,
// bumps the version and re-keys the indexes, guarded by the version that was
// read (optimistic locking) plus any extra condition. The history entry goes
// in the same transaction (HistoryPut).
func leadUpdate(table string, next lead.Lead, change lead.Entry, token, extraCond string, extraVals map[string]types.AttributeValue) (*types.Update, error) {
	vals := map[string]types.AttributeValue{
		":status": S(string(next.Status)), ":version": N(next.Version), ":expected": N(next.Version - 1),
		":updatedAt": S(next.UpdatedAt.UTC().Format("2006-01-02T15:04:05.999999999Z07:00")),
	}
	names := map[string]string{"#status": "status", "#version": "version"}
	sets := []string{"#status = :status", "#version = :version", "updatedAt = :updatedAt"}
	set := func(attr string, v types.AttributeValue) {
		ph := ":" + strings.ToLower(attr)
		sets = append(sets, attr+" = "+ph)
		vals[ph] = v
	}
	keys := indexKeys(next)
	var removes []string
	for _, k := range sparseIndexKeys {
		if _, ok := keys[k]; !ok {
			removes = append(removes, k)
		}
	}
	for k, v := range keys {
		set(k, v)
	}
	change2 := map[string]types.AttributeValue{}
	if err := putChange(change2, change); err != nil {
		return nil, err
	}
	set(AttrWriteToken, S(token))
	set("lastChange", change2["lastChange"])
	set("historyHash", change2["historyHash"])
	optional := func(attr string, v types.AttributeValue, present bool) {
		if present {
			set(attr, v)
		} else {
			removes = append(removes, attr)
		}
	}
	optional("ownerId", S(next.OwnerID), next.OwnerID != "")
	optional("firstContactDueAt", TimeAttr(next.FirstContactDueAt), next.FirstContactDueAt != nil)
	optional("firstContactAt", TimeAttr(next.FirstContactAt), next.FirstContactAt != nil)
	optional("statusSince", TimeAttr(&next.StatusSince), !next.StatusSince.IsZero())
	optional("nextFollowUpAt", TimeAttr(next.NextFollowUpAt), next.NextFollowUpAt != nil)
	optional("touches", N(int64(next.Touches)), next.Touches > 0)
	var deal types.AttributeValue
	if next.Deal != nil {
		var err error
		if deal, err = attributevalue.MarshalWithOptions(next.Deal, JSONTags); err != nil {
			return nil, fmt.Errorf("marshal deal of %s: %w", next.ID, err)
		}
	}
	optional("deal", deal, next.Deal != nil)
	if next.Grade != "" {
		set("score", N(int64(next.Score)))
		set("grade", S(next.Grade))
	}
	cond := "#version = :expected"
	if extraCond != "" {
		cond += " AND (" + extraCond + ")"
	}
	for k, v := range extraVals {
		vals[k] = v
	}
	expr := "SET " + strings.Join(sets, ", ")
	if len(removes) > 0 {
		expr += " REMOVE " + strings.Join(removes, ", ")
	}
	return &types.Update{
		TableName:                 &table,
		Key:                       Key(LeadPK(next.ID), "LEAD"),
		UpdateExpression:          &expr,
		ConditionExpression:       &cond,
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: vals,
	}, nil
}

// HistoryPut appends an entry; entries are never overwritten.
func HistoryPut(table string, e lead.Entry) (*types.Put, error) {
	item, err := attributevalue.MarshalMapWithOptions(e, JSONTags)
	if err != nil {
		return nil, fmt.Errorf("marshal history of %s: %w", e.LeadID, err)
	}
	item[AttrPK], item[AttrSK] = S(LeadPK(e.LeadID)), S(HistorySK(e.Seq))
	return &types.Put{TableName: &table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)")}, nil
}

// FeedPut records the event of a lead version in its partner's feed, in the
// same transaction as the change, so the feed never misses or invents one.
func FeedPut(table string, l lead.Lead, change lead.Entry) (types.TransactWriteItem, error) {
	ev, err := lead.EventFor(l, change)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	put, err := feedPut(table, ev)
	return types.TransactWriteItem{Put: put}, err
}

func feedPut(table string, ev lead.Event) (*types.Put, error) {
	body, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("marshal event %s: %w", ev.ID, err)
	}
	return &types.Put{
		TableName: &table,
		Item: map[string]types.AttributeValue{
			AttrPK: S(FeedPK(ev.PartnerID)), AttrSK: S(FeedSK(ev)), "event": S(string(body)),
		},
		ConditionExpression: aws.String("attribute_not_exists(PK)"),
	}, nil
}

// AppendFeed records an event that is not a lead version (a commission
// dispute's) in its partner's feed; one already there is left as it is.
func (st *Leads) AppendFeed(ctx context.Context, ev lead.Event) error {
	put, err := feedPut(st.Table, ev)
	if err != nil {
		return err
	}
	budget, cancel := context.WithTimeout(ctx, lead.CommitBudget)
	defer cancel()
	_, err = st.DB.PutItem(budget, &dynamodb.PutItemInput{TableName: put.TableName, Item: put.Item, ConditionExpression: put.ConditionExpression})
	if OverBudget(ctx, budget) {
		return lead.ErrCommitTooLate // the announcement is sent again, with a new stamp only if it did not land
	}
	if err != nil && !ConditionFailed(err) {
		return fmt.Errorf("append %s to the feed: %w", ev.ID, err)
	}
	return nil
}

// LeadWrite is one change of a stored lead: its next version and the history
// entry that makes it, guarded by the version read (Next.Version-1) and Cond,
// with Extra items in the same transaction (counters, decisions, claims).
type LeadWrite struct {
	Next  lead.Lead
	Entry lead.Entry
	Cond  string // an extra condition on the lead item, "" for none
	Vals  map[string]types.AttributeValue
	Extra []types.TransactWriteItem
}

// Write commits w in one transaction: the lead, its history entry, its feed
// entry and w.Extra. When a condition cancels it, failed is the index of the
// first refused item: 0 is the lead, and ExtraAt(i) is w.Extra[i].
func (st *Leads) Write(ctx context.Context, w LeadWrite) (failed int, err error) {
	hist, err := HistoryPut(st.Table, w.Entry)
	if err != nil {
		return -1, err
	}
	feed, err := FeedPut(st.Table, w.Next, w.Entry)
	if err != nil {
		return -1, err
	}
	budget, cancel := context.WithTimeout(ctx, lead.CommitBudget)
	defer cancel()
	token, err := Transact(budget, st.DB, func(token string) ([]types.TransactWriteItem, error) {
		upd, err := leadUpdate(st.Table, w.Next, w.Entry, token, w.Cond, w.Vals)
		if err != nil {
			return nil, err
		}
		return append([]types.TransactWriteItem{{Update: upd}, {Put: hist}, feed}, w.Extra...), nil
	})
	if err == nil {
		return -1, nil
	}
	failed = CancelledAt(err)
	if (failed == 0 || OverBudget(ctx, budget)) && st.Landed(ctx, w.Next.ID, token) {
		return -1, nil
	}
	if OverBudget(ctx, budget) {
		return -1, lead.ErrCommitTooLate
	}
	return failed, fmt.Errorf("write lead %s v%d: %w", w.Next.ID, w.Next.Version, err)
}

// OverBudget reports whether a write gave up because its commit budget
// (lead.CommitBudget) ran out, rather than its caller's deadline.
func OverBudget(ctx, budget context.Context) bool {
	return budget.Err() != nil && ctx.Err() == nil
}

// AttrWriteToken names the write that made a lead's current version.
const AttrWriteToken = "writeToken"

// NewWriteToken names one write of a lead: it is the transaction's
// ClientRequestToken (the SDK sends it again on each retry) and it is stored
// on the lead item with the version it writes.
func NewWriteToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Landed reports whether the lead's current version was made by the write
// named token. When an answer is slow, the SDK gives up on it and sends the
// transaction again; if the first attempt committed meanwhile without the
// service having recorded its token (the emulator, for one), the retry
// finds the version taken by this very write and is cancelled. It is done,
// not a conflict; a concurrent writer's version carries another token.
func (st *Leads) Landed(ctx context.Context, leadID, token string) bool {
	out, err := st.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.Table, Key: Key(LeadPK(leadID), "LEAD"),
		ConsistentRead: aws.Bool(true), ProjectionExpression: aws.String(AttrWriteToken)})
	return err == nil && out.Item != nil && Str(out.Item, AttrWriteToken) == token
}

// ExtraAt is the index Write reports for w.Extra[i].
func ExtraAt(i int) int { return 3 + i }
