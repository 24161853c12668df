package directorydb

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/ratelimit"
)

// Gate is what every HTTP function checks a request against: the API key
// (unknown ids remembered for a minute, so made-up keys are cheap) and the
// calling partner's request budget, shared by every function.
type Gate struct {
	Auth    auth.Authenticator
	Limiter *ratelimit.Limiter
}

// NewGate reads keys and partners' own limits from the directory table and
// counts requests in the rate-limit table; perMinute is the default budget
// (-1: none), trusted for ttl once read.
func NewGate(db *dynamodb.Client, directoryTable, ratesTable string, perMinute int, ttl time.Duration) Gate {
	keys := New(db, directoryTable)
	return Gate{
		Auth: auth.Authenticator{Keys: keys, Misses: auth.NewMissCache(time.Minute, 10_000, time.Now), People: keys,
			Uses: &auth.UseMarker{Store: NewKeyUses(db, ratesTable), Now: time.Now}},
		Limiter: &ratelimit.Limiter{Counter: NewRateCounter(db, ratesTable), Limits: keys, Default: perMinute, Now: time.Now, TTL: ttl},
	}
}
