// Command weekly builds every partner's weekly indicators report, stores it
// and emails it to the partner's notification address. An EventBridge
// schedule runs it on Monday mornings.
package main

import (
	"time"
	_ "time/tzdata" // metric days are São Paulo days

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/partnerleads/pipeline/shared/aws/dynamo/metricsdb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/notifydb"
	"github.com/partnerleads/pipeline/shared/aws/sesmail"
	"github.com/partnerleads/pipeline/shared/domain/metrics"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	directoryTable, metricsTable, sender := env.String("DIRECTORY_TABLE"), env.String("METRICS_TABLE"), env.String("SENDER_EMAIL")
	cfg := platform.MustStart(log, &env)
	db := dynamodb.NewFromConfig(cfg)
	h := handler{
		partners: notifydb.NewConfig(db, directoryTable),
		metrics:  metrics.Service{Store: metricsdb.New(db, metricsTable), Now: time.Now},
		mail:     sesmail.New(sesv2.NewFromConfig(cfg), sender),
		log:      log,
	}
	platform.Start(h.Handle)
}
