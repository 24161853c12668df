package main

import (
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsses"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerleads/pipeline/shared/aws/dynamo/schema"
	"github.com/partnerleads/pipeline/shared/aws/eventbus"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// exportObjects is the key pattern finance exports live under.
const exportObjects = commission.ExportPrefix + "*"

// commissions is the commission engine: the ledger table, the function
// that turns deal events into ledger lines, the finance API, and the
// exporter writing to an encrypted, versioned, private bucket.
// commissions returns the finance API function.
func commissions(stack awscdk.Stack, cfg Config, bus awsevents.IEventBus, leads, directory awsdynamodb.Table, sender awsses.EmailIdentity) awslambda.Function {
	ledger := ledgerTable(stack)
	bucket := exportBucket(stack)

	engine := cfg.goFunction(stack, "Commission", "commission", map[string]*string{
		"LEDGER_TABLE":   ledger.TableName(),
		"EVENT_BUS_NAME": bus.EventBusName(),
		"SENDER_EMAIL":   jsii.String(cfg.SenderEmail),
		"FINANCE_EMAIL":  jsii.String(cfg.FinanceEmail),
	})
	ledger.GrantReadWriteData(engine)
	bus.GrantPutEventsTo(engine, nil)
	sender.GrantSendEmail(engine)
	onEvent(stack, bus, "CommissionOnWonOrQualified", engine, &awsevents.EventPattern{
		DetailType: jsii.Strings(lead.EventLeadStatusChanged),
		Detail:     &map[string]any{"detail": map[string]any{"to": []string{string(lead.StatusWon), string(lead.StatusQualified)}}},
	})
	onEvent(stack, bus, "CommissionOnReopen", engine, &awsevents.EventPattern{
		DetailType: jsii.Strings(lead.EventLeadStatusChanged),
		Detail:     &map[string]any{"detail": map[string]any{"from": []string{string(lead.StatusWon)}}},
	})
	onEvent(stack, bus, "CommissionOnDealInputs", engine, &awsevents.EventPattern{
		Source:     jsii.Strings(eventbus.CommissionSource),
		DetailType: jsii.Strings(commission.EventDealCancelled, commission.EventDealRevenueConfirmed),
	})

	exporter := cfg.goFunction(stack, "Exporter", "exporter", map[string]*string{
		"LEDGER_TABLE":   ledger.TableName(),
		"EVENT_BUS_NAME": bus.EventBusName(),
		"EXPORT_BUCKET":  bucket.BucketName(),
	}, func(p *awslambda.FunctionProps) {
		p.Timeout, p.MemorySize = awscdk.Duration_Minutes(jsii.Number(15)), jsii.Number(512)
	})
	ledger.GrantReadWriteData(exporter) // reads lines, records the export
	bus.GrantPutEventsTo(exporter, nil)
	bucket.GrantPut(exporter, jsii.String(exportObjects))
	onEvent(stack, bus, "ExportOnRequest", exporter, &awsevents.EventPattern{
		Source: jsii.Strings(eventbus.CommissionSource), DetailType: jsii.Strings(commission.EventExportRequested),
	})
	// The monthly export, on the 1st at 03:00 in São Paulo (06:00 UTC).
	awsevents.NewRule(stack, jsii.String("MonthlyExport"), &awsevents.RuleProps{
		Schedule: awsevents.Schedule_Cron(&awsevents.CronOptions{Minute: jsii.String("0"), Hour: jsii.String("6"), Day: jsii.String("1")}),
		Targets:  &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(exporter, &awseventstargets.LambdaFunctionProps{RetryAttempts: jsii.Number(2)})},
	})

	finance := cfg.goFunction(stack, "Finance", "finance", map[string]*string{
		"LEDGER_TABLE":        ledger.TableName(),
		"LEADS_TABLE":         leads.TableName(),
		"DIRECTORY_TABLE":     directory.TableName(),
		"EVENT_BUS_NAME":      bus.EventBusName(),
		"EXPORT_BUCKET":       bucket.BucketName(),
		"DISPUTE_WINDOW_DAYS": jsii.String(strconv.Itoa(cfg.DisputeWindowDays)),
	})
	ledger.GrantReadWriteData(finance)
	leads.GrantReadWriteData(finance) // reads leads; dispute events go into partners' feeds
	directory.GrantReadData(finance)
	bus.GrantPutEventsTo(finance, nil)
	bucket.GrantRead(finance, jsii.String(exportObjects)) // presigned downloads are signed as the function

	// Finance's people and tools assume this role to read exports, and
	// nothing else in the bucket.
	reader := awsiam.NewRole(stack, jsii.String("FinanceExportReader"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewAccountRootPrincipal(),
		Description: jsii.String("Read-only access to commission exports"),
	})
	bucket.GrantRead(reader, jsii.String(exportObjects))
	for _, who := range []constructs.IConstruct{exporter, finance, reader} {
		suppress(who, "AwsSolutions-IAM5",
			"CDK's GrantRead and GrantPut action groups (s3:GetObject*, s3:GetBucket*, s3:List*, s3:Abort*), scoped to the exports/commissions/ prefix of the one export bucket.",
			matching(`/^Resource::<Exports[0-9A-F]+\.Arn>\/exports\/commissions\/\*$/g`),
			"Action::s3:GetObject*", "Action::s3:GetBucket*", "Action::s3:List*", "Action::s3:Abort*")
	}

	out := func(name string, v *string) {
		awscdk.NewCfnOutput(stack, jsii.String(name), &awscdk.CfnOutputProps{Value: v})
	}
	out("LedgerTableName", ledger.TableName())
	out("ExportBucketName", bucket.BucketName())
	out("FinanceExportReaderRoleArn", reader.RoleArn())
	out("ExporterFunctionName", exporter.FunctionName())
	out("CommissionFunctionName", engine.FunctionName())
	return finance
}

// ledgerTable holds plans, ledger lines, running states and exports; see
// shared/aws/dynamo/DESIGN.md.
func ledgerTable(stack awscdk.Stack) awsdynamodb.Table {
	return table(stack, schema.Ledger)
}

// exportBucket is private, encrypted, versioned and TLS-only. Old versions
// of exports expire after 400 days; unfinished multipart uploads after 2.
func exportBucket(stack awscdk.Stack) awss3.Bucket {
	// Every read of an export is logged: who downloaded what, and when.
	accessLogs := awss3.NewBucket(stack, jsii.String("ExportsAccessLogs"), &awss3.BucketProps{
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
		LifecycleRules:    &[]*awss3.LifecycleRule{{Id: jsii.String("expire-access-logs"), Expiration: awscdk.Duration_Days(jsii.Number(400))}},
	})
	suppress(accessLogs, "AwsSolutions-S1", "This is the access-log bucket itself; logging it into itself would loop.")
	return awss3.NewBucket(stack, jsii.String("Exports"), &awss3.BucketProps{
		ServerAccessLogsBucket: accessLogs,
		ServerAccessLogsPrefix: jsii.String("exports/"),
		Encryption:             awss3.BucketEncryption_S3_MANAGED,
		Versioned:              jsii.Bool(true),
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:             jsii.Bool(true),
		RemovalPolicy:          awscdk.RemovalPolicy_RETAIN,
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                                  jsii.String("expire-old-versions"),
			NoncurrentVersionExpiration:         awscdk.Duration_Days(jsii.Number(400)),
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(2)),
		}},
	})
}
