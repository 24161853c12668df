// Package lifecycledb stores status changes, the partner feed and CRM status
// mappings.
package lifecycledb

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
)

// Store is the lifecycle's lead storage.
type Store struct{ *dynamo.Leads }

var _ lifecycle.Store = (*Store)(nil)

func New(db *dynamodb.Client, table string) *Store { return &Store{dynamo.NewLeads(db, table)} }

func (st *Store) ChangeStatus(ctx context.Context, c lifecycle.Change) error {
	var extra []types.TransactWriteItem
	for _, k := range c.Release {
		extra = append(extra, types.TransactWriteItem{Update: &types.Update{
			TableName:                 &st.Table,
			Key:                       dynamo.Key(dynamo.ClaimPK(k), "CLAIM"),
			UpdateExpression:          aws.String("SET #open = :false"),
			ConditionExpression:       aws.String("leadId = :id"),
			ExpressionAttributeNames:  map[string]string{"#open": "open"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":false": dynamo.Bool(false), ":id": dynamo.S(c.After.ID)},
		}})
	}
	if c.FreeOwner != "" {
		extra = append(extra, dynamo.OpenDelta(st.Table, c.FreeOwner, -1, 0))
	}
	if c.TakeOwner != "" {
		extra = append(extra, dynamo.OpenDelta(st.Table, c.TakeOwner, 1, 0))
	}
	failed, err := st.Write(ctx, dynamo.LeadWrite{Next: c.After, Entry: c.Entry, Extra: extra})
	if failed >= 0 {
		return lead.ErrVersionConflict // the lead or a claim moved on: read again
	}
	return err
}

func (st *Store) Feed(ctx context.Context, partnerID, after string, limit int) (lifecycle.FeedPage, error) {
	return Feed(ctx, st.Leads, partnerID, after, limit)
}

// Feed returns a partner's events after a cursor, oldest first.
func Feed(ctx context.Context, st *dynamo.Leads, partnerID, after string, limit int) (lifecycle.FeedPage, error) {
	from, err := lifecycle.DecodeCursor(after)
	if err != nil {
		return lifecycle.FeedPage{}, err
	}
	in := &dynamodb.QueryInput{
		TableName:                 &st.Table,
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S(dynamo.FeedPK(partnerID))},
		Limit:                     aws.Int32(int32(limit)),
		ConsistentRead:            aws.Bool(true),
	}
	if from != "" { // DynamoDB refuses an empty key value, so the first page has no bound
		in.KeyConditionExpression = aws.String("PK = :pk AND SK > :after")
		in.ExpressionAttributeValues[":after"] = dynamo.S(from)
	}
	out, err := st.DB.Query(ctx, in)
	if err != nil {
		return lifecycle.FeedPage{}, fmt.Errorf("query feed of %s: %w", partnerID, err)
	}
	page := lifecycle.FeedPage{Events: make([]lead.Event, 0, len(out.Items))}
	for _, it := range out.Items {
		var ev lead.Event
		if body := dynamo.Str(it, "event"); body == "" || json.Unmarshal([]byte(body), &ev) != nil {
			return lifecycle.FeedPage{}, fmt.Errorf("feed item %v is malformed", it[dynamo.AttrSK])
		}
		page.Events = append(page.Events, ev)
	}
	if len(out.LastEvaluatedKey) > 0 && len(page.Events) > 0 {
		page.Next = lifecycle.EncodeCursor(lifecycle.FeedKey(page.Events[len(page.Events)-1]))
	}
	return page, nil
}

// Mappings keeps each CRM's status mapping as a CRMMAP#<crm> document.
type Mappings struct{ *dynamo.Directory }

var _ lifecycle.MappingStore = (*Mappings)(nil)

func NewMappings(db *dynamodb.Client, table string) *Mappings {
	return &Mappings{dynamo.NewDirectory(db, table)}
}

func (m *Mappings) PutCRMMapping(ctx context.Context, c lifecycle.CRMMapping) error {
	return m.PutDoc(ctx, "CRMMAP", c.CRM, c)
}

func (m *Mappings) CRMMapping(ctx context.Context, crm string) (lifecycle.CRMMapping, error) {
	c, found, err := dynamo.GetDoc[lifecycle.CRMMapping](ctx, m.Directory, "CRMMAP", crm, false)
	if err == nil && !found {
		return lifecycle.CRMMapping{}, lifecycle.ErrNoMapping
	}
	return c, err
}
