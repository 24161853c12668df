// Command finance is the Lambda behind the finance API: commission plans,
// statements, approvals, payouts, deal inputs and exports.
package main

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/directorydb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/ledgerdb"
	"github.com/partnerleads/pipeline/shared/aws/eventbus"
	"github.com/partnerleads/pipeline/shared/aws/s3store"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	ledger, leads, directory := env.String("LEDGER_TABLE"), env.String("LEADS_TABLE"), env.String("DIRECTORY_TABLE")
	bus, bucket := env.String("EVENT_BUS_NAME"), env.String("EXPORT_BUCKET")
	ratesTable, perMinute, cacheTTL := env.String("RATE_LIMITS_TABLE"), env.RateLimitPerMinute(), env.ConfigCacheTTL()
	window := env.Int("DISPUTE_WINDOW_DAYS", commission.DefaultDisputeWindowDays, 1, 366)
	cfg := platform.MustStart(log, &env)
	db := dynamodb.NewFromConfig(cfg)
	leadStore := dynamo.NewLeads(db, leads)
	svc := commission.Service{
		Store:             ledgerdb.New(db, ledger),
		Leads:             leadStore,
		Feed:              leadStore,
		Partners:          dynamo.NewDirectory(db, directory),
		Bus:               eventbus.NewCommissions(eventbridge.NewFromConfig(cfg), bus),
		Now:               time.Now,
		DisputeWindowDays: window,
	}
	h := handler{svc: svc, links: s3store.New(cfg, bucket, platform.PathStyleS3()), log: log}
	gate := directorydb.NewGate(db, directory, ratesTable, perMinute, cacheTTL)
	router := httpapi.Router{Routes: routes(h), Auth: gate.Auth, Limiter: gate.Limiter, Log: log}
	platform.Start(router.HandleJSON)
}
