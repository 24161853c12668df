//go:build adapter

package eventbus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/partnerleads/pipeline/shared/aws/eventbus"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/testkit/awstest"
)

// world is a bus whose lead events a rule copies to a queue.
type world struct {
	eb    *eventbridge.Client
	sqs   *sqs.Client
	bus   string
	queue string
}

func newWorld(t *testing.T) world {
	t.Helper()
	ctx := context.Background()
	cfg := awstest.Config(t)
	w := world{eb: eventbridge.NewFromConfig(cfg), sqs: sqs.NewFromConfig(cfg), bus: awstest.Name("bus")}
	if _, err := w.eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: &w.bus}); err != nil {
		t.Fatal(err)
	}
	q, err := w.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(awstest.Name("bus-q"))})
	if err != nil {
		t.Fatal(err)
	}
	w.queue = *q.QueueUrl
	attrs, err := w.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	rule := awstest.Name("rule")
	if _, err := w.eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: &rule, EventBusName: &w.bus,
		EventPattern: aws.String(`{"source":["` + eventbus.Source + `"]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: &rule, EventBusName: &w.bus,
		Targets: []ebtypes.Target{{Id: aws.String("q"), Arn: aws.String(attrs.Attributes["QueueArn"])}}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		_, _ = w.eb.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: &rule, EventBusName: &w.bus, Ids: []string{"q"}})
		_, _ = w.eb.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: &rule, EventBusName: &w.bus})
		_, _ = w.eb.DeleteEventBus(ctx, &eventbridge.DeleteEventBusInput{Name: &w.bus})
		_, _ = w.sqs.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: &w.queue})
	})
	return w
}

// delivered is every event id the rule copied to the queue, in arrival order.
func (w world) delivered(t *testing.T, want int) []string {
	t.Helper()
	var ids []string
	for start := time.Now(); len(ids) < want && time.Since(start) < 10*time.Second; {
		out, err := w.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: &w.queue, MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			var env struct {
				Detail lead.Event `json:"detail"`
			}
			if err := json.Unmarshal([]byte(*m.Body), &env); err != nil {
				t.Fatalf("queued body %.200s: %v", *m.Body, err)
			}
			ids = append(ids, env.Detail.ID)
			_, _ = w.sqs.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: &w.queue, ReceiptHandle: m.ReceiptHandle})
		}
	}
	return ids
}

func events(n int) []lead.Event {
	evs := make([]lead.Event, n)
	for i := range evs {
		evs[i] = lead.Event{ID: fmt.Sprintf("01LEAD.%d", i+1), Type: lead.EventLeadStatusChanged, Version: 1,
			LeadID: "01LEAD", PartnerID: "p1", Sequence: int64(i + 1), OccurredAt: time.Now().UTC()}
	}
	return evs
}

// 25 events go out in batches of ten, all of them, in order.
func TestPublishSendsEveryEventInOrder(t *testing.T) {
	w := newWorld(t)
	n, err := eventbus.New(w.eb, w.bus).Publish(context.Background(), events(25))
	if err != nil || n != 25 {
		t.Fatalf("published %d, %v; want 25", n, err)
	}
	got := w.delivered(t, 25)
	if len(got) != 25 {
		t.Fatalf("the rule delivered %d of 25: %v", len(got), got)
	}
	if !strings.HasSuffix(got[0], ".1") || !strings.HasSuffix(got[24], ".25") {
		t.Errorf("not in order: %v", got)
	}
}

// When every entry of the second batch is refused (here: it names a bus in
// an account that has none), Publish says exactly how many leading events went
// out (the publisher fails its batch from there), and those are the ones
// delivered.
func TestPublishReportsHowManyWentOutBeforeAFailure(t *testing.T) {
	w := newWorld(t)
	cfg := awstest.Config(t)
	cfg.HTTPClient = &afterFirst{next: http.DefaultClient, from: `"EventBusName":"` + w.bus + `"`, to: `"EventBusName":"arn:aws:events:us-east-1:111111111111:event-bus/` + w.bus + `"`}
	n, err := eventbus.New(eventbridge.NewFromConfig(cfg), w.bus).Publish(context.Background(), events(25))
	if err == nil || n != 10 {
		t.Fatalf("published %d, error %v; want 10 and the second batch's error", n, err)
	}
	if !strings.Contains(err.Error(), "01LEAD.11") {
		t.Errorf("the error %q does not name the first event that did not go out", err)
	}
	if got := w.delivered(t, 10); len(got) != 10 {
		t.Fatalf("the rule delivered %d events, want the 10 published: %v", len(got), got)
	}
}

// afterFirst sends the first request as it is and rewrites from into to in
// the body of every later one: the emulator then answers those as AWS would.
type afterFirst struct {
	next     *http.Client
	from, to string
	mu       sync.Mutex
	sent     int
}

func (a *afterFirst) Do(r *http.Request) (*http.Response, error) {
	a.mu.Lock()
	a.sent++
	later := a.sent > 1
	a.mu.Unlock()
	if later && r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		b = bytes.ReplaceAll(b, []byte(a.from), []byte(a.to))
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	}
	return a.next.Do(r)
}
