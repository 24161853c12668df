package main

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

type handler struct {
	run func(ctx context.Context) (lead.Reconciled, error)
	log *slog.Logger
}

// Handle runs one reconciliation. A run that could not finish fails the
// invocation, after sending what it could; the next run starts again from
// the marks.
func (h handler) Handle(ctx context.Context, _ events.EventBridgeEvent) (lead.Reconciled, error) {
	out, err := h.run(ctx)
	if err != nil {
		h.log.ErrorContext(ctx, "reconcile incomplete", "lagging", out.Lagging, "republished", out.Republished, "failed", out.Failed, "error", err.Error())
		return out, err
	}
	if out.Lagging > 0 {
		h.log.WarnContext(ctx, "republished lost events", "lagging", out.Lagging, "republished", out.Republished)
	}
	return out, nil
}
