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
	p := faultproxy.Config{Rate: 0.1, Seed: 42}
	leads, proxy := leadsThroughProxy(t, p, func(o *dynamodb.Options) {
		o.RetryMaxAttempts = 10 // the SDK's own retries ride out a run of faults
		o.HTTPClient = platform.HTTPClient(200 * time.Millisecond)
	})
	storetest.RunRouter(t, leads, 200)
	inj := proxy.Injected()
	for _, f := range faultproxy.Faults {
		if inj[f] == 0 {
			t.Errorf("no %s injected: %v", f, inj)
		}
	}
	t.Logf("calls %v, faults %v", proxy.Calls(), inj)
}

// leadsThroughProxy is every store of a scratch leads table, reached
// through a fault proxy configured by p (its upstream is the emulator).
func leadsThroughProxy(t *testing.T, p faultproxy.Config, opts ...func(*dynamodb.Options)) (dynamotest.Leads, *faultproxy.Proxy) {
	t.Helper()
	ctx := context.Background()
	cfg, _, err := stackinfo.Connect(ctx, stackinfo.DefaultStack)
	if err != nil {
		t.Fatal(err)
	}
	table, drop, err := dynamo.CreateScratchLeadsTable(ctx, dynamodb.NewFromConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	p.Upstream = os.Getenv("AWS_ENDPOINT_URL")
	proxy, err := faultproxy.Start(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	url := proxy.URL()
	faulty := dynamodb.NewFromConfig(cfg, append([]func(*dynamodb.Options){func(o *dynamodb.Options) { o.BaseEndpoint = &url }}, opts...)...)
	return dynamotest.NewLeads(faulty, table), proxy
}

// The lifecycle suite (status changes, claims released, the feed, 16
// concurrent updates of which exactly one wins) when a fifth of the
// transactions are resent after they took effect, their token gone: the
// retry finds its own write and must report it as done, not as a conflict
// (nor, on a second read, as "lost → lost is not allowed").
func TestLifecycleWhenWritesAreResent(t *testing.T) {
	leads, proxy := leadsThroughProxy(t, faultproxy.Config{Rate: 0.2, Seed: 7, Kinds: []faultproxy.Fault{faultproxy.Resent}})
	storetest.RunLifecycle(t, leads)
	if n := proxy.Injected()[faultproxy.Resent]; n == 0 {
		t.Fatalf("nothing was resent: %v", proxy.Calls())
	}
	t.Logf("calls %v, resent %d", proxy.Calls(), proxy.Injected()[faultproxy.Resent])
}

// A sixth of the transactions cancelled for contention (another transaction
// on the same items) are tried again by the store: the lifecycle suite,
// lead creation and the router suite all pass as if nothing happened.
func TestTransactionConflictsAreRetried(t *testing.T) {
	leads, proxy := leadsThroughProxy(t, faultproxy.Config{Rate: 0.16, Seed: 11, Kinds: []faultproxy.Fault{faultproxy.Conflicted}})
	storetest.RunLifecycle(t, leads)
	storetest.RunRouter(t, leads, 40)
	if n := proxy.Injected()[faultproxy.Conflicted]; n == 0 {
		t.Fatalf("no conflict was injected: %v", proxy.Calls())
	}
	t.Logf("calls %v, conflicts %d", proxy.Calls(), proxy.Injected()[faultproxy.Conflicted])
}
