// Command intake is the Lambda behind the partner lead API.
package main

import (
	"os"
	"time"
	_ "time/tzdata" // re-routing reads reps' working hours

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/ratelimit"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/edge/emf"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	leadsTable, directoryTable, ratesTable := env.String("LEADS_TABLE"), env.String("DIRECTORY_TABLE"), env.String("RATE_LIMITS_TABLE")
	perMinute := env.Int("RATE_LIMIT_PER_MINUTE", 600, -1, 100_000)
	showOwner := os.Getenv("PARTNER_HISTORY_SHOWS_OWNER") == "true"
	cfg := intake.Config{
		ProtectionWindow: env.Days("PROTECTION_WINDOW_DAYS", 90, 1, 3650),
		IdempotencyTTL:   env.Hours("IDEMPOTENCY_TTL_HOURS", 48, 24, 24*30),
	}
	awsCfg := platform.MustStart(log, &env)
	db := dynamodb.NewFromConfig(awsCfg)
	leads, directory := dynamo.NewLeadStore(db, leadsTable), dynamo.NewDirectoryStore(db, directoryTable)
	lc := lifecycle.NewService(leads, time.Now)
	lc.ShowOwnerToPartners = showOwner
	h := handler{
		leads:     intake.NewService(leads, cfg, time.Now),
		router:    routing.NewService(leads, directory, time.Now, 30*time.Second),
		lifecycle: lc,
		mappings:  directory,
		log:       log,
		meter:     emf.NewMeter(os.Stdout, "intake", time.Now),
	}
	limiter := &ratelimit.Limiter{Counter: dynamo.NewRateCounter(db, ratesTable), Limits: directory, Default: perMinute, Now: time.Now, TTL: 30 * time.Second}
	router := httpapi.Router{Routes: routes(h), Auth: auth.Authenticator{Keys: directory}, Limiter: limiter, Log: log}
	lambda.Start(router.Handle)
}
