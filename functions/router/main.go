// Command router gives every new lead an owner as soon as it is created.
package main

import (
	"os"
	"time"
	_ "time/tzdata" // reps' working hours need time zones; Lambda images may lack them

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/aws/dynamo/routingdb"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/edge/emf"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	leadsTable, directoryTable := env.String("LEADS_TABLE"), env.String("DIRECTORY_TABLE")
	ttl := env.RoutingConfigTTL()
	db := dynamodb.NewFromConfig(platform.MustStart(log, &env))
	svc := routing.NewService(routingdb.New(db, leadsTable), routingdb.NewConfig(db, directoryTable), time.Now, ttl)
	platform.StartEvent(handler{router: svc, log: log, meter: emf.NewMeter(os.Stdout, "router", time.Now)}.Handle)
}
