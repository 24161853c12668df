package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsses"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerleads/pipeline/shared/aws/eventbus"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// notifications is the path from the bus to partners and channels: every
// lead event goes to a queue (retained 4 days, longer than the 72-hour retry
// window) that the notifier consumes with partial batch failures. The
// notifier postpones what must be retried and dead-letters what runs out.
func notifications(stack awscdk.Stack, cfg Config, bus awsevents.IEventBus, leads, directory awsdynamodb.Table) (awssqs.Queue, awsses.EmailIdentity) {
	dlq := deadLetterQueue(stack, "Notification")
	queue := awssqs.NewQueue(stack, jsii.String("Notifications"), &awssqs.QueueProps{
		RetentionPeriod:   awscdk.Duration_Days(jsii.Number(4)),
		VisibilityTimeout: awscdk.Duration_Seconds(jsii.Number(60)),
		Encryption:        awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		// A backstop: the notifier dead-letters by age before this is reached.
		DeadLetterQueue: &awssqs.DeadLetterQueue{Queue: dlq, MaxReceiveCount: jsii.Number(100)},
	})
	rule := awsevents.NewRule(stack, jsii.String("NotifyOnLeadEvents"), &awsevents.RuleProps{
		EventBus:     bus,
		EventPattern: &awsevents.EventPattern{Source: jsii.Strings(eventbus.Source)},
	})
	rule.AddTarget(awseventstargets.NewSqsQueue(queue, &awseventstargets.SqsQueueProps{}))
	// Commission disputes reach partners the same way.
	disputes := awsevents.NewRule(stack, jsii.String("NotifyOnDisputes"), &awsevents.RuleProps{
		EventBus: bus,
		EventPattern: &awsevents.EventPattern{Source: jsii.Strings(eventbus.CommissionSource),
			DetailType: jsii.Strings(lead.EventDisputeFiled, lead.EventDisputeAnswered)},
	})
	disputes.AddTarget(awseventstargets.NewSqsQueue(queue, &awseventstargets.SqsQueueProps{}))

	sender := awsses.NewEmailIdentity(stack, jsii.String("Sender"), &awsses.EmailIdentityProps{
		Identity: awsses.Identity_Email(jsii.String(cfg.SenderEmail)),
	})
	fn := cfg.goFunction(stack, "Notifier", "notifier", map[string]*string{
		"LEADS_TABLE":           leads.TableName(),
		"DIRECTORY_TABLE":       directory.TableName(),
		"QUEUE_URL":             queue.QueueUrl(),
		"DLQ_URL":               dlq.QueueUrl(),
		"SENDER_EMAIL":          jsii.String(cfg.SenderEmail),
		"PARTNER_SEES_OWNER":    jsii.String(cfg.PartnerSeesOwner),
		"LOCAL_MODE":            jsii.String(cfg.localMode()),
		"RETRY_BASE_SECONDS":    jsii.String(cfg.RetryBaseSeconds),
		"RETRY_CAP_SECONDS":     jsii.String(cfg.RetryCapSeconds),
		"RETRY_MAX_AGE_SECONDS": jsii.String(cfg.RetryMaxAgeSeconds),
	})
	fn.AddEventSource(awslambdaeventsources.NewSqsEventSource(queue, &awslambdaeventsources.SqsEventSourceProps{
		BatchSize:               jsii.Number(10),
		ReportBatchItemFailures: jsii.Bool(true),
	}))
	leads.GrantReadWriteData(fn) // delivery records
	directory.GrantReadData(fn)
	dlq.GrantSendMessages(fn)
	sender.GrantSendEmail(fn)

	// The daily digest, at 08:00 in São Paulo (UTC−3, no daylight saving).
	// Five minutes: eight partners at once, each a feed read and a mail,
	// is some thousands of partners; nobody waits on it.
	digest := cfg.goFunction(stack, "Digest", "digest", map[string]*string{
		"LEADS_TABLE":        leads.TableName(),
		"DIRECTORY_TABLE":    directory.TableName(),
		"SENDER_EMAIL":       jsii.String(cfg.SenderEmail),
		"PARTNER_SEES_OWNER": jsii.String(cfg.PartnerSeesOwner),
	}, timeout(300))
	leads.GrantReadWriteData(digest) // reads feeds, records what was sent
	directory.GrantReadData(digest)
	sender.GrantSendEmail(digest)
	awsevents.NewRule(stack, jsii.String("DailyDigest"), &awsevents.RuleProps{
		Schedule: awsevents.Schedule_Cron(&awsevents.CronOptions{Minute: jsii.String("0"), Hour: jsii.String("11")}),
		Targets:  &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(digest, &awseventstargets.LambdaFunctionProps{RetryAttempts: jsii.Number(2)})},
	})
	awscdk.NewCfnOutput(stack, jsii.String("DigestFunctionName"), &awscdk.CfnOutputProps{Value: digest.FunctionName()})
	return queue, sender
}
