// Command scanner takes the SLA ladder's due steps. An EventBridge schedule
// runs it every few minutes; it reads only the due index.
package main

import (
	"os"
	"time"
	_ "time/tzdata" // business clocks need their time zones

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/aws/dynamo/routingdb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/sladb"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/sla"
	"github.com/partnerleads/pipeline/shared/edge/emf"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	leadsTable, directoryTable := env.String("LEADS_TABLE"), env.String("DIRECTORY_TABLE")
	limit := env.Int("SCAN_LIMIT", 500, 1, 10000)
	routingTTL := env.RoutingConfigTTL()
	cfg := platform.MustStart(log, &env)
	db := dynamodb.NewFromConfig(cfg)
	s := sla.Scanner{
		Index:   sladb.NewDueIndex(db, leadsTable),
		Leads:   sladb.NewLeads(db, leadsTable),
		Routing: routing.NewService(routingdb.New(db, leadsTable), routingdb.NewConfig(db, directoryTable), time.Now, routingTTL),
		Now:     time.Now,
		Log:     log,
		Limit:   limit,
	}
	platform.Start(handler{scan: s, meter: emf.NewMeter(os.Stdout, "scanner", time.Now)}.Handle)
}
