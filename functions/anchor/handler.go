package main

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

type anchorer interface {
	Run(ctx context.Context) (lead.Anchor, error)
}

type handler struct {
	anchor anchorer
	log    *slog.Logger
}

type summary struct {
	At     string `json:"at"`
	Leads  int    `json:"leads"`
	Digest string `json:"digest"`
}

// Handle takes one anchor. A failed run fails the invocation, so the
// schedule's retry takes it again (under a new time, never over the old).
func (h handler) Handle(ctx context.Context, _ events.EventBridgeEvent) (summary, error) {
	a, err := h.anchor.Run(ctx)
	if err != nil {
		h.log.ErrorContext(ctx, "anchor failed", "error", err)
		return summary{}, err
	}
	out := summary{At: a.At.Format("2006-01-02T15:04:05.000000Z07:00"), Leads: len(a.Heads), Digest: a.Digest}
	h.log.InfoContext(ctx, "anchored", "leads", out.Leads, "digest", out.Digest)
	return out, nil
}
