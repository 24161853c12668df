package main

import (
	"bytes"
	"context"
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

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/notify"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

// source is the digest's preferences over a memstore feed.
type source struct {
	*memstore.Store
	prefs []notify.Prefs
	err   error
}

func (s source) AllPrefs(context.Context) ([]notify.Prefs, error) { return s.prefs, s.err }

// deliveries keeps delivery records as the DynamoDB adapter does: a later
// failure never undoes a delivery.
type deliveries struct {
	mu       sync.Mutex
	done     map[string]bool
	attempts []string // key|target|delivered
}

func newDeliveries() *deliveries { return &deliveries{done: map[string]bool{}} }

func (d *deliveries) Delivered(_ context.Context, key, target string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.done[key+"|"+target], nil
}

func (d *deliveries) Record(_ context.Context, key string, a notify.Attempt, _ time.Time) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if a.Delivered {
		d.done[key+"|"+a.Target] = true
	}
	state := "failed"
	if a.Delivered {
		state = "delivered"
	}
	d.attempts = append(d.attempts, key+"|"+a.Target+"|"+state)
	return nil
}

// now is 05:00 in São Paulo: the digest covers the 24 hours before.
var now = time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)

// seed stores an assigned lead created at created and has a manager move it
// to contacted at changed: one lead.created and one lead.status_changed
// event in its partner's feed.
func seed(t *testing.T, st *memstore.Store, id, partnerID string, created, changed time.Time) {
	t.Helper()
	ctx := context.Background()
	l := lead.Lead{ID: id, PartnerID: partnerID, Status: lead.StatusAssigned, OwnerID: "rep1", Version: 1,
		ReceivedAt: created, UpdatedAt: created, StatusSince: created}
	e := lead.Entry{LeadID: id, Seq: 1, At: created, Change: lead.ChangeCreated, To: lead.StatusAssigned}.Seal("")
	l.HistoryHash = e.Hash
	if err := st.Create(ctx, intake.Creation{Lead: l, Entry: e, Now: created}); err != nil {
		t.Fatalf("create %s: %v", id, err)
	}
	lc := lifecycle.NewService(st, func() time.Time { return changed })
	if _, err := lc.ChangeStatus(ctx, auth.Principal{Role: auth.RoleManager, SubjectID: "m1"}, id, lifecycle.Request{To: lead.StatusContacted}); err != nil {
		t.Fatalf("change %s: %v", id, err)
	}
}

// world is the leads behind every case: p1 has one update today (L1) and
// one from the day before (L2), p2 one today (L3); every other partner has
// one today too, so only their preferences keep them out.
func world(t *testing.T) *memstore.Store {
	t.Helper()
	st := memstore.New()
	seed(t, st, "L1", "p1", now.Add(-30*time.Hour), now.Add(-2*time.Hour))
	seed(t, st, "L2", "p1", now.Add(-50*time.Hour), now.Add(-26*time.Hour))
	seed(t, st, "L3", "p2", now.Add(-3*time.Hour), now.Add(-1*time.Hour))
	for _, p := range []string{"p3", "p4", "p5", "p6"} {
		seed(t, st, "L-"+p, p, now.Add(-3*time.Hour), now.Add(-time.Hour))
	}
	return st
}

var prefs = []notify.Prefs{
	{PartnerID: "p1", Email: "p1@example.com", Language: notify.En, Mode: "digest"},
	{PartnerID: "p2", Email: "p2@example.com", Mode: "digest"},                                        // pt-BR by default
	{PartnerID: "p3", Email: "p3@example.com", Mode: "immediate"},                                     // mailed per event, not here
	{PartnerID: "p4", Email: "p4@example.com", Mode: "off"},                                           // no mail at all
	{PartnerID: "p5", Mode: "digest"},                                                                 // no address
	{PartnerID: "p6", Email: "p6@example.com", Mode: "digest", Events: []string{lead.EventLeadStale}}, // nothing it asked for
}

