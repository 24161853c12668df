// Command admin is the Lambda behind partner and API key administration.
package main

import (
	"time"
	_ "time/tzdata" // validating reps needs their time zones

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/partnerleads/pipeline/shared/aws/dynamo/directorydb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/lifecycledb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/notifydb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/routingdb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/sladb"
	"github.com/partnerleads/pipeline/shared/aws/sqsqueue"
	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/notify"
	"github.com/partnerleads/pipeline/shared/domain/ratelimit"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/sla"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	directoryTable, leadsTable, queueURL := env.String("DIRECTORY_TABLE"), env.String("LEADS_TABLE"), env.String("QUEUE_URL")
	ratesTable, perMinute, cacheTTL := env.String("RATE_LIMITS_TABLE"), env.RateLimitPerMinute(), env.ConfigCacheTTL()
	localMode := env.LocalMode()
	awsCfg := platform.MustStart(log, &env)
	db := dynamodb.NewFromConfig(awsCfg)
	keys, rules := directorydb.New(db, directoryTable), routingdb.NewConfig(db, directoryTable)
	h := handler{
		admin:      admin.Service{Partners: keys, Keys: keys, Uses: directorydb.NewKeyUses(db, ratesTable), Now: time.Now},
		routing:    routing.Admin{Store: rules},
		mappings:   lifecycledb.NewMappings(db, directoryTable),
		notify:     notify.Admin{Store: notifydb.NewConfig(db, directoryTable), Targets: notify.Targets{LocalMode: localMode}, Now: time.Now},
		feed:       lifecycledb.New(db, leadsTable),
		replays:    sqsqueue.New(sqs.NewFromConfig(awsCfg), queueURL, ""),
		sla:        sla.Admin{Store: sladb.NewPolicies(keys.Directory), Now: time.Now},
		replayOnce: ratelimit.Once{Counter: directorydb.NewRateCounter(db, ratesTable), Every: time.Minute, Now: time.Now},
	}
	gate := directorydb.NewGate(db, directoryTable, ratesTable, perMinute, cacheTTL)
	router := httpapi.Router{Routes: routes(h), Auth: gate.Auth, Limiter: gate.Limiter, Log: log}
	platform.Start(router.HandleJSON)
}
