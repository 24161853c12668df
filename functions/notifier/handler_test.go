package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/aws/sqsqueue"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/notify"
)

type fakeQueue struct {
	mu        sync.Mutex
	postponed map[string]time.Duration
	dead      []string
}

func (q *fakeQueue) Postpone(_ context.Context, h string, d time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.postponed[h] = d
	return nil
}

func (q *fakeQueue) DeadLetter(_ context.Context, body, reason string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.dead = append(q.dead, reason)
	return nil
}

type fakeNotifier struct {
	mu      sync.Mutex
	retry   map[string]bool
	replays int
}

func (f *fakeNotifier) Handle(_ context.Context, ev lead.Event, replay bool) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if replay {
		f.replays++
	}
	if ev.ID == "boom.1" {
		return false, errors.New("dynamodb throttled")
	}
	return f.retry[ev.ID], nil
}

func message(id, eventID string, sent time.Time, receives int) events.SQSMessage {
	return messageOf(id, eventID, "p1", sent, receives)
}

func messageOf(id, eventID, partnerID string, sent time.Time, receives int) events.SQSMessage {
	detail, _ := json.Marshal(lead.Event{ID: eventID, Type: lead.EventLeadStatusChanged, LeadID: "L", PartnerID: partnerID, Sequence: 2})
	body, _ := json.Marshal(events.EventBridgeEvent{DetailType: lead.EventLeadStatusChanged, Source: "partnerleads.leads", Detail: detail})
	return events.SQSMessage{MessageId: id, ReceiptHandle: "rh-" + id, Body: string(body), Attributes: map[string]string{
		"SentTimestamp": strconv.FormatInt(sent.UnixMilli(), 10), "ApproximateReceiveCount": strconv.Itoa(receives)}}
}

func TestQueueHandling(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)
	q := &fakeQueue{postponed: map[string]time.Duration{}}
	n := &fakeNotifier{retry: map[string]bool{"fail.1": true, "old.1": true}}
	h := handler{notify: n, queue: q, policy: notify.Policy{Base: time.Second, Cap: 10 * time.Second, MaxAge: time.Hour},
		log: slog.New(slog.NewJSONHandler(io.Discard, nil)), now: func() time.Time { return now }}
	replay := message("m5", "ok.2", now, 1)
	replay.MessageAttributes = map[string]events.SQSMessageAttribute{sqsqueue.ReplayAttribute: {StringValue: ptr("true"), DataType: "String"}}
	resp, err := h.Handle(context.Background(), events.SQSEvent{Records: []events.SQSMessage{
		message("m1", "ok.1", now, 1),
		message("m2", "fail.1", now.Add(-time.Minute), 3),
		message("m3", "old.1", now.Add(-2*time.Hour), 40),
		{MessageId: "m4", Body: "not json"},
		replay,
		message("m6", "boom.1", now, 1),
	}})
	if err != nil {
		t.Fatal(err)
	}
	failed := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		failed[f.ItemIdentifier] = true
	}
	if len(failed) != 2 || !failed["m2"] || !failed["m6"] {
		t.Fatalf("failures %v, want m2 (retry) and m6 (error)", failed)
	}
	if d := q.postponed["rh-m2"]; d < time.Second || d > 4*time.Second {
		t.Fatalf("third attempt waits %s, want ≤ 4 s", d)
	}
	slices.Sort(q.dead) // messages are handled side by side, in no set order
	if len(q.dead) != 2 || q.dead[0] != "attempts exhausted" || q.dead[1] != "malformed" {
		t.Fatalf("dead letters %v", q.dead)
	}
	if n.replays != 1 {
		t.Fatalf("replays %d", n.replays)
	}
	empty, _ := h.Handle(context.Background(), events.SQSEvent{})
	if b, _ := json.Marshal(empty); string(b) != `{"batchItemFailures":[]}` {
		t.Fatalf("an all-good batch must answer an empty list, not null: %s", b)
	}
}

func ptr(s string) *string { return &s }
