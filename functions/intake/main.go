// Command intake is the Lambda behind the partner lead API.
package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/auth"
	"github.com/partnerleads/pipeline/shared/dynamo"
	"github.com/partnerleads/pipeline/shared/httpapi"
	"github.com/partnerleads/pipeline/shared/intake"
	"github.com/partnerleads/pipeline/shared/platform"
)

func main() {
	log := platform.NewLogger(os.Stdout)
	var env platform.Env
	leadsTable, directoryTable := env.String("LEADS_TABLE"), env.String("DIRECTORY_TABLE")
	cfg := intake.Config{
		ProtectionWindow: env.Days("PROTECTION_WINDOW_DAYS", 90, 1, 3650),
		IdempotencyTTL:   env.Hours("IDEMPOTENCY_TTL_HOURS", 48, 24, 24*30),
	}
	if err := env.Err(); err != nil {
		log.Error("bad configuration", "error", err.Error())
		os.Exit(1)
	}
	awsCfg, err := platform.AWSConfig(context.Background())
	if err != nil {
		log.Error("aws config", "error", err.Error())
		os.Exit(1)
	}
	db := dynamodb.NewFromConfig(awsCfg)
	h := handler{leads: intake.NewService(dynamo.NewLeadStore(db, leadsTable), cfg, time.Now)}
	router := httpapi.Router{Routes: routes(h), Auth: auth.Authenticator{Keys: dynamo.NewDirectoryStore(db, directoryTable)}, Log: log}
	slog.SetDefault(log)
	lambda.Start(router.Handle)
}
