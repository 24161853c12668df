package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerleads/pipeline/shared/aws/s3store"
)

// auditAnchors is the audit anchoring: on a schedule, the anchor function
// writes a digest of every lead's history chain head into a bucket outside
// the table, write-once (Object Lock, default retention) and writable only
// under its prefix by that function, so that rewriting a history needs
// more than write access to the table. `leadctl verify` reads the newest.
func auditAnchors(stack awscdk.Stack, cfg Config, leads awsdynamodb.Table) {
	retention := awss3.ObjectLockRetention_Governance(awscdk.Duration_Days(jsii.Number(cfg.AnchorRetentionDays)))
	if cfg.AnchorLockMode == "COMPLIANCE" {
		retention = awss3.ObjectLockRetention_Compliance(awscdk.Duration_Days(jsii.Number(cfg.AnchorRetentionDays)))
	}
	bucket := awss3.NewBucket(stack, jsii.String("AuditAnchors"), &awss3.BucketProps{
		Encryption:                 awss3.BucketEncryption_S3_MANAGED,
		Versioned:                  jsii.Bool(true), // Object Lock needs it
		ObjectLockEnabled:          jsii.Bool(true),
		ObjectLockDefaultRetention: retention,
		BlockPublicAccess:          awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:                 jsii.Bool(true),
		RemovalPolicy:              awscdk.RemovalPolicy_RETAIN,
	})
	suppress(bucket, "AwsSolutions-S1", "Anchors are written only by the anchor function and read by operators with leadctl; CloudTrail data events cover both, and the objects cannot change.")

	anchor := cfg.goFunction(stack, "Anchor", "anchor", map[string]*string{
		"LEADS_TABLE":   leads.TableName(),
		"ANCHOR_BUCKET": bucket.BucketName(),
	}, timeout(300), func(p *awslambda.FunctionProps) { p.MemorySize = jsii.Number(512) })
	leads.GrantReadData(anchor)
	bucket.GrantPut(anchor, jsii.String(s3store.AnchorPrefix+"*"))
	suppress(anchor, "AwsSolutions-IAM5",
		"CDK's GrantPut action group (s3:Abort*), scoped to the audit/anchors/ prefix of the one anchor bucket.",
		matching(`/^Resource::<AuditAnchors[0-9A-F]+\.Arn>\/audit\/anchors\/\*$/g`),
		"Action::s3:Abort*")
	awsevents.NewRule(stack, jsii.String("AuditAnchorSchedule"), &awsevents.RuleProps{
		Schedule: awsevents.Schedule_Rate(awscdk.Duration_Minutes(jsii.Number(cfg.AnchorMinutes))),
		Targets:  &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(anchor, &awseventstargets.LambdaFunctionProps{RetryAttempts: jsii.Number(2)})},
	})

	awscdk.NewCfnOutput(stack, jsii.String("AnchorBucketName"), &awscdk.CfnOutputProps{Value: bucket.BucketName()})
	awscdk.NewCfnOutput(stack, jsii.String("AnchorFunctionName"), &awscdk.CfnOutputProps{Value: anchor.FunctionName()})
}
