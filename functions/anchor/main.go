// Command anchor writes the audit anchor: a digest of every lead's history
// chain head, into a write-once bucket outside the leads table, so that
// `leadctl verify` can tell a history rewritten by a table writer. An
// EventBridge schedule runs it (hourly by default).
package main

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/s3store"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	leadsTable, bucket := env.String("LEADS_TABLE"), env.String("ANCHOR_BUCKET")
	cfg := platform.MustStart(log, &env)
	s := lead.Anchorer{
		Heads: dynamo.NewLeads(dynamodb.NewFromConfig(cfg), leadsTable),
		Store: s3store.NewAnchors(s3store.New(cfg, bucket, platform.PathStyleS3())),
		Now:   time.Now,
	}
	platform.Start(handler{anchor: s, log: log}.Handle)
}
