package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/sla"
	"github.com/partnerleads/pipeline/shared/edge/emf"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

// t0 is a Tuesday at 10:00 in São Paulo, in working hours.
var t0 = time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)

// world is a memstore scanner wired as main wires it, on a clock the test
// moves, with the EMF records it writes.
type world struct {
	st      *memstore.Store
	index   *memstore.DueIndex
	now     time.Time
	metrics bytes.Buffer
	h       handler
	tracker sla.Tracker
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{st: memstore.New(), index: memstore.NewDueIndex(), now: t0}
	clock := func() time.Time { return w.now }
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	s := sla.Scanner{Index: w.index, Leads: w.st, Routing: routing.NewService(w.st, w.st, clock, time.Minute), Now: clock, Log: log, Limit: 100}
	w.h = handler{scan: s, meter: emf.NewMeter(&w.metrics, "scanner", clock)}
	w.tracker = sla.Tracker{Policies: &sla.Resolver{Store: w.st, Now: clock, TTL: time.Minute}, Index: w.index}
	return w
}

// lead stores an owned lead in status, last updated at t0, and records its
// first ladder step in the due index as the projector would.
func (w *world) lead(t *testing.T, id string, status lead.Status) {
	t.Helper()
	l := lead.Lead{ID: id, PartnerID: "p1", Status: status, OwnerID: "rep1", Version: 1, ReceivedAt: t0, UpdatedAt: t0, StatusSince: t0}
	if status == lead.StatusAssigned {
		due := t0.Add(5 * time.Minute)
		l.FirstContactDueAt = &due
	}
	e := lead.Entry{LeadID: id, Seq: 1, At: t0, Change: lead.ChangeCreated, To: status, Owner: "rep1"}.Seal("")
	l.HistoryHash = e.Hash
	if err := w.st.Create(context.Background(), intake.Creation{Lead: l, Entry: e, Now: t0}); err != nil {
		t.Fatalf("create %s: %v", id, err)
	}
	p, ok := sla.Next(sla.Default(), l, e)
	if !ok {
		t.Fatalf("%s waits for no step", id)
	}
	if err := w.index.Put(context.Background(), p); err != nil {
		t.Fatalf("index %s: %v", id, err)
	}
}

// track does what the projector does with the lead's newest version.
func (w *world) track(t *testing.T, id string) {
	t.Helper()
	ctx := context.Background()
	l, err := w.st.Get(ctx, id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	h, err := w.st.History(ctx, id)
	if err != nil || len(h) == 0 {
		t.Fatalf("history of %s: %v %v", id, h, err)
	}
	if err := w.tracker.Track(ctx, l, h[len(h)-1]); err != nil {
		t.Fatalf("track %s: %v", id, err)
	}
}

// record is one EMF line as CloudWatch reads it.
type record struct {
	Service      string   `json:"Service"`
	StaleBacklog *float64 `json:"StaleBacklog"`
	UnownedLeads *float64 `json:"UnownedLeads"`
	AWS          struct {
		Timestamp         int64 `json:"Timestamp"`
		CloudWatchMetrics []struct {
			Namespace  string     `json:"Namespace"`
			Dimensions [][]string `json:"Dimensions"`
			Metrics    []struct{ Name, Unit string }
		} `json:"CloudWatchMetrics"`
	} `json:"_aws"`
}

// records reads every EMF line written so far.
func records(t *testing.T, buf *bytes.Buffer) []record {
	t.Helper()
	var out []record
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var r record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("EMF line is not JSON (%v): %s", err, line)
		}
		out = append(out, r)
	}
	return out
}

// backlog checks that r is a StaleBacklog record for the scanner and
// returns its value.
func backlog(t *testing.T, r record) float64 {
	t.Helper()
	if r.Service != "scanner" || r.StaleBacklog == nil || r.UnownedLeads == nil || len(r.AWS.CloudWatchMetrics) != 1 {
		t.Fatalf("not a scanner backlog record: %+v", r)
	}
	d := r.AWS.CloudWatchMetrics[0]
	if d.Namespace != emf.Namespace || len(d.Metrics) != 2 || d.Metrics[0].Name != emf.StaleBacklog || d.Metrics[1].Name != emf.UnownedLeads || d.Metrics[0].Unit != emf.UnitCount ||
		len(d.Dimensions) != 1 || len(d.Dimensions[0]) != 1 || d.Dimensions[0][0] != "Service" {
		t.Fatalf("EMF directive %+v", d)
	}
	return *r.StaleBacklog
}

