//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	lambdasvc "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/partnerleads/pipeline/shared/aws/eventbus"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

// Nothing lost upstream of the bus (issue 18, item 2): with the publisher's
// stream mapping off, a lead's changes never reach the bus; the reconciler
// finds them in the table and publishes each once, in order, under the ids
// the publisher would have used, and the pipeline goes on from there (the
// router assigns the lead from the republished lead.created).
func TestE2EReconcilerPublishesWhatTheStreamLost(t *testing.T) {
	a := newAPI(t)
	ctx := context.Background()
	cfg, outs, err := stackinfo.Connect(ctx, stackinfo.DefaultStack)
	if err != nil {
		t.Fatal(err)
	}
	out := func(k string) string {
		v, err := outs.Get(k)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	eb, lam, q := eventbridge.NewFromConfig(cfg), lambdasvc.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	partnerID, key := a.partner(t, "E2E Reconcile")
	a.routeTo(t, partnerID, 1)

	// Everything the bus carries for this partner, caught in a queue.
	name := storetest.Unique("e2e-reconcile-")
	qu, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: &name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = q.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: qu.QueueUrl}) })
	qa, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: qu.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	bus := out("EventBusName")
	pattern, _ := json.Marshal(map[string]any{"source": []string{eventbus.Source}, "detail": map[string]any{"partnerId": []string{partnerID}}})
	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: &name, EventBusName: &bus, EventPattern: aws.String(string(pattern))}); err != nil {
		t.Fatal(err)
	}
	if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: &name, EventBusName: &bus,
		Targets: []ebtypes.Target{{Id: aws.String("q"), Arn: aws.String(qa.Attributes["QueueArn"])}}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = eb.RemoveTargets(context.Background(), &eventbridge.RemoveTargetsInput{Rule: &name, EventBusName: &bus, Ids: []string{"q"}})
		_, _ = eb.DeleteRule(context.Background(), &eventbridge.DeleteRuleInput{Name: &name, EventBusName: &bus})
	})
	var seen []string
	receive := func(want int) {
		t.Helper()
		eventually(t, 60*time.Second, 200*time.Millisecond, fmt.Sprintf("%d events on the bus", want), func() (bool, string) {
			m, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: qu.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
			if err != nil {
				return false, err.Error()
			}
			for _, msg := range m.Messages {
				var ev struct{ Detail struct{ ID string } }
				_ = json.Unmarshal([]byte(aws.ToString(msg.Body)), &ev)
				seen = append(seen, ev.Detail.ID)
				_, _ = q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: qu.QueueUrl, ReceiptHandle: msg.ReceiptHandle})
			}
			return len(seen) >= want, fmt.Sprint(seen)
		})
	}

	// No scheduled run during the test, and no publishing from the stream.
	rule := out("ReconcileRuleName")
	if _, err := eb.DisableRule(ctx, &eventbridge.DisableRuleInput{Name: &rule}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = eb.EnableRule(context.Background(), &eventbridge.EnableRuleInput{Name: &rule}) })
	fn := out("PublisherFunctionName")
	ms, err := lam.ListEventSourceMappings(ctx, &lambdasvc.ListEventSourceMappingsInput{FunctionName: &fn})
	if err != nil || len(ms.EventSourceMappings) != 1 {
		t.Fatalf("the publisher's stream mapping: %v, %v", ms, err)
	}
	uuid := ms.EventSourceMappings[0].UUID
	if _, err := lam.UpdateEventSourceMapping(ctx, &lambdasvc.UpdateEventSourceMappingInput{UUID: uuid, Enabled: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = lam.UpdateEventSourceMapping(context.Background(), &lambdasvc.UpdateEventSourceMappingInput{UUID: uuid, Enabled: aws.Bool(true)})
	})
	time.Sleep(2 * time.Second) // a batch already handed to the publisher finishes

	id := a.createLead(t, key, lead(storetest.Unique("rec")))
	time.Sleep(6 * time.Second) // past the local grace (reconcileGraceSeconds=5)
	if m, _ := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: qu.QueueUrl, WaitTimeSeconds: 1}); len(m.Messages) != 0 {
		t.Fatalf("with the mapping off, an event reached the bus anyway: %s", aws.ToString(m.Messages[0].Body))
	}
	reconcile := func() {
		t.Helper()
		var sum struct{ Lagging, Republished, Failed int }
		if err := json.Unmarshal(invoke(t, "ReconcilerFunctionName"), &sum); err != nil || sum.Republished < 1 || sum.Failed != 0 {
			t.Fatalf("reconcile: %+v, %v; want at least this lead's event republished, nothing failed", sum, err)
		}
	}
	reconcile()
	receive(1)
	// The router took the republished lead.created; its assignment, too,
	// is only in the table until the next run.
	a.waitAssigned(t, id, key)
	time.Sleep(6 * time.Second)
	reconcile()
	receive(2)
	time.Sleep(2 * time.Second) // anything more would show up now
	receive(0)
	if want := []string{id + ".1", id + ".2"}; !slices.Equal(seen, want) {
		t.Fatalf("events on the bus: got %v, want each of %v once, in order", seen, want)
	}
}
