// Command notifier delivers lead events to partner webhooks, email and
// Slack/Teams channels, from the notification queue.
package main

import (
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/partnerleads/pipeline/shared/aws/dynamo/notifydb"
	"github.com/partnerleads/pipeline/shared/aws/sesmail"
	"github.com/partnerleads/pipeline/shared/aws/sqsqueue"
	"github.com/partnerleads/pipeline/shared/domain/notify"
	"github.com/partnerleads/pipeline/shared/edge/emf"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	leadsTable, directoryTable := env.String("LEADS_TABLE"), env.String("DIRECTORY_TABLE")
	queueURL, dlqURL, sender := env.String("QUEUE_URL"), env.String("DLQ_URL"), env.String("SENDER_EMAIL")
	policy := notify.Policy{
		Base:   env.Seconds("RETRY_BASE_SECONDS", 30, 1, 3600),
		Cap:    env.Seconds("RETRY_CAP_SECONDS", 6*3600, 1, 12*3600),
		MaxAge: env.Seconds("RETRY_MAX_AGE_SECONDS", 72*3600, 10, 96*3600),
	}
	targets := notify.Targets{LocalMode: env.LocalMode()}
	cacheTTL := env.ConfigCacheTTL()
	webhookTimeout := env.Millis("WEBHOOK_TIMEOUT_MS", 4_000, 100, 30_000)
	partnerView := env.PartnerView()
	cfg := platform.MustStart(log, &env)
	db := dynamodb.NewFromConfig(cfg)
	n := notify.Notifier{
		Partner:    partnerView,
		Config:     notify.CacheChannels(notifydb.NewConfig(db, directoryTable), cacheTTL, time.Now),
		Deliveries: notifydb.NewDeliveries(db, leadsTable),
		Mail:       sesmail.New(sesv2.NewFromConfig(cfg), sender),
		Send:       notify.NewSender(targets, webhookTimeout, time.Now),
		Log:        log,
		Now:        time.Now,
	}
	h := handler{notify: n, queue: sqsqueue.New(sqs.NewFromConfig(cfg), queueURL, dlqURL), policy: policy, log: log, meter: emf.NewMeter(os.Stdout, "notifier", time.Now), now: time.Now}
	platform.Start(h.Handle)
}
