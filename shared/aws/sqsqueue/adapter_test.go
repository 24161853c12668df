//go:build adapter

package sqsqueue_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/partnerleads/pipeline/shared/aws/sqsqueue"
	"github.com/partnerleads/pipeline/shared/testkit/awstest"
)

func queues(t *testing.T) (*sqs.Client, string, string) {
	t.Helper()
	ctx := context.Background()
	client := sqs.NewFromConfig(awstest.Config(t))
	var urls []string
	for _, kind := range []string{"q", "dlq"} {
		out, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(awstest.Name("sqsqueue-" + kind))})
		if err != nil {
			t.Fatal(err)
		}
		urls = append(urls, *out.QueueUrl)
		t.Cleanup(func() { _, _ = client.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: out.QueueUrl}) })
	}
	return client, urls[0], urls[1]
}

func receive(t *testing.T, client *sqs.Client, url string, wait time.Duration) []types.Message {
	t.Helper()
	out, err := client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10,
		WaitTimeSeconds: int32(wait / time.Second), MessageAttributeNames: []string{"All"}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Messages
}

// receiveSome receives until a message comes, for up to 15 s: a receive may
// answer empty while a message waits (SQS samples its servers; the emulator
// did too once, failing a fresh-clone run).
func receiveSome(t *testing.T, client *sqs.Client, url string) []types.Message {
	t.Helper()
	var got []types.Message
	for start := time.Now(); len(got) == 0 && time.Since(start) < 15*time.Second; {
		got = receive(t, client, url, time.Second)
	}
	return got
}

// 23 replays go out in batches of ten, every one marked as a replay. SQS
// delivers at least once: an SDK retry of a batch whose answer was lost
// sends it twice (seen once in a fresh-clone run), which the idempotent
// consumers absorb, so each body must arrive, maybe more than once.
func TestReplayEnqueuesEveryBodyMarked(t *testing.T) {
	client, url, dlq := queues(t)
	q := sqsqueue.New(client, url, dlq)
	var bodies []string
	for i := range 23 {
		bodies = append(bodies, fmt.Sprintf(`{"id":"lead.%d"}`, i))
	}
	if err := q.Replay(context.Background(), bodies); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for try := 0; len(seen) < len(bodies) && try < 10; try++ {
		for _, m := range receive(t, client, url, time.Second) {
			if v := m.MessageAttributes[sqsqueue.ReplayAttribute]; v.StringValue == nil || *v.StringValue != "true" {
				t.Errorf("message %s is not marked as a replay: %v", *m.Body, m.MessageAttributes)
			}
			if !slices.Contains(bodies, *m.Body) {
				t.Errorf("received %s, which was never replayed", *m.Body)
			}
			seen[*m.Body] = true
			_, _ = client.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: m.ReceiptHandle})
		}
	}
	got := slices.Sorted(maps.Keys(seen))
	slices.Sort(bodies)
	if !slices.Equal(got, bodies) {
		t.Fatalf("received %d distinct bodies %v, want the %d replayed", len(got), got, len(bodies))
	}
}

// A postponed message stays hidden until its wait is over; a dead-lettered
// one lands on the dead-letter queue with its reason.
func TestPostponeAndDeadLetter(t *testing.T) {
	ctx := context.Background()
	client, url, dlq := queues(t)
	q := sqsqueue.New(client, url, dlq)
	if _, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("retry me")}); err != nil {
		t.Fatal(err)
	}
	first := receiveSome(t, client, url)
	if len(first) != 1 {
		t.Fatalf("received %d messages, want 1", len(first))
	}
	postponedAt := time.Now()
	if err := q.Postpone(ctx, *first[0].ReceiptHandle, 3*time.Second); err != nil {
		t.Fatal(err)
	}
	if early := receive(t, client, url, 0); len(early) != 0 {
		t.Fatalf("a postponed message came back at once: %v", *early[0].Body)
	}
	var again []types.Message
	for time.Since(postponedAt) < 15*time.Second && len(again) == 0 {
		again = receive(t, client, url, time.Second)
	}
	if len(again) != 1 || *again[0].Body != "retry me" || time.Since(postponedAt) < 3*time.Second {
		t.Fatalf("after %v: %d messages, want the postponed one after its 3 s", time.Since(postponedAt), len(again))
	}

	if err := q.DeadLetter(ctx, "gave up", "72 hours of failed attempts"); err != nil {
		t.Fatal(err)
	}
	dead := receiveSome(t, client, dlq)
	if len(dead) != 1 || *dead[0].Body != "gave up" {
		t.Fatalf("dead-letter queue after 15 s: %d messages %v", len(dead), dead)
	}
	if r := dead[0].MessageAttributes["reason"]; r.StringValue == nil || *r.StringValue != "72 hours of failed attempts" {
		t.Fatalf("dead letter reason %v", dead[0].MessageAttributes)
	}
}
