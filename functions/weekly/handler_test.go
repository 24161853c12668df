package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/metrics"
	"github.com/partnerleads/pipeline/shared/domain/notify"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

// now is Monday 2026-03-16, 09:00 in São Paulo: the report is of the week
// of Monday 2026-03-09.
var now = time.Date(2026, 3, 16, 12, 0, 0, 0, time.UTC)

const week = "2026-03-09"

// partners are the directory: memstore's partners and a preferences map.
type partners struct {
	*memstore.Store
	prefs     map[string]notify.Prefs
	listErr   error
	failPrefs string // the partner whose preferences cannot be read
}

func (p partners) ListPartners(ctx context.Context) ([]admin.Partner, error) {
	if p.listErr != nil {
		return nil, p.listErr
	}
	return p.Store.ListPartners(ctx)
}

func (p partners) Prefs(_ context.Context, id string) (notify.Prefs, bool, error) {
	if id == p.failPrefs {
		return notify.Prefs{}, false, errors.New("dynamodb: throttled")
	}
	pr, ok := p.prefs[id]
	return pr, ok, nil
}

// failingReports fails one partner's report, and builds the others.
type failingReports struct {
	metrics.Service
	partnerID string
}

func (f failingReports) Weekly(ctx context.Context, partnerID string) (metrics.Report, error) {
	if partnerID == f.partnerID {
		return metrics.Report{}, errors.New("dynamodb: throttled")
	}
	return f.Service.Weekly(ctx, partnerID)
}

// world has five partners: p1 and p2 with an address (p2 in digest mode),
// p3 without preferences, p4 with preferences but no address, p5 with
// notifications off. p1 received 3 leads last week and won 1, p2 received
// 5, and p1 has 7 more from the week before, which is not last week.
func world(t *testing.T) (*memstore.Store, *memstore.Metrics, map[string]notify.Prefs) {
	t.Helper()
	ctx := context.Background()
	st, m := memstore.New(), memstore.NewMetrics()
	for _, id := range []string{"p1", "p2", "p3", "p4", "p5"} {
		if err := st.PutPartner(ctx, admin.Partner{ID: id, Name: id}); err != nil {
			t.Fatal(err)
		}
	}
	apply := func(leadID, partnerID, date string, add metrics.Counters) {
		if err := m.Apply(ctx, leadID, 1, []metrics.Delta{{PartnerID: partnerID, Date: date, Add: add}}); err != nil {
			t.Fatal(err)
		}
	}
	apply("L1", "p1", "2026-03-10", metrics.Counters{metrics.Received: 3, metrics.Entered(lead.StatusWon): 1})
	apply("L2", "p2", "2026-03-11", metrics.Counters{metrics.Received: 5})
	apply("L3", "p1", "2026-03-04", metrics.Counters{metrics.Received: 7})
	prefs := map[string]notify.Prefs{
		"p1": {PartnerID: "p1", Email: "p1@example.com", Mode: "immediate"},
		"p2": {PartnerID: "p2", Email: "p2@example.com", Mode: "digest"},
		"p4": {PartnerID: "p4", Mode: "immediate"},
		"p5": {PartnerID: "p5", Email: "p5@example.com", Mode: "off"},
	}
	return st, m, prefs
}

func TestWeekly(t *testing.T) {
	t.Parallel()
	all := []string{"p1", "p2", "p3", "p4", "p5"}
	cases := []struct {
		name       string
		failMail   string // address SES refuses
		failReport string // partner whose report cannot be built
		failPrefs  string // partner whose preferences cannot be read
		listErr    error
		wantErr    bool
		want       summary
		wantTo     []string
		wantStored []string
	}{
		{
			name: "every partner's report is stored; those with an address mailed",
			want: summary{Partners: 5, Emailed: 2}, wantTo: []string{"p1@example.com", "p2@example.com"}, wantStored: all,
		},
		{
			name: "a mail failure fails the run after the others are done", failMail: "p1@example.com", wantErr: true,
			want: summary{Partners: 5, Emailed: 1, Failed: 1}, wantTo: []string{"p2@example.com"}, wantStored: all,
		},
		{
			name: "a report failure fails the run after the others are done", failReport: "p1", wantErr: true,
			want: summary{Partners: 5, Emailed: 1, Failed: 1}, wantTo: []string{"p2@example.com"}, wantStored: []string{"p2", "p3", "p4", "p5"},
		},
		{
			name: "preferences that cannot be read fail the run; the report is stored", failPrefs: "p2", wantErr: true,
			want: summary{Partners: 5, Emailed: 1, Failed: 1}, wantTo: []string{"p1@example.com"}, wantStored: all,
		},
		{
			name: "partners that cannot be listed fail the run", listErr: errors.New("dynamodb: throttled"), wantErr: true,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			st, m, prefs := world(t)
			box := &memstore.Mailbox{Fail: map[string]bool{c.failMail: true}}
			svc := metrics.Service{Store: m, Now: func() time.Time { return now }}
			h := handler{partners: partners{Store: st, prefs: prefs, listErr: c.listErr, failPrefs: c.failPrefs}, metrics: failingReports{svc, c.failReport},
				mail: box, log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
			got, err := h.Handle(context.Background(), events.EventBridgeEvent{})
			if (err != nil) != c.wantErr {
				t.Fatalf("error %v, want error: %v", err, c.wantErr)
			}
			if got != c.want {
				t.Fatalf("summary %+v, want %+v", got, c.want)
			}
			if to := box.To(); !slices.Equal(to, c.wantTo) {
				t.Fatalf("mailed %v, want %v", to, c.wantTo)
			}
			var stored []string
			for _, id := range all {
				if _, err := m.GetReport(context.Background(), id, week); err == nil {
					stored = append(stored, id)
				} else if !errors.Is(err, metrics.ErrNoReport) {
					t.Fatalf("read report of %s: %v", id, err)
				}
			}
			if !slices.Equal(stored, c.wantStored) {
				t.Fatalf("reports stored for %v, want %v", stored, c.wantStored)
			}
		})
	}
}

