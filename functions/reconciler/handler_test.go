package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

func TestHandle(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	boom := errors.New("bus throttled")
	cases := []struct {
		name string
		sum  lead.Reconciled
		err  error
	}{
		{"clean", lead.Reconciled{Lagging: 2, Republished: 5}, nil},
		{"incomplete: fails so the failure shows", lead.Reconciled{Lagging: 2, Republished: 1, Failed: 1}, boom},
	}
	for _, c := range cases {
		h := handler{run: func(context.Context) (lead.Reconciled, error) { return c.sum, c.err }, log: log}
		got, err := h.Handle(context.Background(), events.EventBridgeEvent{})
		if got != c.sum || !errors.Is(err, c.err) {
			t.Errorf("%s: got %+v, %v; want %+v, %v", c.name, got, err, c.sum, c.err)
		}
	}
}
