package dynamo

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

var _ lead.PublishLog = (*Leads)(nil)

// publishedSK is the lead's published mark: LEAD#<id> / PUB, attribute seq.
// The streams' filters take only SK = LEAD, so writing it triggers nothing.
const publishedSK = "PUB"

// MarkPublished moves the lead's mark to to when it stands at from-1 (or
// is absent and from is 1); otherwise it leaves it, and the gap below from
// is the reconciler's to fill.
func (st *Leads) MarkPublished(ctx context.Context, leadID string, from, to int64) error {
	cond := "seq >= :prev AND seq < :to"
	if from <= 1 {
		cond = "attribute_not_exists(seq) OR (" + cond + ")"
	}
	_, err := st.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           &st.Table,
		Key:                 Key(LeadPK(leadID), publishedSK),
		UpdateExpression:    aws.String("SET seq = :to"),
		ConditionExpression: &cond,
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":prev": N(from - 1), ":to": N(to),
		},
	})
	if err != nil && !ConditionFailed(err) {
		return fmt.Errorf("mark %s published to %d: %w", leadID, to, err)
	}
	return nil
}

// Lagging queries the partner's leads by update time (byPartner) and
// reads their marks in batches.
func (st *Leads) Lagging(ctx context.Context, partnerID string, since, until time.Time, each func(lead.Lag) error) error {
	p := dynamodb.NewQueryPaginator(st.DB, &dynamodb.QueryInput{
		TableName:                &st.Table,
		IndexName:                aws.String(GSIByPartner),
		KeyConditionExpression:   aws.String("GSI1PK = :p AND GSI1SK BETWEEN :since AND :until"),
		ProjectionExpression:     aws.String("PK, #v"),
		ExpressionAttributeNames: map[string]string{"#v": "version"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":p": S(PartnerPK(partnerID)), ":since": S(TimeKey(since)), ":until": S(TimeKey(until)),
		},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("query %s's leads: %w", partnerID, err)
		}
		versions := map[string]int64{}
		keys := make([]map[string]types.AttributeValue, 0, len(page.Items))
		for _, it := range page.Items {
			id := strings.TrimPrefix(Str(it, AttrPK), "LEAD#")
			versions[id] = num(it, "version")
			keys = append(keys, Key(LeadPK(id), publishedSK))
		}
		published := map[string]int64{}
		if err := BatchGet(ctx, st.DB, st.Table, keys, func(it map[string]types.AttributeValue) error {
			published[strings.TrimPrefix(Str(it, AttrPK), "LEAD#")] = num(it, "seq")
			return nil
		}); err != nil {
			return err
		}
		for _, it := range page.Items { // in update order
			id := strings.TrimPrefix(Str(it, AttrPK), "LEAD#")
			if versions[id] > published[id] {
				if err := each(lead.Lag{LeadID: id, PartnerID: partnerID, Version: versions[id], Published: published[id]}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Unpublished reads the lead's history entries after the mark and, for
// each, the event written with it into the partner's feed.
func (st *Leads) Unpublished(ctx context.Context, l lead.Lag) ([]lead.Event, error) {
	out, err := st.DB.Query(ctx, &dynamodb.QueryInput{
		TableName:              &st.Table,
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :from AND :to"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": S(LeadPK(l.LeadID)), ":from": S(HistorySK(l.Published + 1)), ":to": S(HistorySK(l.Version)),
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", l.LeadID, err)
	}
	keys := make([]map[string]types.AttributeValue, 0, len(out.Items))
	for _, it := range out.Items {
		var e lead.Entry
		if err := attributevalue.UnmarshalMapWithOptions(it, &e, JSONTagsDecode); err != nil {
			return nil, fmt.Errorf("history of %s: %w", l.LeadID, err)
		}
		keys = append(keys, Key(FeedPK(l.PartnerID), FeedSK(lead.Event{LeadID: e.LeadID, Sequence: e.Seq, OccurredAt: e.At})))
	}
	bySeq := map[int64]lead.Event{}
	if err := BatchGet(ctx, st.DB, st.Table, keys, func(it map[string]types.AttributeValue) error {
		var ev lead.Event
		if err := json.Unmarshal([]byte(Str(it, "event")), &ev); err != nil {
			return fmt.Errorf("feed item %s: %w", Str(it, AttrSK), err)
		}
		bySeq[ev.Sequence] = ev
		return nil
	}); err != nil {
		return nil, err
	}
	// Only a contiguous run from the mark on: a gap stops it there.
	var evs []lead.Event
	for s := l.Published + 1; s <= l.Version; s++ {
		ev, ok := bySeq[s]
		if !ok {
			if len(evs) == 0 {
				return nil, fmt.Errorf("lead %s: no event kept for version %d", l.LeadID, s)
			}
			break
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

func num(item map[string]types.AttributeValue, name string) int64 {
	v, _ := item[name].(*types.AttributeValueMemberN)
	if v == nil {
		return 0
	}
	n, _ := strconv.ParseInt(v.Value, 10, 64)
	return n
}
