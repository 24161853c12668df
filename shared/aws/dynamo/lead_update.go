package dynamo

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// leadUpdate is the one way a stored lead changes: it writes the new state,
// bumps the version and re-keys the indexes, guarded by the version that was
// read (optimistic locking) plus any extra condition. The history entry goes
// in the same transaction (historyPut).
func leadUpdate(table string, next lead.Lead, change lead.Entry, extraCond string, extraVals map[string]types.AttributeValue) (*types.Update, error) {
	vals := map[string]types.AttributeValue{
		":status": s(string(next.Status)), ":version": num(next.Version), ":expected": num(next.Version - 1),
		":updatedAt": s(next.UpdatedAt.UTC().Format("2006-01-02T15:04:05.999999999Z07:00")),
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
	set("lastChange", change2["lastChange"])
	set("historyHash", change2["historyHash"])
	optional := func(attr string, v types.AttributeValue, present bool) {
		if present {
			set(attr, v)
		} else {
			removes = append(removes, attr)
		}
	}
	optional("ownerId", s(next.OwnerID), next.OwnerID != "")
	optional("firstContactDueAt", timeAttr(next.FirstContactDueAt), next.FirstContactDueAt != nil)
	optional("firstContactAt", timeAttr(next.FirstContactAt), next.FirstContactAt != nil)
	optional("statusSince", timeAttr(&next.StatusSince), !next.StatusSince.IsZero())
	optional("nextFollowUpAt", timeAttr(next.NextFollowUpAt), next.NextFollowUpAt != nil)
	var deal types.AttributeValue
	if next.Deal != nil {
		var err error
		if deal, err = attributevalue.MarshalWithOptions(next.Deal, jsonTags); err != nil {
			return nil, fmt.Errorf("marshal deal of %s: %w", next.ID, err)
		}
	}
	optional("deal", deal, next.Deal != nil)
	if next.Grade != "" {
		set("score", num(int64(next.Score)))
		set("grade", s(next.Grade))
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
		Key:                       key(leadPK(next.ID), "LEAD"),
		UpdateExpression:          &expr,
		ConditionExpression:       &cond,
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: vals,
	}, nil
}

// historyPut appends an entry; entries are never overwritten.
func historyPut(table string, e lead.Entry) (*types.Put, error) {
	item, err := attributevalue.MarshalMapWithOptions(e, jsonTags)
	if err != nil {
		return nil, fmt.Errorf("marshal history of %s: %w", e.LeadID, err)
	}
	item[attrPK], item[attrSK] = s(leadPK(e.LeadID)), s(historySK(e.Seq))
	return &types.Put{TableName: &table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)")}, nil
}

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func timeAttr(t *time.Time) types.AttributeValue {
	if t == nil {
		return &types.AttributeValueMemberNULL{Value: true}
	}
	return s(t.UTC().Format(time.RFC3339Nano))
}

// feedPut records the event of a lead version in its partner's feed, in the
// same transaction as the change, so the feed never misses or invents one.
func feedPut(table string, l lead.Lead, change lead.Entry) (types.TransactWriteItem, error) {
	ev, err := lead.EventFor(l, change)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("marshal event %s: %w", ev.ID, err)
	}
	return types.TransactWriteItem{Put: &types.Put{
		TableName: &table,
		Item: map[string]types.AttributeValue{
			attrPK: s(feedPK(l.PartnerID)), attrSK: s(feedSK(ev)), "event": s(string(body)),
		},
		ConditionExpression: aws.String("attribute_not_exists(PK)"),
	}}, nil
}
