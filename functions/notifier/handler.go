package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"sync"
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
	// parallel and reserve: defaultParallel and defaultReserve when 0.
	parallel int
	reserve  time.Duration
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

// Messages of a batch are delivered side by side (at most parallel at
// once), so a partner's endpoint that hangs holds up only its own events,
// each attempt for at most the webhook timeout. The batch stops reserve
// before the function's deadline: what is still running then is cancelled
// and, like what never started, reported as a failure to be received again.
const (
	defaultParallel = 8
	defaultReserve  = 1500 * time.Millisecond
)

func (h handler) Handle(ctx context.Context, batch events.SQSEvent) (events.SQSEventResponse, error) {
	work, cancel := context.WithCancel(ctx)
	if d, ok := ctx.Deadline(); ok {
		work, cancel = context.WithDeadline(ctx, d.Add(-cmp.Or(h.reserve, defaultReserve)))
	}
	defer cancel()
	failed := make([]bool, len(batch.Records))
	slots := make(chan struct{}, cmp.Or(h.parallel, defaultParallel))
	var wg sync.WaitGroup
	for i, m := range batch.Records {
		select {
		case slots <- struct{}{}:
		case <-work.Done(): // out of time before it started
			failed[i] = true
			continue
		}
		wg.Go(func() {
			defer func() { <-slots }()
			failed[i] = !h.one(ctx, work, m)
		})
	}
	wg.Wait()
	// An empty list, not null: some pollers (the emulator's) fail on null.
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	for i, m := range batch.Records {
		if failed[i] {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
		}
	}
	return resp, nil
}

// one delivers one message within work's time and reports whether the
// queue may forget it; its bookkeeping (postpone, dead-letter) runs on ctx,
// after work may have run out.
func (h handler) one(ctx, work context.Context, m events.SQSMessage) bool {
	ev, err := decode(m.Body)
	if err != nil {
		h.log.ErrorContext(ctx, "malformed notification message", "messageId", m.MessageId)
		return h.queue.DeadLetter(ctx, m.Body, "malformed") == nil
	}
	_, replay := m.MessageAttributes[sqsqueue.ReplayAttribute]
	retry, err := h.notify.Handle(work, ev, replay)
	if err != nil {
		h.log.ErrorContext(ctx, "notification failed", "eventId", ev.ID, "error", err.Error())
		retry = true
	}
	if !retry {
		h.meter.Put(emf.Count(emf.NotificationsSent, 1))
		return true
	}
	h.meter.Put(emf.Count(emf.NotificationsFailed, 1))
	if work.Err() != nil { // cut short: not an attempt that failed, so no backoff
		return false
	}
	if h.policy.Exhausted(sentAt(m), h.now()) {
		h.log.ErrorContext(ctx, "notification attempts exhausted", "eventId", ev.ID, "messageId", m.MessageId)
		if err := h.queue.DeadLetter(ctx, m.Body, "attempts exhausted"); err == nil {
			return true
		}
	}
	n, _ := strconv.Atoi(m.Attributes["ApproximateReceiveCount"])
	wait := h.policy.Wait(max(n, 1))
	if err := h.queue.Postpone(ctx, m.ReceiptHandle, wait); err != nil {
		h.log.WarnContext(ctx, "postpone failed; the queue's visibility timeout applies", "eventId", ev.ID, "error", err.Error())
	}
	return false
}

// sentAt is when the message was first queued.
func sentAt(m events.SQSMessage) time.Time {
	ms, err := strconv.ParseInt(m.Attributes["SentTimestamp"], 10, 64)
	if err != nil {
		return time.Now()
	}
	return time.UnixMilli(ms)
}
