package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/notify"
)

// digester mails the day's digests (notify.Notifier): it says how many
// partners were mailed.
type digester interface {
	SendDigests(ctx context.Context, src notify.DigestSource, now time.Time) (sent int, err error)
}

// handler runs the morning digest: every partner who asked for one gets
// the events of the 24 hours before now.
type handler struct {
	digests digester
	source  notify.DigestSource
	now     func() time.Time
	log     *slog.Logger
}

func (h handler) Handle(ctx context.Context, _ events.EventBridgeEvent) error {
	sent, err := h.digests.SendDigests(ctx, h.source, h.now())
	h.log.InfoContext(ctx, "digests sent", "count", sent)
	return err
}
