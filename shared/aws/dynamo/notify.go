package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/notify"
	"github.com/partnerleads/pipeline/shared/domain/routing"
)

var (
	_ notify.Config     = (*DirectoryStore)(nil)
	_ notify.Deliveries = (*LeadStore)(nil)
)

// Webhooks are HOOKS#<partnerId> / <webhookId> documents, so a partner's
// endpoints are one query; preferences and channels are directory documents.

func (st *DirectoryStore) PutWebhook(ctx context.Context, w notify.Webhook) error {
	return st.putItemDoc(ctx, key("HOOKS#"+w.PartnerID, w.ID), w)
}

func (st *DirectoryStore) DeleteWebhook(ctx context.Context, partnerID, id string) error {
	_, err := st.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &st.table, Key: key("HOOKS#"+partnerID, id),
		ConditionExpression: aws.String("attribute_exists(PK)")})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return notify.ErrNoWebhook
	}
	return err
}

func (st *DirectoryStore) Webhooks(ctx context.Context, partnerID string) ([]notify.Webhook, error) {
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{
		TableName: &st.table, KeyConditionExpression: aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s("HOOKS#" + partnerID)},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("query webhooks of %s: %w", partnerID, err)
	}
	hooks := make([]notify.Webhook, 0, len(out.Items))
	for _, it := range out.Items {
		w, err := decodeDoc[notify.Webhook](it)
		if err != nil {
			return nil, err
		}
		hooks = append(hooks, w)
	}
	return hooks, nil
}

func (st *DirectoryStore) PutPrefs(ctx context.Context, p notify.Prefs) error {
	return st.putDoc(ctx, "PREFS", p.PartnerID, p)
}

// AllPrefs lists every partner's preferences (the daily digest reads them).
func (st *DirectoryStore) AllPrefs(ctx context.Context) ([]notify.Prefs, error) {
	return listType(ctx, st, "PREFS", decodeDoc[notify.Prefs])
}

// DigestSource is the preferences and the feed the daily digest needs.
type DigestSource struct {
	*DirectoryStore
	Leads *LeadStore
}

func (d DigestSource) Feed(ctx context.Context, partnerID, after string, limit int) (lifecycle.FeedPage, error) {
	return d.Leads.Feed(ctx, partnerID, after, limit)
}

func (st *DirectoryStore) Prefs(ctx context.Context, partnerID string) (notify.Prefs, bool, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key("PREFS#"+partnerID, "PREFS")})
	if err != nil || out.Item == nil {
		return notify.Prefs{}, false, err
	}
	p, err := decodeDoc[notify.Prefs](out.Item)
	return p, err == nil, err
}

func (st *DirectoryStore) PutChannel(ctx context.Context, c notify.Channel) error {
	return st.putDoc(ctx, "CHANNEL", c.ID, c)
}

func (st *DirectoryStore) Channels(ctx context.Context) ([]notify.Channel, error) {
	return listType(ctx, st, "CHANNEL", decodeDoc[notify.Channel])
}

func (st *DirectoryStore) RepEmail(ctx context.Context, repID string) (string, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key("REP#"+repID, "REP")})
	if err != nil || out.Item == nil {
		return "", err
	}
	r, err := decodeDoc[routing.Rep](out.Item)
	return r.Email, err
}

// putItemDoc stores v as the JSON body of the item at k.
func (st *DirectoryStore) putItemDoc(ctx context.Context, k map[string]types.AttributeValue, v any) error {
	body, err := jsonBody(v)
	if err != nil {
		return err
	}
	k["body"] = s(body)
	_, err = st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: k})
	if err != nil {
		return fmt.Errorf("put %v: %w", k[attrPK], err)
	}
	return nil
}

// Deliveries are DELIV#<eventId> / <target> items in the leads table, kept
// 30 days: whether the target has the event, and the last attempt.

const deliveryTTL = 30 * 24 * time.Hour

func (st *LeadStore) Delivered(ctx context.Context, eventID, target string) (bool, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key("DELIV#"+eventID, target), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		return false, err
	}
	d, ok := out.Item["delivered"].(*types.AttributeValueMemberBOOL)
	return ok && d.Value, nil
}

func (st *LeadStore) Record(ctx context.Context, eventID string, a notify.Attempt, at time.Time) error {
	delivered := "delivered = if_not_exists(delivered, :d)" // a later failure never undoes a delivery
	if a.Delivered {
		delivered = "delivered = :d"
	}
	_, err := st.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &st.table, Key: key("DELIV#"+eventID, a.Target),
		UpdateExpression:         aws.String("ADD attempts :one SET lastStatus = :st, lastMs = :ms, lastError = :err, lastAt = :at, #ttl = :ttl, " + delivered),
		ExpressionAttributeNames: map[string]string{"#ttl": "ttl"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": num(1), ":st": num(int64(a.Status)), ":ms": num(a.Latency.Milliseconds()), ":err": s(a.Error + " "),
			":at": s(at.UTC().Format(time.RFC3339Nano)), ":ttl": &types.AttributeValueMemberN{Value: strconv.FormatInt(at.Add(deliveryTTL).Unix(), 10)},
			":d": &types.AttributeValueMemberBOOL{Value: a.Delivered},
		},
	})
	if err != nil {
		return fmt.Errorf("record delivery of %s to %s: %w", eventID, a.Target, err)
	}
	return nil
}
