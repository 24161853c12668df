// Package awstest connects adapter tests to the emulator (or AWS) and names
// the scratch resources they make, so parallel runs never meet.
package awstest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

// Config is the SDK configuration from the environment (make test-adapter
// points it at the emulator).
func Config(t *testing.T) aws.Config {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Name is a scratch resource name unique to this run.
func Name(prefix string) string { return storetest.Unique(prefix + "-") }
