package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

// now is in March 2026: the schedule exports February.
var now = time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)

type object struct {
	contentType string
	body        []byte
}

// bucket keeps uploaded objects; a key ending in fail is refused.
type bucket struct {
	mu      sync.Mutex
	objects map[string]object
	fail    string
}

func (b *bucket) Upload(_ context.Context, key, contentType string, write func(io.Writer) error) error {
	if b.fail != "" && strings.HasSuffix(key, b.fail) {
		return errors.New("s3: slow down")
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.objects[key] = object{contentType, buf.Bytes()}
	return nil
}

func (b *bucket) keys() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for k := range b.objects {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// bus keeps the detail types published.
type bus struct {
	mu    sync.Mutex
	types []string
}

func (b *bus) Put(_ context.Context, detailType string, _ any, _ time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.types = append(b.types, detailType)
	return nil
}

// unrecorded cannot write export records.
type unrecorded struct{ *memstore.Ledger }

func (unrecorded) PutExport(context.Context, commission.Export) error {
	return errors.New("dynamodb: throttled")
}

// ledger holds two won deals in February (p1 and p2) and one in March (p1).
func ledger(t *testing.T) *memstore.Ledger {
	t.Helper()
	ctx := context.Background()
	l := memstore.NewLedger()
	for _, p := range []string{"p1", "p2"} {
		plan := commission.Plan{ID: "std-" + p, Version: 1, Name: "Standard", PartnerID: p, EffectiveFrom: "2026-01-01", Currency: "BRL",
			Type: commission.PercentOfDeal, RateBps: 1000}
		if err := l.PutPlan(ctx, plan); err != nil {
			t.Fatal(err)
		}
	}
	svc := commission.Service{Store: l, Bus: &bus{}, Now: func() time.Time { return now }}
	won := func(leadID, partnerID string, at time.Time) {
		tr := commission.Trigger{ID: leadID + ".6", Kind: commission.TriggerWon, LeadID: leadID, PartnerID: partnerID, At: at,
			Deal: &lead.Deal{Value: lead.Money{Amount: 1000_00, Currency: "BRL"}, ContractStart: at.Format(lead.DateLayout)}}
		if out, err := svc.Process(ctx, tr); err != nil || len(out.Entries) != 1 {
			t.Fatalf("won %s: %+v %v", leadID, out, err)
		}
	}
	won("L1", "p1", time.Date(2026, 2, 10, 15, 0, 0, 0, time.UTC))
	won("L2", "p2", time.Date(2026, 2, 20, 15, 0, 0, 0, time.UTC))
	won("L3", "p1", time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC))
	return l
}

func requested(t *testing.T, x commission.Export) events.EventBridgeEvent {
	t.Helper()
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	return events.EventBridgeEvent{ID: "eb-1", DetailType: commission.EventExportRequested, Source: "partnerleads.commissions", Detail: b}
}

func keys(id, period string) (csvKey, payoutsKey, manifestKey string) {
	dir := commission.ExportPrefix + "period=" + period + "/" + id + "/"
	return dir + "commissions.csv", dir + "payouts.csv", dir + "manifest.json"
}

func TestExport(t *testing.T) {
	t.Parallel()
	scheduled := events.EventBridgeEvent{ID: "eb-0", DetailType: "Scheduled Event", Source: "aws.events", Detail: []byte(`{}`)}
	onDemand := commission.Export{ID: "exp_01", Period: "2026-03", Status: "pending", RequestedBy: "fin1", RequestedAt: now}
	cases := []struct {
		name    string
		ev      events.EventBridgeEvent
		fail    string // key suffix the bucket refuses
		noPut   bool   // export records cannot be written
		wantErr bool
		// the export that must have run (id "" for none), its leads in
		// CSV order, and its final status
		id, period string
		leads      []string
		status     string
		wantEvents []string
	}{
		{name: "the schedule exports the previous period", ev: scheduled,
			id: "scheduled-2026-02", period: "2026-02", leads: []string{"L1", "L2"}, status: "completed", wantEvents: []string{commission.EventExportCompleted}},
		{name: "an on-demand request exports the requested period", ev: requested(t, onDemand),
			id: "exp_01", period: "2026-03", leads: []string{"L3"}, status: "completed", wantEvents: []string{commission.EventExportCompleted}},
		{name: "a CSV upload failure fails the export", ev: scheduled, fail: "commissions.csv", wantErr: true,
			id: "scheduled-2026-02", period: "2026-02", status: "failed"},
		{name: "a manifest upload failure fails the export", ev: requested(t, onDemand), fail: "manifest.json", wantErr: true,
			id: "exp_01", period: "2026-03", leads: []string{"L3"}, status: "failed"},
		{name: "a scheduled export that cannot be recorded uploads nothing", ev: scheduled, noPut: true, wantErr: true},
		{name: "a request that is not JSON is dropped", ev: events.EventBridgeEvent{DetailType: commission.EventExportRequested, Detail: []byte(`{`)}},
		{name: "a request without an id is dropped", ev: requested(t, commission.Export{Period: "2026-03"})},
		{name: "a request without a period is dropped", ev: requested(t, commission.Export{ID: "exp_02"})},
		{name: "other events are ignored", ev: events.EventBridgeEvent{DetailType: commission.EventExportCompleted, Detail: []byte(`{"id":"exp_01","period":"2026-03"}`)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			l, up, b := ledger(t), &bucket{objects: map[string]object{}, fail: c.fail}, &bus{}
			var store commission.Store = l
			if c.noPut {
				store = unrecorded{l}
			}
			h := handler{svc: commission.Service{Store: store, Bus: b, Now: func() time.Time { return now }}, up: up, log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
			err := h.Handle(ctx, c.ev)
			if (err != nil) != c.wantErr {
				t.Fatalf("error %v, want error: %v", err, c.wantErr)
			}
			if !slices.Equal(b.types, c.wantEvents) {
				t.Fatalf("published %v, want %v", b.types, c.wantEvents)
			}
			if c.id == "" {
				if k := up.keys(); len(k) != 0 {
					t.Fatalf("uploaded %v for an event that runs no export", k)
				}
				return
			}
			x, err := l.Export(ctx, c.id)
			if err != nil {
				t.Fatalf("export record %s: %v", c.id, err)
			}
			if x.Period != c.period || x.Status != c.status || (c.status == "failed") != (x.Error != "") {
				t.Fatalf("export record: period %s status %s error %q; want period %s status %s", x.Period, x.Status, x.Error, c.period, c.status)
			}
			csvKey, payKey, manKey := keys(c.id, c.period)
			var want []string
			if c.fail != "commissions.csv" {
				want = append(want, csvKey, payKey)
			}
			if c.status == "completed" {
				want = append(want, manKey)
			}
			slices.Sort(want)
			if got := up.keys(); !slices.Equal(got, want) {
				t.Fatalf("uploaded %v, want %v", got, want)
			}
			if c.fail == "commissions.csv" {
				return
			}
			obj := up.objects[csvKey]
			rows, err := csv.NewReader(bytes.NewReader(obj.body)).ReadAll()
			if err != nil || obj.contentType != "text/csv; charset=utf-8" {
				t.Fatalf("CSV (%s): %v\n%s", obj.contentType, err, obj.body)
			}
			if len(rows) == 0 || !slices.Equal(rows[0], commission.Columns) {
				t.Fatalf("CSV header %v", rows)
			}
			var gotLeads []string
			for _, r := range rows[1:] {
				if r[1] != c.period || r[7] != "10000" {
					t.Fatalf("CSV row %v: want period %s and amount 10000 (10%% of 1000.00)", r, c.period)
				}
				gotLeads = append(gotLeads, r[3])
			}
			if !slices.Equal(gotLeads, c.leads) {
				t.Fatalf("CSV leads %v, want %v", gotLeads, c.leads)
			}
			if c.status != "completed" {
				return
			}
			man := up.objects[manKey]
			var m commission.Manifest
			if err := json.Unmarshal(man.body, &m); err != nil || man.contentType != "application/json" {
				t.Fatalf("manifest (%s): %v\n%s", man.contentType, err, man.body)
			}
			sum := sha256.Sum256(obj.body)
			if m.ExportID != c.id || m.Period != c.period || m.CSVKey != csvKey || m.Rows != len(c.leads) ||
				m.Totals["BRL"] != int64(len(c.leads))*100_00 || m.SHA256 != hex.EncodeToString(sum[:]) {
				t.Fatalf("manifest %+v; want %d rows of 100.00 BRL and the CSV's sha256 %x", m, len(c.leads), sum)
			}
			if x.Manifest == nil || x.Manifest.SHA256 != m.SHA256 || x.CSVKey != csvKey || x.ManifestKey != manKey || x.CompletedAt == nil {
				t.Fatalf("completed record %+v", x)
			}
		})
	}
}

func TestScheduledExportRerunRewritesTheSameFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	up := &bucket{objects: map[string]object{}}
	h := handler{svc: commission.Service{Store: ledger(t), Bus: &bus{}, Now: func() time.Time { return now }}, up: up, log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	ev := events.EventBridgeEvent{DetailType: "Scheduled Event", Detail: []byte(`{}`)}
	if err := h.Handle(ctx, ev); err != nil {
		t.Fatalf("first run: %v", err)
	}
	csvKey, _, _ := keys("scheduled-2026-02", "2026-02")
	first := up.objects[csvKey].body
	if err := h.Handle(ctx, ev); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if k := up.keys(); len(k) != 3 || !bytes.Equal(up.objects[csvKey].body, first) {
		t.Fatalf("a repeated schedule run must rewrite the same three objects byte for byte: %v", k)
	}
}
