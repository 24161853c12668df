package main

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
)

// TestAwsSolutionsChecks: cdk-nag's AwsSolutions pack finds nothing that is
// not suppressed, with its reason, in the stack's code.
func TestAwsSolutionsChecks(t *testing.T) {
	a := assertions.Annotations_FromStack(testStack(t, "arm64"))
	rule := assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))
	for kind, msgs := range map[string]*[]*cxapi.SynthesisMessage{
		"error":   a.FindError(jsii.String("*"), rule),
		"warning": a.FindWarning(jsii.String("*"), rule),
	} {
		for _, m := range *msgs {
			t.Errorf("cdk-nag %s on %s: %v", kind, *m.Id, m.Entry.Data)
		}
	}
}
