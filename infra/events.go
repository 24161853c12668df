package main

import (
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
	})
	bus.GrantPutEventsTo(publisher, nil)
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
	return bus
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
