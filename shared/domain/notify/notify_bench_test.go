package notify

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

type memDeliveries struct{}

func (memDeliveries) Delivered(context.Context, string, string) (bool, error)  { return false, nil }
func (memDeliveries) Record(context.Context, string, Attempt, time.Time) error { return nil }

type nopMail struct{}

func (nopMail) Send(context.Context, string, string, string) error { return nil }

// BenchmarkNotifyRenderAndSign: one event fanned out to a webhook (JSON,
// HMAC signature with two secrets mid-rotation), a partner email (rendered)
// and a Slack message, against a loopback receiver; msgs/s = 1e9 / ns/op.
func BenchmarkNotifyRenderAndSign(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(204)
	}))
	defer srv.Close()
	tg := Targets{LocalMode: true}
	hook, _ := NewWebhook(tg, "p1", srv.URL, nil, t0)
	hook, _ = hook.Rotate(t0, 24*time.Hour)
	n := Notifier{
		Config: fakeConfig{hooks: []Webhook{hook}, prefs: Prefs{PartnerID: "p1", Email: "p@example.com", Mode: "immediate"},
			channels: []Channel{{ID: "c", Kind: "slack", URL: srv.URL}}},
		Deliveries: memDeliveries{}, Mail: nopMail{}, Send: NewSender(tg, time.Second, func() time.Time { return t0 }),
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: time.Now,
	}
	ev := lead.Event{ID: "01M85YWTKE0RD52J1QXHTJQDDE.3", Type: lead.EventLeadStatusChanged, Version: 1, LeadID: "01M85YWTKE0RD52J1QXHTJQDDE",
		PartnerID: "p1", Sequence: 3, OccurredAt: t0, Detail: lead.StatusChangedDetail{From: lead.StatusAssigned, To: lead.StatusContacted, ByRole: "rep"}}
	_, _ = json.Marshal(ev)
	b.ReportAllocs()
	for b.Loop() {
		if retry, err := n.Handle(context.Background(), ev, false); err != nil || retry {
			b.Fatalf("retry %v err %v", retry, err)
		}
	}
}

// BenchmarkSignAndRender: the CPU part alone, without HTTP.
func BenchmarkSignAndRender(b *testing.B) {
	ev := lead.Event{ID: "01M85YWTKE0RD52J1QXHTJQDDE.3", Type: lead.EventLeadStatusChanged, LeadID: "01M85YWTKE0RD52J1QXHTJQDDE", PartnerID: "p1",
		Sequence: 3, OccurredAt: t0, Detail: lead.StatusChangedDetail{From: lead.StatusAssigned, To: lead.StatusContacted}}
	secrets := []string{"whsec_a", "whsec_b"}
	b.ReportAllocs()
	for b.Loop() {
		body, _ := json.Marshal(ev)
		_ = SignatureValue(secrets, t0.Unix(), body)
		_, _ = Email(PtBR, ev)
		_ = ChannelMessage("slack", ev)
	}
}
