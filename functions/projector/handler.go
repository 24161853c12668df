package main

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/metrics"
)

// tracker keeps the SLA due index (sla.Tracker).
type tracker interface {
	Track(ctx context.Context, l lead.Lead, change lead.Entry) error
}

// handler keeps the read models derived from the leads stream current: each
// lead's next SLA step and the indicator counters. Both writes are
// idempotent per lead version, so a retried batch changes nothing twice.
type handler struct {
	sla     tracker
	metrics metrics.Store
	log     *slog.Logger
}

func (h handler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	resp := events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}
	for _, r := range ev.Records {
		if err := h.project(ctx, r); err != nil {
			// Stop here: Lambda retries the shard from this record, which
			// keeps each lead's versions in order.
			h.log.ErrorContext(ctx, "projection failed", "sequenceNumber", r.Change.SequenceNumber, "error", err.Error())
			resp.BatchItemFailures = []events.DynamoDBBatchItemFailure{{ItemIdentifier: r.Change.SequenceNumber}}
			return resp, nil
		}
	}
	return resp, nil
}

func (h handler) project(ctx context.Context, r events.DynamoDBEventRecord) error {
	v, ok, err := dynamo.NewVersion(r)
	if err != nil || !ok {
		return err
	}
	l, change := v.Lead, v.Change
	if err := h.sla.Track(ctx, l, change); err != nil {
		return err
	}
	if err := h.metrics.Apply(ctx, l.ID, l.Version, metrics.Project(v.Before, l, change)); err != nil {
		return err
	}
	h.log.InfoContext(ctx, "projected", "leadId", l.ID, "version", l.Version, "change", change.Change)
	return nil
}
