// Command commission turns won, qualified, reopened, cancelled and revenue
// events into ledger lines.
package main

import (
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/partnerleads/pipeline/shared/aws/dynamo/ledgerdb"
	"github.com/partnerleads/pipeline/shared/aws/eventbus"
	"github.com/partnerleads/pipeline/shared/aws/sesmail"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/edge/emf"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	ledger, bus, sender := env.String("LEDGER_TABLE"), env.String("EVENT_BUS_NAME"), env.String("SENDER_EMAIL")
	financeEmail := env.Optional("FINANCE_EMAIL")
	cfg := platform.MustStart(log, &env)
	events := eventbus.NewCommissions(eventbridge.NewFromConfig(cfg), bus)
	svc := commission.Service{Store: ledgerdb.New(dynamodb.NewFromConfig(cfg), ledger), Bus: events, Now: time.Now}
	h := handler{svc: svc, bus: events, mail: sesmail.New(sesv2.NewFromConfig(cfg), sender), financeEmail: financeEmail, log: log, meter: emf.NewMeter(os.Stdout, "commission", time.Now)}
	platform.StartEvent(h.Handle)
}
