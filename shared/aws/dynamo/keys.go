// Package dynamo implements the project's storage interfaces on DynamoDB.
// The key design and every access pattern are written down in
// shared/dynamo/DESIGN.md; keep the two in step.
package dynamo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
)

// Attribute names of the base table and its indexes.
const (
	attrPK             = "PK"
	attrSK             = "SK"
	gsiByPartner       = "byPartner"       // GSI1: a partner's leads by update time
	gsiByPartnerStatus = "byPartnerStatus" // GSI2: a partner's leads in one status
	gsiByType          = "byType"          // directory: every item of a kind
)

// timeKey formats a time so that string order is time order.
const timeKey = "2006-01-02T15:04:05.000000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeKey) }

func parseTime(s string) (time.Time, error) { return time.Parse(timeKey, s) }

func leadPK(id string) string           { return "LEAD#" + id }
func historySK(seq int64) string        { return fmt.Sprintf("HIST#%010d", seq) }
func partnerPK(partnerID string) string { return "PARTNER#" + partnerID }
func partnerStatusPK(partnerID string, s lead.Status) string {
	return "PARTNER#" + partnerID + "#" + string(s)
}
func listSK(updatedAt time.Time, id string) string { return fmtTime(updatedAt) + "#" + id }
func claimPK(k lead.IdentityKey) string            { return "CLAIM#" + k.Kind + "#" + k.Hash }

// idemPK hashes the partner's key so that any string is a safe key part.
func idemPK(partnerID, key string) string {
	sum := sha256.Sum256([]byte(key))
	return "IDEM#" + partnerID + "#" + hex.EncodeToString(sum[:16])
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrPK: s(pk), attrSK: s(sk)}
}

func ownerPK(ownerID string) string  { return "OWNER#" + ownerID }
func decisionSK(seq int64) string    { return fmt.Sprintf("ROUTING#%010d", seq) }
func loadPK(repID string) string     { return "LOAD#" + repID }
func pointerPK(ruleID string) string { return "RR#" + ruleID }

// dueShards spreads the due index over partitions, so a burst of deadlines
// never makes one hot key.
const dueShards = 16

func duePK(leadID string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(leadID))
	return fmt.Sprintf("DUE#%02d", h.Sum32()%dueShards)
}

func feedPK(partnerID string) string { return "FEED#" + partnerID }
func feedSK(ev lead.Event) string    { return lifecycle.FeedKey(ev) }
