package main

import (
	"context"
	"log/slog"
	"sync"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// publisher is what the handler needs from the bus: publish in order and say
// how many leading events went out.
type publisher interface {
	Publish(ctx context.Context, evs []lead.Event) (int, error)
}

// marker records what reached the bus (lead.PublishLog), so the
// reconciler can find what never did.
type marker interface {
	MarkPublished(ctx context.Context, leadID string, from, to int64) error
}

// handler turns lead-table stream records into domain events, one per lead
// version. Event ids are deterministic, so a retried batch republishes the
// same ids and consumers drop the copies.
type handler struct {
	bus   publisher
	marks marker
	log   *slog.Logger
}

func (h handler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var (
		out  []lead.Event
		from []int // record index of each event
	)
	for i, r := range ev.Records {
		// Only a new version is a new event; index-only rewrites are not.
		v, ok, err := dynamo.NewVersion(r)
		var e lead.Event
		if err == nil && ok {
			e, err = lead.EventFor(v.Lead, v.Change)
		}
		if err != nil {
			// Not skipped: the batch stops here, is retried, and after the
			// retries the record goes to the on-failure queue.
			h.log.ErrorContext(ctx, "undecodable stream record", "sequenceNumber", r.Change.SequenceNumber, "error", err.Error())
			return h.failFrom(ctx, ev, out, from, i)
		}
		if ok {
			out, from = append(out, e), append(from, i)
		}
	}
	return h.failFrom(ctx, ev, out, from, len(ev.Records))
}

// failFrom publishes the events decoded so far and reports as failed the
// first record that is not known published (Lambda retries the shard from
// it, keeping each lead's events in order), or stopAt.
func (h handler) failFrom(ctx context.Context, ev events.DynamoDBEvent, out []lead.Event, from []int, stopAt int) (events.DynamoDBEventResponse, error) {
	n, err := h.bus.Publish(ctx, out)
	first := stopAt
	if err != nil {
		first = from[n]
		h.log.ErrorContext(ctx, "publish failed", "published", n, "pending", len(out)-n, "error", err.Error())
	}
	for _, e := range out[:n] {
		h.log.InfoContext(ctx, "published", "eventId", e.ID, "type", e.Type, "leadId", e.LeadID, "sequence", e.Sequence)
	}
	h.mark(ctx, out[:n])
	// An empty list, not null: some pollers (the emulator's) fail on null.
	resp := events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}
	if first < len(ev.Records) {
		resp.BatchItemFailures = []events.DynamoDBBatchItemFailure{{ItemIdentifier: ev.Records[first].Change.SequenceNumber}}
	}
	return resp, nil
}

// markers is how many marks are written at once.
const markers = 8

// mark records each lead's published range. A mark that fails is logged,
// not retried: the events went out, and the most the missing mark costs is
// the reconciler sending them again, under the same ids.
func (h handler) mark(ctx context.Context, published []lead.Event) {
	ranges := lead.PublishedRanges(published)
	var wg sync.WaitGroup
	sem := make(chan struct{}, markers)
	for id, r := range ranges {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := h.marks.MarkPublished(ctx, id, r[0], r[1]); err != nil {
				h.log.WarnContext(ctx, "published mark not written", "leadId", id, "error", err.Error())
			}
		}()
	}
	wg.Wait()
}
