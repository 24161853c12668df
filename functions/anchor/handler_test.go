package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

type fakeAnchorer struct {
	a   lead.Anchor
	err error
}

func (f fakeAnchorer) Run(context.Context) (lead.Anchor, error) { return f.a, f.err }

func TestHandle(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	a := lead.NewAnchor(time.Date(2026, 12, 2, 21, 0, 0, 0, time.UTC), []lead.Head{{LeadID: "L1", Seq: 2, Hash: "h"}})
	got, err := handler{anchor: fakeAnchorer{a: a}, log: log}.Handle(context.Background(), events.EventBridgeEvent{})
	if err != nil || got.Leads != 1 || got.Digest != a.Digest || got.At != "2026-12-02T21:00:00.000000Z" {
		t.Fatalf("Handle: got %+v, %v; want 1 lead, digest %s", got, err, a.Digest)
	}
	boom := errors.New("scan throttled")
	if _, err := (handler{anchor: fakeAnchorer{err: boom}, log: log}).Handle(context.Background(), events.EventBridgeEvent{}); !errors.Is(err, boom) {
		t.Fatalf("Handle of a failed run: got %v, want the run's error so the schedule retries", err)
	}
}
