package dynamo

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Rep load lives in two counters under LOAD#<rep>: OPEN (open leads owned)
// and DAY#<local date> (leads assigned that day). OpenDelta and DayIncrement
// are the only code that changes them.

func LoadPK(repID string) string { return "LOAD#" + repID }

// OpenDelta changes a rep's open count; with max > 0 it refuses to go past it.
func OpenDelta(table, repID string, delta, max int) types.TransactWriteItem {
	u := &types.Update{
		TableName:                 &table,
		Key:                       Key(LoadPK(repID), "OPEN"),
		UpdateExpression:          aws.String("ADD #open :d"),
		ExpressionAttributeNames:  map[string]string{"#open": "open"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": N(int64(delta))},
	}
	if max > 0 && delta > 0 {
		u.ConditionExpression = aws.String("attribute_not_exists(#open) OR #open < :max")
		u.ExpressionAttributeValues[":max"] = N(int64(max))
	}
	return types.TransactWriteItem{Update: u}
}

// DayIncrement counts an assignment on the rep's local day; with cap > 0 it
// refuses to go past it.
func DayIncrement(table, repID, day string, cap int) types.TransactWriteItem {
	u := &types.Update{
		TableName:                 &table,
		Key:                       Key(LoadPK(repID), "DAY#"+day),
		UpdateExpression:          aws.String("ADD n :one"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": N(1)},
	}
	if cap > 0 {
		u.ConditionExpression = aws.String("attribute_not_exists(n) OR n < :cap")
		u.ExpressionAttributeValues[":cap"] = N(int64(cap))
	}
	return types.TransactWriteItem{Update: u}
}
