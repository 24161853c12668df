// Command projector keeps the SLA due index and the indicator counters in
// step with the leads table's stream.
package main

import (
	"time"
	_ "time/tzdata" // SLA clocks and metric days need their time zones

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/metricsdb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/sladb"
	"github.com/partnerleads/pipeline/shared/domain/sla"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	leadsTable, directoryTable, metricsTable := env.String("LEADS_TABLE"), env.String("DIRECTORY_TABLE"), env.String("METRICS_TABLE")
	cacheTTL := env.ConfigCacheTTL()
	unownedAfter := env.Int("UNOWNED_AFTER_MINUTES", 10, 1, 1440)
	cfg := platform.MustStart(log, &env)
	db := dynamodb.NewFromConfig(cfg)
	h := handler{
		sla: sla.Tracker{
			Policies:     &sla.Resolver{Store: sladb.NewPolicies(dynamo.NewDirectory(db, directoryTable)), Now: time.Now, TTL: cacheTTL},
			Index:        sladb.NewDueIndex(db, leadsTable),
			UnownedAfter: time.Duration(unownedAfter) * time.Minute,
		},
		metrics: metricsdb.New(db, metricsTable),
		log:     log,
	}
	platform.Start(h.Handle)
}