func TestWeeklyReportsHoldOnlyThePartnersOwnNumbers(t *testing.T) {
	t.Parallel()
	st, m, prefs := world(t)
	box := &memstore.Mailbox{}
	h := handler{partners: partners{Store: st, prefs: prefs}, metrics: metrics.Service{Store: m, Now: func() time.Time { return now }},
		mail: box, log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	if _, err := h.Handle(context.Background(), events.EventBridgeEvent{}); err != nil {
		t.Fatalf("handle: %v", err)
	}
	want := map[string][2]int64{"p1": {3, 1}, "p2": {5, 0}, "p3": {0, 0}, "p4": {0, 0}, "p5": {0, 0}} // received, won
	for id, n := range want {
		r, err := m.GetReport(context.Background(), id, week)
		if err != nil {
			t.Fatalf("report of %s: %v", id, err)
		}
		in := r.Indicators
		if r.PartnerID != id || r.Week != week || in.From != week || in.To != "2026-03-15" || in.Received != n[0] || in.Won != n[1] {
			t.Fatalf("report of %s: partner %s week %s (%s to %s), received %d won %d; want received %d won %d",
				id, r.PartnerID, r.Week, in.From, in.To, in.Received, in.Won, n[0], n[1])
		}
		for _, row := range in.ByPartner {
			if row.PartnerID != id {
				t.Fatalf("report of %s has a row for %s: %+v", id, row.PartnerID, in.ByPartner)
			}
		}
	}
	if len(box.Sent()) != 2 {
		t.Fatalf("%d mails, want 2: %+v", len(box.Sent()), box.Sent())
	}
	for _, ml := range box.Sent() {
		id, _, _ := strings.Cut(ml.To, "@")
		other := map[string]string{"p1": "p2", "p2": "p1"}[id]
		n := want[id]
		if ml.Subject != "Weekly leads report "+week || !strings.Contains(ml.Text, "Weekly report for partner "+id+",") ||
			!strings.Contains(ml.Text, "Leads received: "+strconv.FormatInt(n[0], 10)+"\nWon: "+strconv.FormatInt(n[1], 10)+" ") || strings.Contains(ml.Text, `"`+other+`"`) {
			t.Fatalf("mail to %s: %q\n%s", ml.To, ml.Subject, ml.Text)
		}
	}
}

// The schedule's retry after a mail failure mails only the partner who did
// not get its report; the others are not mailed twice.
func TestWeeklyRetryMailsOnlyWhoDidNotGetIt(t *testing.T) {
	t.Parallel()
	st, m, prefs := world(t)
	box := &memstore.Mailbox{Fail: map[string]bool{"p1@example.com": true}}
	h := handler{partners: partners{Store: st, prefs: prefs}, metrics: metrics.Service{Store: m, Now: func() time.Time { return now }},
		mail: box, log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	if _, err := h.Handle(context.Background(), events.EventBridgeEvent{}); err == nil {
		t.Fatal("the run with a failed mail should fail, for the schedule's retry")
	}
	box.Fail = nil
	got, err := h.Handle(context.Background(), events.EventBridgeEvent{})
	if err != nil || got.Emailed != 1 {
		t.Fatalf("retry: %+v %v, want one partner mailed", got, err)
	}
	if to := box.To(); !slices.Equal(to, []string{"p1@example.com", "p2@example.com"}) {
		t.Fatalf("mailed %v over both runs, want p1 and p2 once each", to)
	}
}
