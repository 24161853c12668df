// Package stackinfo finds a deployed stack's outputs (table names, API id)
// through CloudFormation, on AWS and on the emulator alike.
package stackinfo

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// DefaultStack is the pipeline stack's name.
const DefaultStack = "PartnerLeads"

// DLQOutputSuffix ends the output naming each dead-letter queue's URL:
// <source>FailuresQueueUrl, e.g. RouteNewLeadsFailuresQueueUrl.
const DLQOutputSuffix = "FailuresQueueUrl"

// Outputs are a stack's CloudFormation outputs by key.
type Outputs map[string]string

// Load reads the outputs of a deployed stack.
func Load(ctx context.Context, cfg aws.Config, stack string) (Outputs, error) {
	out, err := cloudformation.NewFromConfig(cfg).DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: &stack})
	if err != nil {
		return nil, fmt.Errorf("describe stack %s (is it deployed? try 'make run'): %w", stack, err)
	}
	if len(out.Stacks) == 0 {
		return nil, fmt.Errorf("stack %s not found", stack)
	}
	o := Outputs{}
	for _, kv := range out.Stacks[0].Outputs {
		o[aws.ToString(kv.OutputKey)] = aws.ToString(kv.OutputValue)
	}
	return o, nil
}

// Get returns one output or an error naming it.
func (o Outputs) Get(key string) (string, error) {
	v, ok := o[key]
	if !ok || v == "" {
		return "", fmt.Errorf("stack output %s is missing", key)
	}
	return v, nil
}

// APIBase is the URL that /v1/... paths hang off. On the emulator
// (AWS_ENDPOINT_URL set) it is the path-style execute-api URL, which needs no
// DNS; on AWS it is the stack's ApiUrl output.
func (o Outputs) APIBase() (string, error) { return o.base("ApiId", "ApiUrl") }

// AppBase is the same for the app's API, which people use: /app is the web
// app, /v1/... the API behind the user pool's sign-in.
func (o Outputs) AppBase() (string, error) { return o.base("AppApiId", "AppApiUrl") }

func (o Outputs) base(idOutput, urlOutput string) (string, error) {
	if ep := os.Getenv("AWS_ENDPOINT_URL"); ep != "" {
		id, err := o.Get(idOutput)
		if err != nil {
			return "", err
		}
		u, err := url.Parse(ep)
		if err != nil {
			return "", fmt.Errorf("AWS_ENDPOINT_URL: %w", err)
		}
		return strings.TrimRight(u.String(), "/") + "/_aws/execute-api/" + id, nil
	}
	return o.Get(urlOutput)
}

// Connect loads the AWS configuration and a deployed stack's outputs: what
// every operator tool and emulator test starts with.
func Connect(ctx context.Context, stack string) (aws.Config, Outputs, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return aws.Config{}, nil, fmt.Errorf("load AWS config: %w", err)
	}
	outs, err := Load(ctx, cfg, stack)
	return cfg, outs, err
}
