package notify

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

type bodyMail struct {
	mu   sync.Mutex
	sent []string
}

func (m *bodyMail) Send(_ context.Context, to, subject, text string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, to+"|"+subject+"|"+text)
	return nil
}

// A partner's webhook and email name no rep and no routing rule; the sales
// team's own channel gets the whole event.
func TestPartnersGetThePartnerView(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	bodies := map[string]string{}
	receiver := func(name string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			bodies[name] = string(b)
			mu.Unlock()
		}))
	}
	partner, chat := receiver("partner"), receiver("chat")
	defer partner.Close()
	defer chat.Close()
	hook, _ := NewWebhook(Targets{LocalMode: true}, "p1", partner.URL, nil, t0)
	cfg := fakeConfig{hooks: []Webhook{hook}, prefs: Prefs{PartnerID: "p1", Email: "partner@example.com", Mode: "immediate", Language: En},
		channels: []Channel{{ID: "c1", Kind: "slack", URL: chat.URL}}}
	mail := &bodyMail{}
	n := Notifier{Config: cfg, Deliveries: &fakeDeliveries{done: map[string]bool{}}, Mail: mail, Send: NewSender(Targets{LocalMode: true}, time.Second, time.Now),
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: time.Now}
	ev := lead.Event{ID: "L.2", Type: lead.EventLeadAssigned, LeadID: "L", PartnerID: "p1", Sequence: 2, OccurredAt: t0,
		Detail: lead.AssignedDetail{Status: lead.StatusAssigned, OwnerID: "rep-ana", Reason: "rule sp-senior (rule set v3, score_tier, grade A)", ByRole: "system"}}
	if _, err := n.Handle(context.Background(), ev, false); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if b := bodies["partner"]; b == "" || strings.Contains(b, "rep-ana") || strings.Contains(b, "sp-senior") {
		t.Errorf("the partner's webhook: %q", b)
	}
	for _, m := range mail.sent {
		if strings.HasPrefix(m, "partner@example.com|") && (strings.Contains(m, "rep-ana") || strings.Contains(m, "sp-senior")) {
			t.Errorf("the partner's email: %q", m)
		}
	}
	if b := bodies["chat"]; !strings.Contains(b, "rep-ana") {
		t.Errorf("the team's channel lost the owner: %q", b)
	}
}
