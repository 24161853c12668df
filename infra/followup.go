package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsses"
	"github.com/aws/jsii-runtime-go"
	"strconv"

	"github.com/partnerleads/pipeline/shared/aws/dynamo/schema"
)

// followUp is the SLA ladder and the indicators: the projector keeps the due
// index and the counters from the leads stream, the scanner runs on a
// schedule, the metrics function serves /v1/metrics and the dashboard, and
// the weekly function mails each partner its report.
// followUp returns the metrics API function.
func followUp(stack awscdk.Stack, cfg Config, leads, directory awsdynamodb.Table, sender awsses.EmailIdentity) awslambda.Function {
	metricsTable := table(stack, schema.Metrics)

	projector := cfg.goFunction(stack, "Projector", "projector", map[string]*string{
		"LEADS_TABLE":     leads.TableName(),
		"DIRECTORY_TABLE": directory.TableName(),
		"METRICS_TABLE":   metricsTable.TableName(),
		// A new lead still without an owner this long is routed again.
		"UNOWNED_AFTER_MINUTES": jsii.String(strconv.Itoa(cfg.UnownedAfterMinutes)),
	}, timeout(60))
	leads.GrantWriteData(projector) // SLA items only
	directory.GrantReadData(projector)
	metricsTable.GrantReadWriteData(projector)
	projector.AddEventSource(awslambdaeventsources.NewDynamoEventSource(leads, &awslambdaeventsources.DynamoEventSourceProps{
		StartingPosition:        awslambda.StartingPosition_TRIM_HORIZON,
		BatchSize:               jsii.Number(100),
		BisectBatchOnError:      jsii.Bool(true),
		ReportBatchItemFailures: jsii.Bool(true),
		RetryAttempts:           jsii.Number(10),
		MaxRecordAge:            awscdk.Duration_Hours(jsii.Number(24)),
		OnFailure:               awslambdaeventsources.NewSqsDlq(deadLetterQueue(stack, "Projector")),
		Filters: &[]*map[string]interface{}{awslambda.FilterCriteria_Filter(&map[string]interface{}{
			"dynamodb": map[string]interface{}{"Keys": map[string]interface{}{"SK": map[string]interface{}{"S": awslambda.FilterRule_IsEqual(jsii.String("LEAD"))}}},
		})},
	}))

	// A run takes at most SCAN_LIMIT (500) steps, a few requests each.
	scanner := cfg.goFunction(stack, "Scanner", "scanner", map[string]*string{
		"LEADS_TABLE":     leads.TableName(),
		"DIRECTORY_TABLE": directory.TableName(),
	}, timeout(120))
	leads.GrantReadWriteData(scanner) // stale marks, recalls and routing leads nobody owns
	directory.GrantReadData(scanner)  // routing configuration
	awsevents.NewRule(stack, jsii.String("SlaScan"), &awsevents.RuleProps{
		Schedule: awsevents.Schedule_Rate(awscdk.Duration_Minutes(jsii.Number(cfg.ScanMinutes))),
		Targets:  &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(scanner, &awseventstargets.LambdaFunctionProps{RetryAttempts: jsii.Number(0)})},
	})

	metricsFn := cfg.goFunction(stack, "MetricsApi", "metrics", map[string]*string{
		"LEADS_TABLE":        leads.TableName(),
		"DIRECTORY_TABLE":    directory.TableName(),
		"METRICS_TABLE":      metricsTable.TableName(),
		"PARTNER_SEES_OWNER": jsii.String(cfg.PartnerSeesOwner),
	})
	metricsTable.GrantReadData(metricsFn)
	leads.GrantReadData(metricsFn) // the stale list
	directory.GrantReadData(metricsFn)

	// Monday 08:00 in São Paulo (UTC−3).
	weekly := cfg.goFunction(stack, "Weekly", "weekly", map[string]*string{
		"DIRECTORY_TABLE": directory.TableName(),
		"METRICS_TABLE":   metricsTable.TableName(),
		"SENDER_EMAIL":    jsii.String(cfg.SenderEmail),
	}, timeout(300))
	directory.GrantReadData(weekly)
	metricsTable.GrantReadWriteData(weekly)
	sender.GrantSendEmail(weekly)
	awsevents.NewRule(stack, jsii.String("WeeklyReport"), &awsevents.RuleProps{
		Schedule: awsevents.Schedule_Cron(&awsevents.CronOptions{Minute: jsii.String("0"), Hour: jsii.String("11"), WeekDay: jsii.String("MON")}),
		Targets:  &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(weekly, &awseventstargets.LambdaFunctionProps{RetryAttempts: jsii.Number(2)})},
	})

	out := func(name string, v *string) {
		awscdk.NewCfnOutput(stack, jsii.String(name), &awscdk.CfnOutputProps{Value: v})
	}
	out("MetricsTableName", metricsTable.TableName())
	out("ScannerFunctionName", scanner.FunctionName())
	out("WeeklyFunctionName", weekly.FunctionName())
	return metricsFn
}

func timeout(seconds float64) func(*awslambda.FunctionProps) {
	return func(p *awslambda.FunctionProps) { p.Timeout = awscdk.Duration_Seconds(jsii.Number(seconds)) }
}
