//go:build adapter

package faultproxy_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/edge/platform"
	"github.com/partnerleads/pipeline/shared/testkit/dynamotest"
	"github.com/partnerleads/pipeline/shared/testkit/faultproxy"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

// The router suite (8 concurrent workers, every lead delivered twice: no
// double assignment, no capacity overflow, a fair pointer) with 10% of its
// DynamoDB calls failing in every way the proxy knows. A transaction whose
// answer was lost or held is retried by the SDK with the same
// ClientRequestToken, so the retry reports the first attempt's success.
func TestRouterUnderFaults(t *testing.T) {
	ctx := context.Background()
	cfg, _, err := stackinfo.Connect(ctx, stackinfo.DefaultStack)
	if err != nil {
		t.Fatal(err)
	}
	direct := dynamodb.NewFromConfig(cfg)
	table, drop, err := dynamo.CreateScratchLeadsTable(ctx, direct)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	p, err := faultproxy.Start(faultproxy.Config{Upstream: os.Getenv("AWS_ENDPOINT_URL"), Rate: 0.1, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	url := p.URL()
	faulty := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.BaseEndpoint = &url
		o.RetryMaxAttempts = 10 // the SDK's own retries ride out a run of faults
		o.HTTPClient = platform.HTTPClient(200 * time.Millisecond)
	})
	storetest.RunRouter(t, dynamotest.NewLeads(faulty, table), 200)
	inj := p.Injected()
	for _, f := range faultproxy.Faults {
		if inj[f] == 0 {
			t.Errorf("no %s injected: %v", f, inj)
		}
	}
	t.Logf("calls %v, faults %v", p.Calls(), inj)
}

// The lifecycle suite (status changes, claims released, the feed, 16
// concurrent updates of which exactly one wins) when a fifth of the
// transactions are resent after they took effect, their token gone: the
// retry finds its own write and must report it as done, not as a conflict
// (nor, on a second read, as "lost → lost is not allowed").
func TestLifecycleWhenWritesAreResent(t *testing.T) {
	ctx := context.Background()
	cfg, _, err := stackinfo.Connect(ctx, stackinfo.DefaultStack)
	if err != nil {
		t.Fatal(err)
	}
	direct := dynamodb.NewFromConfig(cfg)
	table, drop, err := dynamo.CreateScratchLeadsTable(ctx, direct)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	p, err := faultproxy.Start(faultproxy.Config{Upstream: os.Getenv("AWS_ENDPOINT_URL"), Rate: 0.2, Seed: 7, Kinds: []faultproxy.Fault{faultproxy.Resent}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	url := p.URL()
	faulty := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = &url })
	storetest.RunLifecycle(t, dynamotest.NewLeads(faulty, table))
	if n := p.Injected()[faultproxy.Resent]; n == 0 {
		t.Fatalf("nothing was resent: %v", p.Calls())
	}
	t.Logf("calls %v, resent %d", p.Calls(), p.Injected()[faultproxy.Resent])
}
