package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// checkAwsSolutions runs cdk-nag's AwsSolutions pack on every synth: a
// finding without a suppression below fails `cdk synth` and the CDK tests.
func checkAwsSolutions(app awscdk.App) {
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
}

// suppress records one finding we accept, and why, on a construct and its
// children.
func suppress(c constructs.IConstruct, rule, reason string, appliesTo ...any) {
	s := &cdknag.NagPackSuppression{Id: jsii.String(rule), Reason: jsii.String(reason)}
	if len(appliesTo) > 0 {
		s.AppliesTo = &appliesTo
	}
	cdknag.NagSuppressions_AddResourceSuppressions(c, &[]*cdknag.NagPackSuppression{s}, jsii.Bool(true))
}

func matching(regex string) cdknag.RegexAppliesTo {
	return cdknag.RegexAppliesTo{Regex: jsii.String(regex)}
}

// acceptedFindings are the stack-wide findings that are the design, not an
// oversight. Findings on one resource are suppressed where it is built.
func acceptedFindings(stack awscdk.Stack) {
	suppress(stack, "AwsSolutions-APIG4",
		"On the machines' API every route authenticates in the function: a Bearer API key, stored hashed, with a role and a partner scope, which a JWT authorizer cannot check. On the app's API every non-public route has the user pool's JWT authorizer. The public routes are the OpenAPI document, the dashboard's and the app's static files, which carry no data, and the sign-in, whose credential is the password.")
	suppress(stack, "AwsSolutions-COG2",
		"MFA (TOTP) is offered to every user; partners' and reps' users may sign in without it, as the product decided.")
	suppress(stack, "AwsSolutions-COG3",
		"Threat protection needs Cognito's Plus plan, a per-user cost the operator can switch on; lockout after failed sign-ins is Cognito's, on every plan.")
	suppress(stack, "AwsSolutions-IAM4",
		"AWSLambdaBasicExecutionRole allows only logs:CreateLogGroup, logs:CreateLogStream and logs:PutLogEvents: the least a function needs to log.",
		"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
	suppress(stack, "AwsSolutions-IAM5",
		"Resource * only where the action has no resource-level permissions: xray:PutTraceSegments and xray:PutTelemetryRecords (X-Ray tracing) and dynamodb:ListStreams (stream event source mappings). TestStack fails on any other action with Resource *.",
		"Resource::*")
	suppress(stack, "AwsSolutions-IAM5",
		"Grant* on a table also covers that table's own secondary indexes (<table arn>/index/*), and nothing else; each function is granted only the tables it uses.",
		matching(`/^Resource::<[A-Za-z0-9]+\.Arn>\/index\/\*$/g`))
}
