package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/aws/sqsqueue"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/notify"
	"github.com/partnerleads/pipeline/shared/edge/emf"
)

// queue is what the handler needs from SQS beyond receiving.
type queue interface {
	Postpone(ctx context.Context, receiptHandle string, wait time.Duration) error
	DeadLetter(ctx context.Context, body, reason string) error
}

// notifier delivers one event; it reports whether a retry is needed.
type notifier interface {
	Handle(ctx context.Context, ev lead.Event, replay bool) (bool, error)
}

// handler consumes the notification queue. A message whose deliveries need
// another try is postponed by the retry policy and reported as a partial
// batch failure; one that ran out of attempts goes to the dead-letter queue.
type handler struct {
	notify notifier
	queue  queue
	policy notify.Policy
	log    *slog.Logger
	meter  *emf.Meter
	now    func() time.Time
}

var errMalformed = errors.New("not a lead event")

// decode reads an EventBridge event (as the rule delivers it, or as a replay
// is enqueued) whose detail is a lead event.
func decode(body string) (lead.Event, error) {
	var eb events.EventBridgeEvent
	var ev lead.Event
	if json.Unmarshal([]byte(body), &eb) != nil || json.Unmarshal(eb.Detail, &ev) != nil || ev.ID == "" || ev.PartnerID == "" {
		return lead.Event{}, errMalformed
	}
	return ev, nil
}

func (h handler) Handle(ctx context.Context, batch events.SQSEvent) (events.SQSEventResponse, error) {
	// An empty list, not null: some pollers (the emulator's) fail on null.
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	for _, m := range batch.Records {
		ev, err := decode(m.Body)
		if err != nil {
			h.log.ErrorContext(ctx, "malformed notification message", "messageId", m.MessageId)
			if err := h.queue.DeadLetter(ctx, m.Body, "malformed"); err != nil {
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
			}
			continue
		}
		_, replay := m.MessageAttributes[sqsqueue.ReplayAttribute]
		retry, err := h.notify.Handle(ctx, ev, replay)
		if err != nil {
			h.log.ErrorContext(ctx, "notification failed", "eventId", ev.ID, "error", err.Error())
			retry = true
		}
		if !retry {
			h.meter.Put(emf.Count(emf.NotificationsSent, 1))
			continue
		}
		h.meter.Put(emf.Count(emf.NotificationsFailed, 1))
		if h.policy.Exhausted(sentAt(m), h.now()) {
			h.log.ErrorContext(ctx, "notification attempts exhausted", "eventId", ev.ID, "messageId", m.MessageId)
			if err := h.queue.DeadLetter(ctx, m.Body, "attempts exhausted"); err == nil {
				continue
			}
		}
		n, _ := strconv.Atoi(m.Attributes["ApproximateReceiveCount"])
		wait := h.policy.Wait(max(n, 1))
		if err := h.queue.Postpone(ctx, m.ReceiptHandle, wait); err != nil {
			h.log.WarnContext(ctx, "postpone failed; the queue's visibility timeout applies", "eventId", ev.ID, "error", err.Error())
		}
		resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
	}
	return resp, nil
}

// sentAt is when the message was first queued.
func sentAt(m events.SQSMessage) time.Time {
	ms, err := strconv.ParseInt(m.Attributes["SentTimestamp"], 10, 64)
	if err != nil {
		return time.Now()
	}
	return time.UnixMilli(ms)
}
