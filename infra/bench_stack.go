package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

type BenchStackProps struct {
	awscdk.StackProps
	Config Config
}

// NewBenchStack deploys the hello-world baseline behind its own HTTP API, so
// benchmarks can quote the pipeline as a ratio of it on the same emulator.
// `make bench` deploys it; `make deploy` does not.
func NewBenchStack(scope constructs.Construct, id string, props *BenchStackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)
	fn := props.Config.goFunction(stack, "Hello", "hello", map[string]*string{})
	api := awsapigatewayv2.NewHttpApi(stack, jsii.String("BenchApi"), nil)
	api.AddRoutes(&awsapigatewayv2.AddRoutesOptions{
		Path:        jsii.String("/hello"),
		Methods:     &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod_POST},
		Integration: awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String("HelloIntegration"), fn, nil),
	})
	accessLogs(stack, "", api) // as the pipeline's API, so the baseline pays the same
	acceptedFindings(stack)
	awscdk.NewCfnOutput(stack, jsii.String("ApiId"), &awscdk.CfnOutputProps{Value: api.ApiId()})
	return stack
}
