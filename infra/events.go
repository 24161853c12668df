package main

import (
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerleads/pipeline/shared/aws/eventbus"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
)

// dlqSuffix ends every dead-letter queue's id; the alarms find them by it.
const dlqSuffix = "Failures"

// deadLetterQueue keeps what could not be delivered for 14 days, encrypted.
// Its id is the source's name plus dlqSuffix.
func deadLetterQueue(stack awscdk.Stack, source string) awssqs.Queue {
	q := awssqs.NewQueue(stack, jsii.String(source+dlqSuffix), &awssqs.QueueProps{
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
	})
	suppress(q, "AwsSolutions-SQS3", "This is a dead-letter queue (an event source mapping's on-failure destination or a rule target's DLQ); its depth alarm is the next step, not another queue.")
	// leadctl dlq finds the dead-letter queues by this suffix.
	awscdk.NewCfnOutput(stack, jsii.String(source+stackinfo.DLQOutputSuffix), &awscdk.CfnOutputProps{Value: q.QueueUrl()})
	return q
}

// eventBackbone is the custom bus and the publisher that feeds it from the
// leads table's stream: lead items only, partial batch failures, bisection
// on error, and an on-failure queue for records that keep failing.
func eventBackbone(stack awscdk.Stack, cfg Config, leads awsdynamodb.Table) awsevents.EventBus {
	bus := awsevents.NewEventBus(stack, jsii.String("Bus"), &awsevents.EventBusProps{})
	publisher := cfg.goFunction(stack, "Publisher", "publisher", map[string]*string{
		"EVENT_BUS_NAME": bus.EventBusName(),
		"LEADS_TABLE":    leads.TableName(),
	})
	bus.GrantPutEventsTo(publisher, nil)
	leads.GrantWriteData(publisher) // the published marks (LEAD#<id> / PUB)
	publisher.AddEventSource(awslambdaeventsources.NewDynamoEventSource(leads, &awslambdaeventsources.DynamoEventSourceProps{
		StartingPosition:        awslambda.StartingPosition_TRIM_HORIZON,
		BatchSize:               jsii.Number(100),
		MaxBatchingWindow:       awscdk.Duration_Millis(jsii.Number(0)),
		BisectBatchOnError:      jsii.Bool(true),
		ReportBatchItemFailures: jsii.Bool(true),
		RetryAttempts:           jsii.Number(10),
		MaxRecordAge:            awscdk.Duration_Hours(jsii.Number(24)),
		OnFailure:               awslambdaeventsources.NewSqsDlq(deadLetterQueue(stack, "Publisher")),
		Filters: &[]*map[string]interface{}{awslambda.FilterCriteria_Filter(&map[string]interface{}{
			"dynamodb": map[string]interface{}{"Keys": map[string]interface{}{"SK": map[string]interface{}{"S": awslambda.FilterRule_IsEqual(jsii.String("LEAD"))}}},
		})},
	}))
	awscdk.NewCfnOutput(stack, jsii.String("PublisherFunctionName"), &awscdk.CfnOutputProps{Value: publisher.FunctionName()})
	return bus
}

// reconciliation republishes, on a schedule, the lead events the stream
// lost: the stream's on-failure queue gets batch metadata, not records, and
// records expire after 24 h, so the events are found again in the table.
func reconciliation(stack awscdk.Stack, cfg Config, bus awsevents.IEventBus, leads, directory awsdynamodb.Table) {
	fn := cfg.goFunction(stack, "Reconciler", "reconciler", map[string]*string{
		"LEADS_TABLE":             leads.TableName(),
		"DIRECTORY_TABLE":         directory.TableName(),
		"EVENT_BUS_NAME":          bus.EventBusName(),
		"RECONCILE_GRACE_SECONDS": jsii.String(strconv.Itoa(cfg.ReconcileGraceSeconds)),
	}, timeout(300))
	leads.GrantReadWriteData(fn) // reads leads, history and feed; moves the published marks
	directory.GrantReadData(fn)  // the partners
	bus.GrantPutEventsTo(fn, nil)
	rule := awsevents.NewRule(stack, jsii.String("ReconcileSchedule"), &awsevents.RuleProps{
		Schedule: awsevents.Schedule_Rate(awscdk.Duration_Minutes(jsii.Number(cfg.ReconcileMinutes))),
		Targets:  &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{RetryAttempts: jsii.Number(0)})},
	})
	awscdk.NewCfnOutput(stack, jsii.String("ReconcilerFunctionName"), &awscdk.CfnOutputProps{Value: fn.FunctionName()})
	awscdk.NewCfnOutput(stack, jsii.String("ReconcileRuleName"), &awscdk.CfnOutputProps{Value: rule.RuleName()})
}

// onEvent sends the bus's events matching pattern (lead events unless the
// pattern names a source) to fn, with retries
// and a dead-letter queue for events that still fail.
func onEvent(stack awscdk.Stack, bus awsevents.IEventBus, id string, fn awslambda.IFunction, pattern *awsevents.EventPattern) {
	if pattern.Source == nil {
		pattern.Source = jsii.Strings(eventbus.Source)
	}
	rule := awsevents.NewRule(stack, jsii.String(id), &awsevents.RuleProps{EventBus: bus, EventPattern: pattern})
	rule.AddTarget(awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
		DeadLetterQueue: deadLetterQueue(stack, id),
		RetryAttempts:   jsii.Number(8),
		MaxEventAge:     awscdk.Duration_Hours(jsii.Number(2)),
	}))
}