// logged is the count of the handler's "digests sent" record.
func logged(t *testing.T, buf *bytes.Buffer) (int, bool) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec struct {
			Msg   string `json:"msg"`
			Count *int   `json:"count"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "digests sent" && rec.Count != nil {
			return *rec.Count, true
		}
	}
	return 0, false
}

func TestDigest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		prefsErr error
		fail     map[string]bool
		wantErr  bool
		wantTo   []string
		wantSent int
		// wantAttempts are the delivery records written, sorted.
		wantAttempts []string
	}{
		{
			name:     "digest partners get one mail each; the others none",
			wantTo:   []string{"p1@example.com", "p2@example.com"},
			wantSent: 2,
			wantAttempts: []string{
				"digest-p1-2026-03-10|email:partner|delivered",
				"digest-p2-2026-03-10|email:partner|delivered",
			},
		},
		{
			// SendDigests records the failed attempt and goes on, then fails
			// the run so that the schedule's retry mails the one left.
			name:     "a mail failure does not stop the others, and fails the run for a retry",
			fail:     map[string]bool{"p1@example.com": true},
			wantErr:  true,
			wantTo:   []string{"p2@example.com"},
			wantSent: 1,
			wantAttempts: []string{
				"digest-p1-2026-03-10|email:partner|failed",
				"digest-p2-2026-03-10|email:partner|delivered",
			},
		},
		{
			name:     "preferences that cannot be read fail the run",
			prefsErr: errors.New("dynamodb: throttled"),
			wantErr:  true,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			box, del, logs := &memstore.Mailbox{Fail: c.fail}, newDeliveries(), &bytes.Buffer{}
			h := handler{
				digests: notify.Notifier{Deliveries: del, Mail: box, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: func() time.Time { return now }},
				source:  source{Store: world(t), prefs: prefs, err: c.prefsErr},
				now:     func() time.Time { return now },
				log:     slog.New(slog.NewJSONHandler(logs, nil)),
			}
			err := h.Handle(context.Background(), events.EventBridgeEvent{})
			if (err != nil) != c.wantErr {
				t.Fatalf("error %v, want error: %v", err, c.wantErr)
			}
			if got := box.To(); !slices.Equal(got, c.wantTo) {
				t.Fatalf("mailed %v, want %v", got, c.wantTo)
			}
			slices.Sort(del.attempts)
			if !slices.Equal(del.attempts, c.wantAttempts) {
				t.Fatalf("delivery records %v, want %v", del.attempts, c.wantAttempts)
			}
			if n, ok := logged(t, logs); !ok || n != c.wantSent {
				t.Fatalf("logged count %d (found %v), want %d; log: %s", n, ok, c.wantSent, logs)
			}
		})
	}
}

func TestDigestHoldsTheDaysEventsOfItsPartnerOnly(t *testing.T) {
	t.Parallel()
	box := &memstore.Mailbox{}
	h := handler{
		digests: notify.Notifier{Deliveries: newDeliveries(), Mail: box, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: func() time.Time { return now }},
		source:  source{Store: world(t), prefs: prefs},
		now:     func() time.Time { return now },
		log:     slog.New(slog.NewJSONHandler(io.Discard, nil)),
	}
	if err := h.Handle(context.Background(), events.EventBridgeEvent{}); err != nil {
		t.Fatalf("handle: %v", err)
	}
	m, ok := box.Of("p1@example.com")
	if !ok {
		t.Fatalf("p1 got no digest; mailed %v", box.To())
	}
	if m.Subject != "Your leads on 2026-03-10: 1 updates" {
		t.Fatalf("p1 subject %q", m.Subject)
	}
	// L1 moved today; L2 moved 26 hours ago; L3 is p2's; the creations are
	// never in a digest.
	if !strings.Contains(m.Text, "lead L1:") || strings.Contains(m.Text, "lead L2:") || strings.Contains(m.Text, "lead L3:") || strings.Count(m.Text, "\n- ") != 1 {
		t.Fatalf("p1 digest holds the wrong events:\n%s", m.Text)
	}
	m, ok = box.Of("p2@example.com")
	if !ok {
		t.Fatalf("p2 got no digest; mailed %v", box.To())
	}
	if !strings.HasPrefix(m.Subject, "Seus leads em 2026-03-10: 1 ") || !strings.Contains(m.Text, "lead L3:") || strings.Contains(m.Text, "lead L1:") {
		t.Fatalf("p2 digest: %q\n%s", m.Subject, m.Text)
	}
}

func TestDigestRerunSendsNothingTwice(t *testing.T) {
	t.Parallel()
	box, del := &memstore.Mailbox{Fail: map[string]bool{"p1@example.com": true}}, newDeliveries()
	h := handler{
		digests: notify.Notifier{Deliveries: del, Mail: box, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: func() time.Time { return now }},
		source:  source{Store: world(t), prefs: prefs},
		now:     func() time.Time { return now },
		log:     slog.New(slog.NewJSONHandler(io.Discard, nil)),
	}
	if err := h.Handle(context.Background(), events.EventBridgeEvent{}); err == nil || !strings.Contains(err.Error(), "p1") {
		t.Fatalf("first run: %v, want an error naming p1 so the schedule retries", err)
	}
	if got := box.To(); !slices.Equal(got, []string{"p2@example.com"}) {
		t.Fatalf("first run mailed %v, want p2 only (p1's mail fails)", got)
	}
	// SES recovers; the same day's re-run mails only the partner who has
	// not had its digest.
	box.Fail = nil
	if err := h.Handle(context.Background(), events.EventBridgeEvent{}); err != nil {
		t.Fatalf("re-run: %v", err)
	}
	if got := box.To(); !slices.Equal(got, []string{"p1@example.com", "p2@example.com"}) {
		t.Fatalf("after the re-run mailed %v, want p1 once and p2 once", got)
	}
}
