// Command digest mails each partner who asked for it a daily digest of its
// leads' updates. An EventBridge schedule runs it every morning.
package main

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/notifydb"
	"github.com/partnerleads/pipeline/shared/aws/sesmail"
	"github.com/partnerleads/pipeline/shared/domain/notify"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	leadsTable, directoryTable, sender := env.String("LEADS_TABLE"), env.String("DIRECTORY_TABLE"), env.String("SENDER_EMAIL")
	partnerView := env.PartnerView()
	cfg := platform.MustStart(log, &env)
	db := dynamodb.NewFromConfig(cfg)
	n := notify.Notifier{Partner: partnerView, Deliveries: notifydb.NewDeliveries(db, leadsTable), Mail: sesmail.New(sesv2.NewFromConfig(cfg), sender), Log: log, Now: time.Now}
	src := notifydb.DigestSource{Config: notifydb.NewConfig(db, directoryTable), Leads: dynamo.NewLeads(db, leadsTable)}
	platform.StartEvent(handler{digests: n, source: src, now: time.Now, log: log}.Handle)
}
