// Package dynamo is what every DynamoDB adapter shares: the key design,
// attribute helpers, the lead item and the one way a stored lead changes.
// Each domain's stores live in a subpackage (intakedb, routingdb, …), so a
// function links only the stores it uses. The key design and every access
// pattern are written down in DESIGN.md; keep the two in step.
package dynamo

import (
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo/schema"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
)

// Attribute names of the base tables and their indexes.
const (
	AttrPK             = schema.PK
	AttrSK             = schema.SK
	GSIByPartner       = schema.ByPartner       // leads GSI1: a partner's leads by update time
	GSIByPartnerStatus = schema.ByPartnerStatus // leads GSI2: a partner's leads in one status
	GSIByOwner         = schema.ByOwner         // leads GSI3: a rep's leads by status, then update time
	GSIByDue           = schema.ByDue           // leads GSI4: SLA items with a running deadline, sharded
	GSIByType          = schema.ByType          // directory: every item of a kind
)

// timeKey formats a time so that string order is time order.
const timeKey = "2006-01-02T15:04:05.000000Z"

// TimeKey is t as it appears inside keys.
func TimeKey(t time.Time) string { return t.UTC().Format(timeKey) }

// ParseTimeKey reads a TimeKey.
func ParseTimeKey(s string) (time.Time, error) { return time.Parse(timeKey, s) }

func LeadPK(id string) string           { return "LEAD#" + id }
func HistorySK(seq int64) string        { return fmt.Sprintf("HIST#%010d", seq) }
func PartnerPK(partnerID string) string { return "PARTNER#" + partnerID }
func PartnerStatusPK(partnerID string, s lead.Status) string {
	return "PARTNER#" + partnerID + "#" + string(s)
}
func ListSK(updatedAt time.Time, id string) string { return TimeKey(updatedAt) + "#" + id }
func ClaimPK(k lead.IdentityKey) string            { return "CLAIM#" + k.Kind + "#" + k.Hash }
func OwnerPK(ownerID string) string                { return "OWNER#" + ownerID }
func FeedPK(partnerID string) string               { return "FEED#" + partnerID }
func FeedSK(ev lead.Event) string                  { return lifecycle.FeedKey(ev) }

// S is a string attribute.
func S(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

// N is a number attribute.
func N(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

// Bool is a boolean attribute.
func Bool(b bool) types.AttributeValue { return &types.AttributeValueMemberBOOL{Value: b} }

// Epoch is a TTL attribute: t in seconds since the epoch.
func Epoch(t time.Time) types.AttributeValue { return N(t.Unix()) }

// TimeAttr is an optional time as stored inside items (RFC 3339), NULL if nil.
func TimeAttr(t *time.Time) types.AttributeValue {
	if t == nil {
		return &types.AttributeValueMemberNULL{Value: true}
	}
	return S(t.UTC().Format(time.RFC3339Nano))
}

// Key is a primary key.
func Key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{AttrPK: S(pk), AttrSK: S(sk)}
}

// JSONTags makes attributevalue use the domain types' json tags, so items
// carry the same field names as the API.
func JSONTags(o *attributevalue.EncoderOptions) { o.TagKey = "json" }

// JSONTagsDecode is JSONTags for decoding.
func JSONTagsDecode(o *attributevalue.DecoderOptions) { o.TagKey = "json" }

// Str reads a string attribute, "" if absent.
func Str(item map[string]types.AttributeValue, name string) string {
	v, _ := item[name].(*types.AttributeValueMemberS)
	if v == nil {
		return ""
	}
	return v.Value
}
