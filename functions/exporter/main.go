// Command exporter writes the finance export (CSV and manifest) to S3.
package main

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/partnerleads/pipeline/shared/aws/dynamo/ledgerdb"
	"github.com/partnerleads/pipeline/shared/aws/eventbus"
	"github.com/partnerleads/pipeline/shared/aws/s3store"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	ledger, bus, bucket := env.String("LEDGER_TABLE"), env.String("EVENT_BUS_NAME"), env.String("EXPORT_BUCKET")
	cfg := platform.MustStart(log, &env)
	svc := commission.Service{
		Store: ledgerdb.New(dynamodb.NewFromConfig(cfg), ledger),
		Bus:   eventbus.NewCommissions(eventbridge.NewFromConfig(cfg), bus),
		Now:   time.Now,
	}
	platform.StartEvent(handler{svc: svc, up: s3store.New(cfg, bucket, platform.PathStyleS3()), log: log}.Handle)
}
