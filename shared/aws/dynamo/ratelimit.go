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

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/ratelimit"
)

var (
	_ ratelimit.Counter = (*RateCounter)(nil)
	_ ratelimit.Limits  = (*DirectoryStore)(nil)
)

// RateCounter counts requests per partner and minute in the RateLimits
// table: RATE#<partnerId> / <window start>, gone by TTL after an hour.
type RateCounter struct {
	db    *dynamodb.Client
	table string
}

func NewRateCounter(db *dynamodb.Client, table string) *RateCounter {
	return &RateCounter{db: db, table: table}
}

// Take adds one to the window's count unless it reached limit, in one
// conditional update, so concurrent instances never let more through.
func (c *RateCounter) Take(ctx context.Context, key string, window time.Time, limit int) (bool, error) {
	_, err := c.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                &c.table,
		Key:                      map[string]types.AttributeValue{attrPK: s("RATE#" + key), attrSK: s(fmtTime(window))},
		UpdateExpression:         aws.String("ADD n :one SET #ttl = if_not_exists(#ttl, :ttl)"),
		ConditionExpression:      aws.String("attribute_not_exists(n) OR n < :limit"),
		ExpressionAttributeNames: map[string]string{"#ttl": "ttl"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": num(1), ":limit": num(int64(limit)),
			":ttl": &types.AttributeValueMemberN{Value: strconv.FormatInt(window.Add(time.Hour).Unix(), 10)},
		},
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("count request of %s: %w", key, err)
	}
	return true, nil
}

// PartnerLimit is the partner's own requests per minute; 0: the default.
func (st *DirectoryStore) PartnerLimit(ctx context.Context, partnerID string) (int, error) {
	p, err := st.GetPartner(ctx, partnerID)
	if errors.Is(err, admin.ErrPartnerNotFound) {
		return 0, nil
	}
	return p.RateLimitPerMinute, err
}

func (st *DirectoryStore) SetRateLimit(ctx context.Context, partnerID string, perMinute int) error {
	var v types.AttributeValue
	if perMinute != 0 {
		v = num(int64(perMinute))
	}
	return st.setPartnerAttr(ctx, partnerID, "rateLimitPerMinute", v)
}
