package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/events"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// fakeBus records what it publishes and can fail after accepting n events.
type fakeBus struct {
	got    []lead.Event
	failAt int // -1: never
	calls  int
}

func (b *fakeBus) Publish(_ context.Context, evs []lead.Event) (int, error) {
	b.calls++
	for i, e := range evs {
		if b.failAt >= 0 && len(b.got) == b.failAt {
			return i, errors.New("throttled")
		}
		b.got = append(b.got, e)
	}
	return len(evs), nil
}

func sample(t *testing.T) lambdaevents.DynamoDBEvent {
	t.Helper()
	var ev lambdaevents.DynamoDBEvent
	if err := events.Sample("dynamodb-stream-lead-changes", &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// fakeMarks records each published range, and can fail.
type fakeMarks struct {
	mu    sync.Mutex
	got   map[string][2]int64
	fails bool
}

func (m *fakeMarks) MarkPublished(_ context.Context, id string, from, to int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fails {
		return errors.New("throttled")
	}
	if m.got == nil {
		m.got = map[string][2]int64{}
	}
	m.got[id] = [2]int64{from, to}
	return nil
}

func newHandler(bus *fakeBus) handler { return newHandlerMarking(bus, &fakeMarks{}) }

func newHandlerMarking(bus *fakeBus, marks *fakeMarks) handler {
	return handler{bus: bus, marks: marks, log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
}

// What went out is marked published per lead; what did not is not, and a
// failing mark never fails the batch (the events did go out).
func TestMarksWhatWentOut(t *testing.T) {
	t.Parallel()
	const lead1 = "01M8607S50ZENH5A99GRD6Y8XH"
	cases := []struct {
		name   string
		failAt int
		fails  bool
		want   map[string][2]int64
	}{
		{"all out", -1, false, map[string][2]int64{lead1: {1, 2}}},
		{"the second refused", 1, false, map[string][2]int64{lead1: {1, 1}}},
		{"nothing out", 0, false, map[string][2]int64{}},
		{"the mark fails", -1, true, map[string][2]int64{}},
	}
	for _, c := range cases {
		marks := &fakeMarks{fails: c.fails}
		resp, err := newHandlerMarking(&fakeBus{failAt: c.failAt}, marks).Handle(context.Background(), sample(t))
		if err != nil || len(marks.got) != len(c.want) {
			t.Fatalf("%s: marks %v, err %v; want %v", c.name, marks.got, err, c.want)
		}
		for id, r := range c.want {
			if marks.got[id] != r {
				t.Errorf("%s: mark of %s: got %v, want %v", c.name, id, marks.got[id], r)
			}
		}
		if c.fails && len(resp.BatchItemFailures) != 0 {
			t.Errorf("%s: a failed mark failed the batch: %+v", c.name, resp.BatchItemFailures)
		}
	}
}

func TestPublishesOneEventPerLeadVersion(t *testing.T) {
	t.Parallel()
	bus := &fakeBus{failAt: -1}
	resp, err := newHandler(bus).Handle(context.Background(), sample(t))
	if err != nil || resp.BatchItemFailures == nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("resp %+v err %v (an empty list, not null)", resp, err)
	}
	// INSERT lead → created; HIST item skipped; MODIFY to v2 → assigned;
	// index-only MODIFY and REMOVE skipped.
	if len(bus.got) != 2 {
		t.Fatalf("published %d events, want 2: %+v", len(bus.got), bus.got)
	}
	c, a := bus.got[0], bus.got[1]
	if c.Type != lead.EventLeadCreated || c.ID != "01M8607S50ZENH5A99GRD6Y8XH.1" || c.Sequence != 1 {
		t.Errorf("first event %+v", c)
	}
	d, ok := a.Detail.(lead.AssignedDetail)
	if a.Type != lead.EventLeadAssigned || a.Sequence != 2 || !ok || d.OwnerID != "rep-davi" || d.ByRole != "system" {
		t.Errorf("second event %+v", a)
	}
}

func TestRetriedBatchRepublishesTheSameIDs(t *testing.T) {
	t.Parallel()
	first, second := &fakeBus{failAt: -1}, &fakeBus{failAt: -1}
	_, _ = newHandler(first).Handle(context.Background(), sample(t))
	_, _ = newHandler(second).Handle(context.Background(), sample(t))
	for i := range first.got {
		if first.got[i].ID != second.got[i].ID {
			t.Fatalf("event ids differ between deliveries: %s vs %s", first.got[i].ID, second.got[i].ID)
		}
	}
}

func TestPartialFailureReportsTheFirstUnpublishedRecord(t *testing.T) {
	t.Parallel()
	bus := &fakeBus{failAt: 1} // the created event goes out, the assigned one fails
	ev := sample(t)
	resp, err := newHandler(bus).Handle(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	want := ev.Records[2].Change.SequenceNumber // the MODIFY that became lead.assigned
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != want {
		t.Fatalf("failures %+v, want %s", resp.BatchItemFailures, want)
	}
}

func TestUndecodableRecordStopsTheBatchThere(t *testing.T) {
	t.Parallel()
	ev := sample(t)
	delete(ev.Records[2].Change.NewImage, "lastChange")
	bus := &fakeBus{failAt: -1}
	resp, _ := newHandler(bus).Handle(context.Background(), ev)
	if len(bus.got) != 1 || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != ev.Records[2].Change.SequenceNumber {
		t.Fatalf("published %d, failures %+v", len(bus.got), resp.BatchItemFailures)
	}
}
