package dynamo

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/lead"
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
	if next.OwnerID != "" {
		set("ownerId", s(next.OwnerID))
	}
	if next.FirstContactDueAt != nil {
		set("firstContactDueAt", s(next.FirstContactDueAt.UTC().Format(time.RFC3339Nano)))
	}
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
