// Command intake is the Lambda behind the partner lead API.
package main

import (
	"context"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // re-routing reads reps' working hours

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/directorydb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/intakedb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/lifecycledb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/routingdb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/sladb"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/sla"
	"github.com/partnerleads/pipeline/shared/edge/emf"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	leadsTable, directoryTable, ratesTable := env.String("LEADS_TABLE"), env.String("DIRECTORY_TABLE"), env.String("RATE_LIMITS_TABLE")
	perMinute := env.RateLimitPerMinute()
	partnerView := env.PartnerView()
	routingTTL, cacheTTL := env.RoutingConfigTTL(), env.ConfigCacheTTL()
	def := intake.DefaultConfig
	cfg := intake.Config{
		ProtectionWindow: env.Days("PROTECTION_WINDOW_DAYS", int(def.ProtectionWindow.Hours()/24), 1, 3650),
		IdempotencyTTL:   env.Hours("IDEMPOTENCY_TTL_HOURS", int(def.IdempotencyTTL.Hours()), 24, 24*30),
		FreeMail:         intake.NewFreeMail(strings.Split(env.Optional("FREE_MAIL_DOMAINS"), ",")...),
	}
	awsCfg := platform.MustStart(log, &env)
	db := dynamodb.NewFromConfig(awsCfg)
	keys, rules := directorydb.New(db, directoryTable), routingdb.NewConfig(db, directoryTable)
	lc := lifecycle.NewService(lifecycledb.New(db, leadsTable), time.Now)
	lc.Partner = partnerView
	policies := &sla.Resolver{Store: sladb.NewPolicies(keys.Directory), Now: time.Now, TTL: cacheTTL}
	lc.MinTouches = func(ctx context.Context, partnerID string) (int, error) {
		p, err := policies.For(ctx, partnerID)
		return p.MinTouches, err
	}
	leads := intake.NewService(intakedb.New(db, leadsTable), cfg, time.Now)
	leads.Partner = partnerView
	h := handler{
		leads:     leads,
		router:    routing.NewService(routingdb.New(db, leadsTable), rules, time.Now, routingTTL),
		routing:   routing.Admin{Store: rules},
		recent:    routingdb.RecentLeads{Leads: dynamo.NewLeads(db, leadsTable), Directory: keys.Directory},
		lifecycle: lc,
		mappings:  lifecycledb.NewMappings(db, directoryTable),
		log:       log,
		meter:     emf.NewMeter(os.Stdout, "intake", time.Now),
	}
	gate := directorydb.NewGate(db, directoryTable, ratesTable, perMinute, cacheTTL)
	router := httpapi.Router{Routes: routes(h), Auth: gate.Auth, Limiter: gate.Limiter, Log: log}
	platform.Start(router.HandleJSON)
}
