// Command reconciler sends again the lead events the stream lost. The
// publisher marks, per lead, the last version that reached the bus; on a
// schedule this finds leads whose version is past their mark and publishes
// the missing events, as written with each change and under the same ids.
package main

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/eventbus"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	leadsTable, directoryTable, bus := env.String("LEADS_TABLE"), env.String("DIRECTORY_TABLE"), env.String("EVENT_BUS_NAME")
	grace := env.Seconds("RECONCILE_GRACE_SECONDS", 600, 1, 86400)
	lookback := env.Hours("RECONCILE_LOOKBACK_HOURS", 48, 1, 720)
	cfg := platform.MustStart(log, &env)
	db := dynamodb.NewFromConfig(cfg)
	directory := dynamo.NewDirectory(db, directoryTable)
	r := lead.Reconciler{
		Log: dynamo.NewLeads(db, leadsTable),
		Bus: eventbus.New(eventbridge.NewFromConfig(cfg), bus),
		Partners: func(ctx context.Context) ([]string, error) {
			ps, err := directory.ListPartners(ctx)
			ids := make([]string, len(ps))
			for i, p := range ps {
				ids[i] = p.ID
			}
			return ids, err
		},
		Now:   time.Now,
		Grace: grace, Lookback: lookback,
	}
	platform.Start(handler{run: r.Run, log: log}.Handle)
}
