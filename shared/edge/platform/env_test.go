package platform

import (
	"context"
	"strings"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

func TestEnvCollectsEveryProblem(t *testing.T) {
	t.Setenv("T_REQUIRED", "")
	t.Setenv("T_MILLIS", "50")
	t.Setenv("T_DAYS", "x")
	t.Setenv("T_SECONDS", "")
	var e Env
	e.String("T_REQUIRED")
	if got := e.Millis("T_MILLIS", 3000, 100, 60_000); got != 3*time.Second {
		t.Errorf("out of range: %v, want the default", got)
	}
	e.Days("T_DAYS", 1, 1, 10)
	if got := e.Seconds("T_SECONDS", 30, 0, 60); got != 30*time.Second {
		t.Errorf("unset: %v, want the default", got)
	}
	err := e.Err()
	for _, name := range []string{"T_REQUIRED is required", `T_MILLIS="50"`, `T_DAYS="x"`} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error %v does not name %s", err, name)
		}
	}
	if strings.Contains(err.Error(), "T_SECONDS") {
		t.Errorf("an unset optional variable is a problem: %v", err)
	}
}

func TestAWSConfigBoundsTheWaitForAnAnswer(t *testing.T) {
	t.Setenv("AWS_REGION", "sa-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "id")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
	cfg, err := awsConfig(250 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	client, ok := cfg.HTTPClient.(*awshttp.BuildableClient)
	if !ok {
		t.Fatalf("HTTP client %T", cfg.HTTPClient)
	}
	if got := client.GetTransport().ResponseHeaderTimeout; got != 250*time.Millisecond {
		t.Fatalf("response header timeout %v", got)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if cfg.Region != "sa-east-1" || err != nil || creds.AccessKeyID != "id" || cfg.BaseEndpoint == nil || *cfg.BaseEndpoint != "http://127.0.0.1:4566" {
		t.Fatalf("region %q, credentials %v %v, endpoint %v: not the environment's", cfg.Region, creds.AccessKeyID, err, cfg.BaseEndpoint)
	}
}

func TestAWSConfigTakesServiceEndpoints(t *testing.T) {
	t.Setenv("AWS_REGION", "sa-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "id")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9999")
	cfg, err := awsConfig(time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got := dynamodb.NewFromConfig(cfg).Options().BaseEndpoint; got == nil || *got != "http://127.0.0.1:9999" {
		t.Fatalf("DynamoDB endpoint %v, want AWS_ENDPOINT_URL_DYNAMODB's", got)
	}
	if got := sqs.NewFromConfig(cfg).Options().BaseEndpoint; got == nil || *got != "http://127.0.0.1:4566" {
		t.Fatalf("SQS endpoint %v, want AWS_ENDPOINT_URL's", got)
	}
}

func TestAWSConfigNeedsLambdasEnvironment(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	if _, err := awsConfig(time.Second); err == nil || !strings.Contains(err.Error(), "AWS_REGION") {
		t.Fatalf("no region: %v", err)
	}
}
