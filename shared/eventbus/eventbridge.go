// Package eventbus publishes domain events to an EventBridge bus.
package eventbus

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/partnerleads/pipeline/shared/lead"
)

// Source is the EventBridge source of every lead event; rules match on it
// and on the detail-type, which is the event type.
const Source = "partnerleads.leads"

// EventBridge publishes to one bus.
type EventBridge struct {
	client *eventbridge.Client
	bus    string
}

func New(client *eventbridge.Client, bus string) *EventBridge {
	return &EventBridge{client: client, bus: bus}
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
				EventBusName: &b.bus, Source: aws.String(Source), DetailType: aws.String(ev.Type),
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
