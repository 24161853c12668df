// Command scanner takes the SLA ladder's due steps. An EventBridge schedule
// runs it every few minutes; it reads only the due index.
package main

import (
	"context"
	"os"
	"time"
	_ "time/tzdata" // business clocks need their time zones

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/dynamo"
	"github.com/partnerleads/pipeline/shared/platform"
	"github.com/partnerleads/pipeline/shared/routing"
	"github.com/partnerleads/pipeline/shared/sla"
)

func main() {
	log := platform.NewLogger(os.Stdout)
	var env platform.Env
	leadsTable, directoryTable := env.String("LEADS_TABLE"), env.String("DIRECTORY_TABLE")
	limit := env.Int("SCAN_LIMIT", 500, 1, 10000)
	cfg := platform.MustStart(log, &env)
	db := dynamodb.NewFromConfig(cfg)
	leads := dynamo.NewLeadStore(db, leadsTable)
	s := sla.Scanner{
		Index:  dynamo.NewDueIndex(db, leadsTable),
		Leads:  leads,
		Recall: routing.NewService(leads, dynamo.NewDirectoryStore(db, directoryTable), time.Now, time.Minute),
		Now:    time.Now,
		Log:    log,
		Limit:  limit,
	}
	lambda.Start(func(ctx context.Context) (sla.Report, error) { return s.Run(ctx) })
}
