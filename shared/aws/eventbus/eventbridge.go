// Package eventbus publishes domain events to an EventBridge bus.
package eventbus

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Source is the EventBridge source of every lead event; rules match on it
// and on the detail-type, which is the event type.
const Source = "partnerleads.leads"

// CommissionSource is the source of commission, deal and export events.
const CommissionSource = "partnerleads.commissions"

// EventBridge publishes to one bus under one source.
type EventBridge struct {
	client *eventbridge.Client
	bus    string
	source string
}

// New publishes lead events.
func New(client *eventbridge.Client, bus string) *EventBridge {
	return &EventBridge{client: client, bus: bus, source: Source}
}

// NewCommissions publishes commission, deal and export events.
func NewCommissions(client *eventbridge.Client, bus string) *EventBridge {
	return &EventBridge{client: client, bus: bus, source: CommissionSource}
}

// Put publishes one event with detail as its JSON body.
func (b *EventBridge) Put(ctx context.Context, detailType string, detail any, at time.Time) error {
	body, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("marshal %s: %w", detailType, err)
	}
	out, err := b.client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{{
		EventBusName: &b.bus, Source: &b.source, DetailType: &detailType, Detail: aws.String(string(body)), Time: &at,
	}}})
	if err != nil {
		return fmt.Errorf("put %s: %w", detailType, err)
	}
	if r := out.Entries[0]; r.ErrorCode != nil {
		return fmt.Errorf("put %s: %s %s", detailType, aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage))
	}
	return nil
}

// maxEntries is PutEvents' batch limit.
const maxEntries = 10

// Publish sends events in order, in batches. It returns how many leading
// events are known published; on a partial failure the rest must be retried.
func (b *EventBridge) Publish(ctx context.Context, evs []lead.Event) (int, error) {
	done := 0
	for done < len(evs) {
		batch := evs[done:min(len(evs), done+maxEntries)]
		entries := make([]types.PutEventsRequestEntry, len(batch))
		for i, ev := range batch {
			detail, err := json.Marshal(ev)
			if err != nil {
				return done, fmt.Errorf("marshal event %s: %w", ev.ID, err)
			}
			entries[i] = types.PutEventsRequestEntry{
				EventBusName: &b.bus, Source: &b.source, DetailType: aws.String(ev.Type),
				Detail: aws.String(string(detail)), Time: aws.Time(ev.OccurredAt),
			}
		}
		out, err := b.client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: entries})
		if err != nil {
			return done, fmt.Errorf("put events: %w", err)
		}
		for i, r := range out.Entries {
			if r.ErrorCode != nil {
				return done + i, fmt.Errorf("put event %s: %s %s", batch[i].ID, aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage))
			}
		}
		done += len(batch)
	}
	return done, nil
}

// Resend puts an event that a rule could not deliver (the body its
// dead-letter queue holds) back on the bus, with its own source, detail
// type and detail. Its consumers are idempotent by the detail's id.
func Resend(ctx context.Context, client *eventbridge.Client, bus, body string) error {
	var ev events.EventBridgeEvent
	if err := json.Unmarshal([]byte(body), &ev); err != nil || ev.Source == "" || ev.DetailType == "" || len(ev.Detail) == 0 {
		return fmt.Errorf("not an EventBridge event: %.80s", body)
	}
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	b := &EventBridge{client: client, bus: bus, source: ev.Source}
	return b.Put(ctx, ev.DetailType, json.RawMessage(ev.Detail), ev.Time)
}
