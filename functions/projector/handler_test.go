package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/events"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/metrics"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

// fakeTracker records the versions it tracks and can fail on one.
type fakeTracker struct {
	got    []int64
	failOn int64
}

func (f *fakeTracker) Track(_ context.Context, l lead.Lead, _ lead.Entry) error {
	if l.Version == f.failOn {
		return errors.New("throttled")
	}
	f.got = append(f.got, l.Version)
	return nil
}

func sample(t *testing.T) lambdaevents.DynamoDBEvent {
	t.Helper()
	var ev lambdaevents.DynamoDBEvent
	if err := events.Sample("dynamodb-stream-lead-changes", &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestProjectsEachLeadVersionOnce(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		failOn      int64
		deliveries  int
		wantTracked int
		wantFailed  bool
	}{
		// INSERT v1 and MODIFY to v2 count; the history item, the index-only
		// MODIFY and the REMOVE do not.
		{"one delivery", 0, 1, 2, false},
		{"the batch delivered three times counts once", 0, 3, 6, false},
		{"a failure stops the batch at its record", 2, 1, 1, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, m := &fakeTracker{failOn: c.failOn}, memstore.NewMetrics()
			h := handler{sla: tr, metrics: m, log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
			var resp lambdaevents.DynamoDBEventResponse
			for range c.deliveries {
				var err error
				if resp, err = h.Handle(context.Background(), sample(t)); err != nil {
					t.Fatal(err)
				}
			}
			if len(tr.got) != c.wantTracked {
				t.Fatalf("tracked versions %v, want %d", tr.got, c.wantTracked)
			}
			if failed := len(resp.BatchItemFailures) == 1; failed != c.wantFailed || resp.BatchItemFailures == nil {
				t.Fatalf("failures %+v, want failed=%v (an empty list, not null)", resp.BatchItemFailures, c.wantFailed)
			}
			days, _ := m.Days(context.Background(), "", "2000-01-01", "2100-01-01")
			sum := metrics.Counters{}
			for _, d := range days {
				for k, v := range d.Counters {
					sum[k] += v
				}
			}
			if sum[metrics.Received] != 1 {
				t.Fatalf("received %d, want 1 however often the batch comes", sum[metrics.Received])
			}
			if !c.wantFailed && sum[metrics.Entered(lead.StatusAssigned)] != 1 {
				t.Fatalf("entered assigned %d, want 1", sum[metrics.Entered(lead.StatusAssigned)])
			}
		})
	}
}
