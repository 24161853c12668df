package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/partnerleads/pipeline/shared/testkit/chaos"
)

// costModel runs 200 leads through the whole lifecycle (intake, routing,
// status changes, 1 in 5 won, commissions, notifications, export) with the
// functions' real binaries, counts what they did, and prices it per 1,000
// leads. The baseline is 1,000 requests to the hello-world function, priced
// the same way from its measured handler time.
func costModel(ctx context.Context, build string) ([]row, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	tpl, err := chaos.ReadTemplate("infra/cdk.out", "PartnerLeads")
	if err != nil {
		return nil, err
	}
	endpoint := os.Getenv("AWS_ENDPOINT_URL")
	o, err := chaos.Run(ctx, cfg, endpoint, tpl, chaos.Scenario{Partners: 10, PerPartner: 20, WonEvery: 5, Seed: 1},
		func(f string, a ...any) { fmt.Fprintf(os.Stderr, "    "+f+"\n", a...) })
	if err != nil {
		return nil, err
	}
	lines := chaos.Cost(o)
	base, err := helloCost(ctx, build)
	if err != nil {
		return nil, err
	}
	total := chaos.Total(lines)
	rows := []row{{Figure: "cost per 1,000 leads, full lifecycle (AWS list prices)", Value: usd(total), Baseline: usd(base) + " (1,000 hello-world requests)",
		Ratio: ratio(total, base), Note: fmt.Sprintf("%d leads, %d won; counted invocations, handler time, AWS calls, events, log bytes", o.Accepted, o.LedgerLines)}}
	for _, l := range lines {
		rows = append(rows, row{Figure: "· " + l.Item, Value: usd(l.USD()), Baseline: "", Ratio: "",
			Note: fmt.Sprintf("%.4g %s per 1,000 leads at $%.3g", l.Quantity, l.Unit, l.Price.USD)})
	}
	return rows, nil
}

// helloCost prices 1,000 HTTP API requests to the hello-world function
// with its handler time measured here.
func helloCost(ctx context.Context, build string) (float64, error) {
	f, err := chaos.StartFunction("hello", filepath.Join(build, "hello", "bootstrap"), []string{"AWS_REGION=us-east-1"}, 1, 3*time.Second)
	if err != nil {
		return 0, err
	}
	defer f.Stop()
	payload, _ := json.Marshal(events.APIGatewayV2HTTPRequest{RawPath: "/hello", RequestContext: events.APIGatewayV2HTTPRequestContext{
		HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/hello"}}})
	const n = 200
	for range n {
		if _, err := f.Invoke(ctx, payload); err != nil {
			return 0, err
		}
	}
	invocations, busy := f.Invocations()
	o := &chaos.Outcome{Accepted: int(invocations), Invocations: map[string]int64{"hello": invocations},
		Busy: map[string]time.Duration{"hello": busy}, MemoryMB: map[string]int{"hello": 128}, Requests: invocations}
	return chaos.Total(chaos.Cost(o)), nil
}

func usd(v float64) string { return fmt.Sprintf("$%.4f", v) }
