// Package notifydb stores webhooks, notification preferences, channels and
// delivery records.
package notifydb

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/lifecycledb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/sladb"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/notify"
)

// Config is the notifier's directory: webhooks, preferences, channels,
// reps' addresses and where escalations go.
type Config struct{ *dynamo.Directory }

var (
	_ notify.Store      = (*Config)(nil)
	_ notify.Deliveries = (*Deliveries)(nil)
)

func NewConfig(db *dynamodb.Client, table string) *Config {
	return &Config{dynamo.NewDirectory(db, table)}
}

// Deliveries are the delivery records, in the leads table.
type Deliveries struct{ *dynamo.Leads }

func NewDeliveries(db *dynamodb.Client, table string) *Deliveries {
	return &Deliveries{dynamo.NewLeads(db, table)}
}

// Webhooks are HOOKS#<partnerId> / <webhookId> documents, so a partner's
// endpoints are one query; preferences and channels are directory documents.

func (st *Config) PutWebhook(ctx context.Context, w notify.Webhook) error {
	return st.PutItemDoc(ctx, dynamo.Key("HOOKS#"+w.PartnerID, w.ID), w)
}

func (st *Config) DeleteWebhook(ctx context.Context, partnerID, id string) error {
	_, err := st.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &st.Table, Key: dynamo.Key("HOOKS#"+partnerID, id),
		ConditionExpression: aws.String("attribute_exists(PK)")})
	if dynamo.ConditionFailed(err) {
		return notify.ErrNoWebhook
	}
	return err
}

func (st *Config) Webhooks(ctx context.Context, partnerID string) ([]notify.Webhook, error) {
	out, err := st.DB.Query(ctx, &dynamodb.QueryInput{
		TableName: &st.Table, KeyConditionExpression: aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("HOOKS#" + partnerID)},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("query webhooks of %s: %w", partnerID, err)
	}
	hooks := make([]notify.Webhook, 0, len(out.Items))
	for _, it := range out.Items {
		w, err := dynamo.DecodeDoc[notify.Webhook](it)
		if err != nil {
			return nil, err
		}
		hooks = append(hooks, w)
	}
	return hooks, nil
}

func (st *Config) PutPrefs(ctx context.Context, p notify.Prefs) error {
	return st.PutDoc(ctx, "PREFS", p.PartnerID, p)
}

// AllPrefs lists every partner's preferences (the daily digest reads them).
func (st *Config) AllPrefs(ctx context.Context) ([]notify.Prefs, error) {
	return dynamo.ListDocs[notify.Prefs](ctx, st.Directory, "PREFS")
}

// DigestSource is the preferences and the feed the daily digest needs.
type DigestSource struct {
	*Config
	Leads *dynamo.Leads
}

func (d DigestSource) Feed(ctx context.Context, partnerID, after string, limit int) (lifecycle.FeedPage, error) {
	return lifecycledb.Feed(ctx, d.Leads, partnerID, after, limit)
}

func (st *Config) Prefs(ctx context.Context, partnerID string) (notify.Prefs, bool, error) {
	out, err := st.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.Table, Key: dynamo.Key("PREFS#"+partnerID, "PREFS")})
	if err != nil || out.Item == nil {
		return notify.Prefs{}, false, err
	}
	p, err := dynamo.DecodeDoc[notify.Prefs](out.Item)
	return p, err == nil, err
}

func (st *Config) PutChannel(ctx context.Context, c notify.Channel) error {
	return st.PutDoc(ctx, "CHANNEL", c.ID, c)
}

func (st *Config) Channels(ctx context.Context) ([]notify.Channel, error) {
	return dynamo.ListDocs[notify.Channel](ctx, st.Directory, "CHANNEL")
}

func (st *Config) RepEmail(ctx context.Context, repID string) (string, error) {
	out, err := st.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.Table, Key: dynamo.Key("REP#"+repID, "REP")})
	if err != nil || out.Item == nil {
		return "", err
	}
	r, err := dynamo.DecodeDoc[struct {
		Email string `json:"email"`
	}](out.Item)
	return r.Email, err
}

// Deliveries are DELIV#<eventId> / <target> items in the leads table, kept
// 30 days: whether the target has the event, and the last attempt.

const deliveryTTL = 30 * 24 * time.Hour

func (st *Deliveries) Delivered(ctx context.Context, eventID, target string) (bool, error) {
	out, err := st.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.Table, Key: dynamo.Key("DELIV#"+eventID, target), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		return false, err
	}
	d, ok := out.Item["delivered"].(*types.AttributeValueMemberBOOL)
	return ok && d.Value, nil
}

func (st *Deliveries) Record(ctx context.Context, eventID string, a notify.Attempt, at time.Time) error {
	delivered := "delivered = if_not_exists(delivered, :d)" // a later failure never undoes a delivery
	if a.Delivered {
		delivered = "delivered = :d"
	}
	_, err := st.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &st.Table, Key: dynamo.Key("DELIV#"+eventID, a.Target),
		UpdateExpression:         aws.String("ADD attempts :one SET lastStatus = :st, lastMs = :ms, lastError = :err, lastAt = :at, #ttl = :ttl, " + delivered),
		ExpressionAttributeNames: map[string]string{"#ttl": "ttl"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": dynamo.N(1), ":st": dynamo.N(int64(a.Status)), ":ms": dynamo.N(a.Latency.Milliseconds()), ":err": dynamo.S(a.Error + " "),
			":at": dynamo.S(at.UTC().Format(time.RFC3339Nano)), ":ttl": &types.AttributeValueMemberN{Value: strconv.FormatInt(at.Add(deliveryTTL).Unix(), 10)},
			":d": &types.AttributeValueMemberBOOL{Value: a.Delivered},
		},
	})
	if err != nil {
		return fmt.Errorf("record delivery of %s to %s: %w", eventID, a.Target, err)
	}
	return nil
}

// Escalation is where the partner's SLA policy sends escalations.
func (st *Config) Escalation(ctx context.Context, partnerID string) ([]string, error) {
	return sladb.NewPolicies(st.Directory).Escalation(ctx, partnerID)
}
