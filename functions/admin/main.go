// Command admin is the Lambda behind partner and API key administration.
package main

import (
	"os"
	"time"
	_ "time/tzdata" // validating reps needs their time zones

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/sqsqueue"
	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/notify"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/sla"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	directoryTable, leadsTable, queueURL := env.String("DIRECTORY_TABLE"), env.String("LEADS_TABLE"), env.String("QUEUE_URL")
	awsCfg := platform.MustStart(log, &env)
	db := dynamodb.NewFromConfig(awsCfg)
	dir, leads := dynamo.NewDirectoryStore(db, directoryTable), dynamo.NewLeadStore(db, leadsTable)
	h := handler{
		admin:    admin.Service{Partners: dir, Keys: dir, Now: time.Now},
		routing:  routing.Admin{Store: dir},
		recent:   dynamo.RecentLeads{Leads: leads, Directory: dir},
		mappings: dir,
		notify:   notify.Admin{Store: dir, Targets: notify.Targets{LocalMode: os.Getenv("LOCAL_MODE") == "true"}, Now: time.Now},
		feed:     leads,
		replays:  sqsqueue.New(sqs.NewFromConfig(awsCfg), queueURL, ""),
		sla:      sla.Admin{Store: dir, Now: time.Now},
	}
	router := httpapi.Router{Routes: routes(h), Auth: auth.Authenticator{Keys: dir}, Log: log}
	lambda.Start(router.Handle)
}
