// Command metrics serves partners' and managers' indicators and the
// dashboard page.
package main

import (
	"time"
	_ "time/tzdata" // metric days are São Paulo days

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/directorydb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/metricsdb"
	"github.com/partnerleads/pipeline/shared/domain/metrics"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	leadsTable, directoryTable, metricsTable := env.String("LEADS_TABLE"), env.String("DIRECTORY_TABLE"), env.String("METRICS_TABLE")
	ratesTable, perMinute, cacheTTL := env.String("RATE_LIMITS_TABLE"), env.RateLimitPerMinute(), env.ConfigCacheTTL()
	partnerView := env.PartnerView()
	cfg := platform.MustStart(log, &env)
	db := dynamodb.NewFromConfig(cfg)
	keys := directorydb.New(db, directoryTable)
	h := handler{metrics: metrics.Service{Partner: partnerView,
		Store: metricsdb.New(db, metricsTable),
		Stale: metricsdb.StaleLeads{Leads: dynamo.NewLeads(db, leadsTable), Directory: keys.Directory},
		Now:   time.Now,
	}, log: log}
	gate := directorydb.NewGate(db, directoryTable, ratesTable, perMinute, cacheTTL)
	router := httpapi.Router{Routes: routes(h), Auth: gate.Auth, Limiter: gate.Limiter, Log: log}
	platform.Start(router.HandleJSON)
}
