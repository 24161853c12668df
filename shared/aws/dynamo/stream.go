package dynamo

import (
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// StreamChange decodes the new image of a leads-table stream record. ok is
// false for items that are not leads (history, claims, counters …).
func StreamChange(image map[string]events.DynamoDBAttributeValue) (l lead.Lead, change lead.Entry, ok bool, err error) {
	if sk, found := image["SK"]; !found || sk.DataType() != events.DataTypeString || sk.String() != "LEAD" {
		return lead.Lead{}, lead.Entry{}, false, nil
	}
	item := make(map[string]types.AttributeValue, len(image))
	for k, v := range image {
		item[k] = fromStream(v)
	}
	if l, err = DecodeLead(item); err != nil {
		return lead.Lead{}, lead.Entry{}, false, err
	}
	raw, found := item["lastChange"]
	if !found {
		return lead.Lead{}, lead.Entry{}, false, fmt.Errorf("lead %s version %d has no lastChange", l.ID, l.Version)
	}
	if err := attributevalue.UnmarshalWithOptions(raw, &change, JSONTagsDecode); err != nil {
		return lead.Lead{}, lead.Entry{}, false, fmt.Errorf("lead %s lastChange: %w", l.ID, err)
	}
	return l, change, true, nil
}

// fromStream converts aws-lambda-go's stream attribute value to the SDK's.
func fromStream(v events.DynamoDBAttributeValue) types.AttributeValue {
	switch v.DataType() {
	case events.DataTypeString:
		return &types.AttributeValueMemberS{Value: v.String()}
	case events.DataTypeNumber:
		return &types.AttributeValueMemberN{Value: v.Number()}
	case events.DataTypeBoolean:
		return &types.AttributeValueMemberBOOL{Value: v.Boolean()}
	case events.DataTypeBinary:
		return &types.AttributeValueMemberB{Value: v.Binary()}
	case events.DataTypeStringSet:
		return &types.AttributeValueMemberSS{Value: v.StringSet()}
	case events.DataTypeNumberSet:
		return &types.AttributeValueMemberNS{Value: v.NumberSet()}
	case events.DataTypeBinarySet:
		return &types.AttributeValueMemberBS{Value: v.BinarySet()}
	case events.DataTypeList:
		l := v.List()
		out := make([]types.AttributeValue, len(l))
		for i, e := range l {
			out[i] = fromStream(e)
		}
		return &types.AttributeValueMemberL{Value: out}
	case events.DataTypeMap:
		m := v.Map()
		out := make(map[string]types.AttributeValue, len(m))
		for k, e := range m {
			out[k] = fromStream(e)
		}
		return &types.AttributeValueMemberM{Value: out}
	default:
		return &types.AttributeValueMemberNULL{Value: true}
	}
}

// Version is a new lead version read from a stream record: the lead, the
// change that made it, and the lead as it was before (nil for a new lead).
type Version struct {
	Lead   lead.Lead
	Change lead.Entry
	Before *lead.Lead
}

// NewVersion reads a stream record as a new lead version. ok is false for
// what is not one: removals, items that are not leads, and rewrites that
// leave the version as it was (index keys only). An image that cannot be
// decoded is an error, the old one too: without it, whether this is a new
// version cannot be told.
func NewVersion(r events.DynamoDBEventRecord) (v Version, ok bool, err error) {
	if r.EventName == "REMOVE" {
		return Version{}, false, nil
	}
	l, change, ok, err := StreamChange(r.Change.NewImage)
	if err != nil || !ok {
		return Version{}, false, err
	}
	v = Version{Lead: l, Change: change}
	if r.EventName == "MODIFY" {
		old, _, found, err := StreamChange(r.Change.OldImage)
		if err != nil {
			return Version{}, false, fmt.Errorf("old image of lead %s: %w", l.ID, err)
		}
		if found {
			if old.Version >= l.Version {
				return Version{}, false, nil
			}
			v.Before = &old
		}
	}
	return v, true, nil
}
