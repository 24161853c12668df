// Command infra is the CDK app: the same app deploys to AWS (arm64) and to
// the local emulator (the host's architecture).
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	checkAwsSolutions(app)
	cfg := ConfigFromContext(app)
	NewPipelineStack(app, "PartnerLeads", &PipelineStackProps{Config: cfg})
	NewBenchStack(app, "PartnerLeadsBench", &BenchStackProps{Config: cfg})
	app.Synth(nil)
}
