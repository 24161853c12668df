// Command publisher turns the leads table's stream into domain events on the
// EventBridge bus.
package main

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/eventbus"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	bus, leadsTable := env.String("EVENT_BUS_NAME"), env.String("LEADS_TABLE")
	awsCfg := platform.MustStart(log, &env)
	h := handler{
		bus:   eventbus.New(eventbridge.NewFromConfig(awsCfg), bus),
		marks: dynamo.NewLeads(dynamodb.NewFromConfig(awsCfg), leadsTable),
		log:   log,
	}
	platform.Start(h.Handle)
}