func TestScanRuns(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.lead(t, "L1", lead.StatusAssigned)  // first contact due at t0+5m
	w.lead(t, "L2", lead.StatusContacted) // reminder due three working days on
	runs := []struct {
		name    string
		at      time.Time
		track   bool // the projector caught up with L1 before the run
		want    sla.Report
		backlog float64
	}{
		{"before the first deadline nothing is due", t0.Add(4 * time.Minute), false, sla.Report{}, 0},
		{"the due reminder is taken and reported", t0.Add(6 * time.Minute), false, sla.Report{Due: 1, Reminded: 1}, 1},
		// The index still holds the step until the projector moves it on: it
		// is found due again (and counted in the backlog) but not taken.
		{"a second run takes nothing", t0.Add(7 * time.Minute), false, sla.Report{Due: 1, Skipped: 1}, 1},
		{"once the index caught up nothing is due", t0.Add(8 * time.Minute), true, sla.Report{}, 0},
	}
	for i, r := range runs {
		if r.track {
			w.track(t, "L1")
		}
		w.now = r.at
		got, err := w.h.Handle(context.Background(), events.EventBridgeEvent{})
		if err != nil {
			t.Fatalf("%s: error %v", r.name, err)
		}
		if got != r.want {
			t.Fatalf("%s: report %+v, want %+v", r.name, got, r.want)
		}
		recs := records(t, &w.metrics)
		if len(recs) != i+1 {
			t.Fatalf("%s: %d EMF records after %d runs: %s", r.name, len(recs), i+1, w.metrics.String())
		}
		last := recs[len(recs)-1]
		if v := backlog(t, last); v != r.backlog {
			t.Fatalf("%s: backlog %v, want %v", r.name, v, r.backlog)
		}
		if last.AWS.Timestamp != r.at.UnixMilli() {
			t.Fatalf("%s: EMF timestamp %d, want the run's %d", r.name, last.AWS.Timestamp, r.at.UnixMilli())
		}
	}
	h, _ := w.st.History(context.Background(), "L1")
	stale := 0
	for _, e := range h {
		if e.Change == lead.ChangeStale {
			stale++
			if e.SLA == nil || e.SLA.Action != sla.Remind || e.SLA.Step != 0 || e.Actor != lead.ScannerActor {
				t.Fatalf("stale entry %+v", e)
			}
		}
	}
	if stale != 1 {
		t.Fatalf("L1 has %d stale marks, want the one reminder: %+v", stale, h)
	}
	if h2, _ := w.st.History(context.Background(), "L2"); len(h2) != 1 {
		t.Fatalf("L2 was touched before its step was due: %+v", h2)
	}
}

// brokenIndex cannot be read.
type brokenIndex struct{ sla.Index }

func (brokenIndex) Due(context.Context, time.Time, int) ([]sla.Pending, error) {
	return nil, errors.New("dynamodb: throttled")
}

func TestScanFailureWritesNoBacklog(t *testing.T) {
	t.Parallel()
	var metrics bytes.Buffer
	s := sla.Scanner{Index: brokenIndex{}, Leads: memstore.New(), Now: func() time.Time { return t0 }, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Limit: 100}
	h := handler{scan: s, meter: emf.NewMeter(&metrics, "scanner", time.Now)}
	r, err := h.Handle(context.Background(), events.EventBridgeEvent{})
	if err == nil {
		t.Fatalf("a scan that cannot read the index succeeded: %+v", r)
	}
	if metrics.Len() != 0 {
		t.Fatalf("a failed scan wrote a backlog (a false zero for the alarm): %s", metrics.String())
	}
}
