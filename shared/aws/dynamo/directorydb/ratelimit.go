package directorydb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/ratelimit"
)

var (
	_ ratelimit.Counter = (*RateCounter)(nil)
	_ ratelimit.Limits  = (*Store)(nil)
)

// RateCounter counts requests per partner and minute in the RateLimits
// table: RATE#<partnerId> / <window start>, gone by TTL after an hour.
type RateCounter struct {
	db    *dynamodb.Client
	table string
}

// NewRateCounter counts in the RateLimits table.
func NewRateCounter(db *dynamodb.Client, table string) *RateCounter {
	return &RateCounter{db: db, table: table}
}

// Take adds one to the window's count unless it reached limit, in one
// conditional update, so concurrent instances never let more through.
func (c *RateCounter) Take(ctx context.Context, key string, window time.Time, limit int) (bool, error) {
	_, err := c.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                &c.table,
		Key:                      map[string]types.AttributeValue{dynamo.AttrPK: dynamo.S("RATE#" + key), dynamo.AttrSK: dynamo.S(dynamo.TimeKey(window))},
		UpdateExpression:         aws.String("ADD n :one SET #ttl = if_not_exists(#ttl, :ttl)"),
		ConditionExpression:      aws.String("attribute_not_exists(n) OR n < :limit"),
		ExpressionAttributeNames: map[string]string{"#ttl": "ttl"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": dynamo.N(1), ":limit": dynamo.N(int64(limit)),
			":ttl": dynamo.Epoch(window.Add(time.Hour)),
		},
	})
	if dynamo.ConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("count request of %s: %w", key, err)
	}
	return true, nil
}

// PartnerLimit is the partner's own requests per minute; 0: the default.
func (st *Store) PartnerLimit(ctx context.Context, partnerID string) (int, error) {
	p, err := st.GetPartner(ctx, partnerID)
	if errors.Is(err, admin.ErrPartnerNotFound) {
		return 0, nil
	}
	return p.RateLimitPerMinute, err
}

func (st *Store) SetRateLimit(ctx context.Context, partnerID string, perMinute int) error {
	var v types.AttributeValue
	if perMinute != 0 {
		v = dynamo.N(int64(perMinute))
	}
	return st.SetPartnerAttr(ctx, partnerID, "rateLimitPerMinute", v)
}
