package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
)

var t0 = time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)

func TestSignatureRoundTripTamperAndRotation(t *testing.T) {
	t.Parallel()
	body := []byte(`{"id":"L.2","type":"lead.status_changed"}`)
	w, err := NewWebhook(Targets{}, "p1", "https://partner.example/hooks", nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	old := w.Secrets[0].Value
	h := SignatureValue(w.Active(t0), t0.Unix(), body)
	if err := Verify(h, body, old, 5*time.Minute, t0); err != nil {
		t.Fatalf("valid signature refused: %v", err)
	}
	if err := Verify(h, append(body, ' '), old, 5*time.Minute, t0); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("tampered body: %v", err)
	}
	if err := Verify(h, body, "whsec_wrong", 5*time.Minute, t0); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("wrong secret: %v", err)
	}
	if err := Verify(h, body, old, 5*time.Minute, t0.Add(10*time.Minute)); !errors.Is(err, ErrStale) {
		t.Fatalf("replayed old signature: %v", err)
	}
	for _, bad := range []string{"", "t=1", "v1=ab", "t=x,v1=ab", "garbage"} {
		if err := Verify(bad, body, old, time.Minute, t0); err == nil {
			t.Errorf("header %q accepted", bad)
		}
	}
	w, fresh := w.Rotate(t0, 24*time.Hour)
	h = SignatureValue(w.Active(t0.Add(time.Hour)), t0.Add(time.Hour).Unix(), body)
	if Verify(h, body, old, time.Minute, t0.Add(time.Hour)) != nil || Verify(h, body, fresh.Value, time.Minute, t0.Add(time.Hour)) != nil {
		t.Fatal("during rotation both secrets must verify")
	}
	later := t0.Add(25 * time.Hour)
	h = SignatureValue(w.Active(later), later.Unix(), body)
	if Verify(h, body, old, time.Minute, later) == nil || Verify(h, body, fresh.Value, time.Minute, later) != nil {
		t.Fatal("after the overlap only the new secret signs")
	}
	if pub := w.Public(); pub.Secrets[0].Value != "" || w.Secrets[0].Value == "" {
		t.Fatal("Public leaks secrets or clears the original")
	}
}

func TestTargets(t *testing.T) {
	t.Parallel()
	prod, local := Targets{}, Targets{LocalMode: true}
	tests := []struct {
		url         string
		prod, local bool
	}{
		{"https://hooks.partner.com.br/leads", true, true},
		{"http://hooks.partner.com.br/leads", false, false},
		{"http://127.0.0.1:9000/hook", false, true},
		{"https://127.0.0.1/hook", false, true},
		{"https://10.0.0.5/hook", false, false},
		{"https://192.168.1.10/hook", false, false},
		{"https://169.254.169.254/latest/meta-data", false, false},
		{"https://[::1]/hook", false, true},
		{"ftp://partner.com/x", false, false},
		{"https://user:pw@partner.com/x", false, false},
		{"not a url", false, false},
	}
	for _, tt := range tests {
		if got := prod.CheckURL(tt.url) == nil; got != tt.prod {
			t.Errorf("production %s: allowed=%v", tt.url, got)
		}
		if got := local.CheckURL(tt.url) == nil; got != tt.local {
			t.Errorf("local %s: allowed=%v", tt.url, got)
		}
	}
	// A public-looking name that resolves to loopback is refused when dialing.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()
	a := NewSender(prod, time.Second, time.Now).JSON(context.Background(), "x", srv.URL, []byte(`{}`))
	if a.Delivered || a.Retryable || a.Status != 0 || !strings.Contains(a.Error, "not allowed") {
		t.Fatalf("production sender reached loopback: %+v", a)
	}
}

func TestRetryClassification(t *testing.T) {
	t.Parallel()
	for code, want := range map[int][2]bool{200: {true, false}, 204: {true, false}, 400: {false, false}, 401: {false, false}, 404: {false, false},
		408: {false, true}, 429: {false, true}, 500: {false, true}, 503: {false, true}} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }))
		a := NewSender(Targets{LocalMode: true}, time.Second, time.Now).JSON(context.Background(), "x", srv.URL, []byte(`{}`))
		srv.Close()
		if a.Delivered != want[0] || a.Retryable != want[1] || a.Status != code {
			t.Errorf("HTTP %d: delivered %v retryable %v", code, a.Delivered, a.Retryable)
		}
	}
	p := Policy{Base: time.Second, Cap: 8 * time.Second, MaxAge: time.Minute}
	for n := 1; n < 50; n++ {
		if w := p.Wait(n); w < time.Second || w > 8*time.Second {
			t.Fatalf("wait %d = %s", n, w)
		}
	}
	if p.Exhausted(t0, t0.Add(59*time.Second)) || !p.Exhausted(t0, t0.Add(time.Minute)) {
		t.Fatal("exhaustion")
	}
}

type fakeConfig struct {
	hooks    []Webhook
	prefs    Prefs
	channels []Channel
	managers []string
}

func (f fakeConfig) Escalation(context.Context, string) ([]string, error) { return f.managers, nil }

func (f fakeConfig) Webhooks(context.Context, string) ([]Webhook, error) { return f.hooks, nil }
func (f fakeConfig) Prefs(context.Context, string) (Prefs, bool, error) {
	return f.prefs, f.prefs.PartnerID != "", nil
}
func (f fakeConfig) Channels(context.Context) ([]Channel, error)      { return f.channels, nil }
func (f fakeConfig) RepEmail(context.Context, string) (string, error) { return "rep@example.com", nil }

type fakeDeliveries struct {
	mu   sync.Mutex
	done map[string]bool
	all  []Attempt
}

func (f *fakeDeliveries) Delivered(_ context.Context, ev, target string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.done[ev+"|"+target], nil
}

func (f *fakeDeliveries) Record(_ context.Context, ev string, a Attempt, _ time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.all = append(f.all, a)
	if a.Delivered {
		f.done[ev+"|"+a.Target] = true
	}
	return nil
}

type fakeMail struct{ sent []string }

func (m *fakeMail) Send(_ context.Context, to, subject, _ string) error {
	m.sent = append(m.sent, to+": "+subject)
	return nil
}

func TestNotifierDeliversOnceAndRetriesOnlyFailures(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		down = true
		got  []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if down {
			w.WriteHeader(503)
			return
		}
		b, _ := io.ReadAll(r.Body)
		got = append(got, r.Header.Get("Partner-Leads-Event-Id")+" "+string(b[:10]))
	}))
	defer srv.Close()
	hook, _ := NewWebhook(Targets{LocalMode: true}, "p1", srv.URL, nil, t0)
	chat := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer chat.Close()
	cfg := fakeConfig{hooks: []Webhook{hook}, prefs: Prefs{PartnerID: "p1", Email: "partner@example.com", Mode: "immediate", Language: En},
		channels: []Channel{{ID: "c1", Kind: "slack", URL: chat.URL}}}
	dl, mail := &fakeDeliveries{done: map[string]bool{}}, &fakeMail{}
	n := Notifier{Config: cfg, Deliveries: dl, Mail: mail, Send: NewSender(Targets{LocalMode: true}, time.Second, time.Now),
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: time.Now}
	ev := lead.Event{ID: "L.3", Type: lead.EventLeadStatusChanged, LeadID: "L", PartnerID: "p1", Sequence: 3, OccurredAt: t0,
		Detail: lead.StatusChangedDetail{From: lead.StatusAssigned, To: lead.StatusContacted, ByRole: "rep"}}
	retry, err := n.Handle(context.Background(), ev, false)
	if err != nil || !retry || len(mail.sent) != 1 {
		t.Fatalf("first pass: retry %v err %v mail %v", retry, err, mail.sent)
	}
	mu.Lock()
	down = false
	mu.Unlock()
	retry, err = n.Handle(context.Background(), ev, false) // the queue redelivers
	if err != nil || retry || len(mail.sent) != 1 || len(got) != 1 {
		t.Fatalf("second pass: retry %v err %v, %d mails, %d webhooks", retry, err, len(mail.sent), len(got))
	}
	if _, err := n.Handle(context.Background(), ev, true); err != nil || len(got) != 2 || len(mail.sent) != 1 {
		t.Fatalf("replay resends the webhook only: %d webhooks, %d mails", len(got), len(mail.sent))
	}
	if got[0] != got[1] || got[0][:4] != "L.3 " {
		t.Fatalf("a redelivery must carry the same event id: %v", got)
	}
	if len(dl.all) != 5 { // webhook ×3, email ×1, chat ×1
		t.Fatalf("%d attempts logged: %+v", len(dl.all), dl.all)
	}
}

func TestRendering(t *testing.T) {
	t.Parallel()
	ev := lead.Event{ID: "L.4", Type: lead.EventLeadStatusChanged, LeadID: "L", Sequence: 4, OccurredAt: t0,
		Detail: lead.StatusChangedDetail{From: lead.StatusProposal, To: lead.StatusLost, Reason: "preço"}}
	s, body := Email(PtBR, ev)
	if s != "Lead L: perdido" || !contains(body, "Motivo: preço") {
		t.Fatalf("pt-BR: %q %q", s, body)
	}
	if s, _ = Email(En, ev); s != "Lead L is now lost" {
		t.Fatalf("en: %q", s)
	}
	if m := string(ChannelMessage("teams", ev)); !contains(m, `"@type":"MessageCard"`) || !contains(m, "lost") {
		t.Fatalf("teams: %s", m)
	}
	if m := string(ChannelMessage("slack", ev)); !contains(m, `{"text":"lead.status_changed`) {
		t.Fatalf("slack: %s", m)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

type fakeDigestSource struct {
	prefs []Prefs
	evs   map[string][]lead.Event
}

func (f fakeDigestSource) AllPrefs(context.Context) ([]Prefs, error) { return f.prefs, nil }
func (f fakeDigestSource) Feed(_ context.Context, p, after string, _ int) (lifecycle.FeedPage, error) {
	from, err := lifecycle.DecodeCursor(after)
	var page lifecycle.FeedPage
	for _, ev := range f.evs[p] {
		if lifecycle.FeedKey(ev) > from {
			page.Events = append(page.Events, ev)
		}
	}
	return page, err
}

func TestDigestOncePerDay(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 11, 11, 0, 0, 0, time.UTC)
	ev := func(seq int64, at time.Time, to lead.Status) lead.Event {
		return lead.Event{ID: "L." + string(rune('0'+seq)), Type: lead.EventLeadStatusChanged, LeadID: "L", PartnerID: "p1", Sequence: seq, OccurredAt: at,
			Detail: lead.StatusChangedDetail{To: to}}
	}
	src := fakeDigestSource{
		prefs: []Prefs{{PartnerID: "p1", Email: "p1@example.com", Mode: "digest", Language: PtBR}, {PartnerID: "p2", Email: "p2@example.com", Mode: "immediate"}},
		evs: map[string][]lead.Event{"p1": {
			ev(3, now.Add(-30*time.Hour), lead.StatusContacted), // yesterday's digest had it
			ev(4, now.Add(-2*time.Hour), lead.StatusQualified),
			ev(5, now.Add(-time.Hour), lead.StatusProposal),
		}},
	}
	mail := &fakeMail{}
	n := Notifier{Deliveries: &fakeDeliveries{done: map[string]bool{}}, Mail: mail, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	sent, err := n.SendDigests(context.Background(), src, now)
	if err != nil || sent != 1 || len(mail.sent) != 1 || mail.sent[0] != "p1@example.com: Seus leads em 2026-03-11: 2 atualizações" {
		t.Fatalf("sent %d %v %v", sent, mail.sent, err)
	}
	if sent, _ = n.SendDigests(context.Background(), src, now.Add(time.Minute)); sent != 0 || len(mail.sent) != 1 {
		t.Fatal("a re-run sent the digest again")
	}
}

type countingConfig struct {
	fakeConfig
	reads int
}

func (c *countingConfig) Channels(ctx context.Context) ([]Channel, error) {
	c.reads++
	return c.fakeConfig.Channels(ctx)
}

func TestChannelsAreCached(t *testing.T) {
	t.Parallel()
	now := t0
	src := &countingConfig{fakeConfig: fakeConfig{channels: []Channel{{ID: "c"}}}}
	c := CacheChannels(src, 30*time.Second, func() time.Time { return now })
	for range 10 {
		if ch, err := c.Channels(context.Background()); err != nil || len(ch) != 1 {
			t.Fatal(ch, err)
		}
	}
	now = now.Add(31 * time.Second)
	_, _ = c.Channels(context.Background())
	if src.reads != 2 {
		t.Fatalf("%d reads, want 2 (once, then after the ttl)", src.reads)
	}
}

func TestSLAStepsReachOwnerManagersAndPartner(t *testing.T) {
	t.Parallel()
	cfg := fakeConfig{prefs: Prefs{PartnerID: "p1", Email: "partner@example.com", Mode: "immediate", Language: En},
		managers: []string{"boss@example.com", "ops@example.com"}}
	stale := func(action string) lead.Event {
		return lead.Event{ID: "L.4", Type: lead.EventLeadStale, LeadID: "L", PartnerID: "p1", Sequence: 4, OccurredAt: t0,
			Detail: lead.StaleDetail{Status: lead.StatusAssigned, OwnerID: "ana", Action: action, Step: 0}}
	}
	cases := []struct {
		name string
		ev   lead.Event
		want []string
	}{
		{"remind: the owner, and the partner is nudged", stale("remind"),
			[]string{"partner@example.com: We are chasing lead L", "rep@example.com: Lead atrasado: L"}},
		{"escalate: the managers, and the partner", stale("escalate"),
			[]string{"partner@example.com: We are chasing lead L", "boss@example.com: SLA escalation: lead L", "ops@example.com: SLA escalation: lead L"}},
		{"a retry to route a lead nobody owns: nobody's inbox", lead.Event{ID: "L.2", Type: lead.EventLeadStale, LeadID: "L", PartnerID: "p1", Sequence: 2, OccurredAt: t0,
			Detail: lead.StaleDetail{Status: lead.StatusNew, Action: "reroute", Step: 0}}, nil},
		{"escalate a lead nobody owns: the managers, told it has no owner", lead.Event{ID: "L.3", Type: lead.EventLeadStale, LeadID: "L", PartnerID: "p1", Sequence: 3, OccurredAt: t0,
			Detail: lead.StaleDetail{Status: lead.StatusNew, Action: "escalate", Step: 1}},
			[]string{"partner@example.com: We are chasing lead L", "boss@example.com: Lead sem responsável / Lead with no owner: L", "ops@example.com: Lead sem responsável / Lead with no owner: L"}},
		{"recall: the new owner, and the partner", lead.Event{ID: "L.5", Type: lead.EventLeadRecalled, LeadID: "L", PartnerID: "p1", Sequence: 5, OccurredAt: t0,
			Detail: lead.RecalledDetail{Status: lead.StatusAssigned, FromOwner: "ana", OwnerID: "bia"}},
			[]string{"partner@example.com: Lead L has a new sales rep", "rep@example.com: Novo lead para você: L"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mail := &fakeMail{}
			n := Notifier{Config: cfg, Deliveries: &fakeDeliveries{done: map[string]bool{}}, Mail: mail,
				Send: NewSender(Targets{}, time.Second, time.Now), Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: time.Now}
			if _, err := n.Handle(context.Background(), c.ev, false); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(mail.sent) != fmt.Sprint(c.want) {
				t.Fatalf("sent %q, want %q", mail.sent, c.want)
			}
		})
	}
}

// Contact attempts reach a partner's inbox only when its preferences name them.
func TestTouchesReachTheInboxOnlyWhenAskedFor(t *testing.T) {
	t.Parallel()
	ev := lead.Event{ID: "L.3", Type: lead.EventLeadTouched, LeadID: "L", PartnerID: "p1", Sequence: 3, OccurredAt: t0,
		Detail: lead.TouchedDetail{Status: lead.StatusAssigned, OwnerID: "ana", Channel: "whatsapp", Outcome: "no_answer", At: t0, Touches: 2}}
	for _, c := range []struct {
		name   string
		events []string
		want   []string
	}{
		{"preferences that name nothing", nil, nil},
		{"preferences that name lead.touched", []string{lead.EventLeadTouched}, []string{"partner@example.com: Lead L: tentativa de contato"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := fakeConfig{prefs: Prefs{PartnerID: "p1", Email: "partner@example.com", Mode: "immediate", Language: PtBR, Events: c.events}}
			mail := &fakeMail{}
			n := Notifier{Config: cfg, Deliveries: &fakeDeliveries{done: map[string]bool{}}, Mail: mail,
				Send: NewSender(Targets{}, time.Second, time.Now), Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: time.Now}
			if _, err := n.Handle(context.Background(), ev, false); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(mail.sent) != fmt.Sprint(c.want) {
				t.Fatalf("sent %q, want %q", mail.sent, c.want)
			}
		})
	}
	if _, text := Email(PtBR, ev); !strings.Contains(text, "(WhatsApp, sem resposta; tentativa 2)") {
		t.Errorf("the touch e-mail reads %q", text)
	}
	for _, lang := range []string{PtBR, En} {
		for _, w := range append(slices.Clone(lead.TouchChannels), lead.TouchOutcomes...) {
			if touchWords[lang][w] == "" {
				t.Errorf("%s has no word for %q", lang, w)
			}
		}
	}
}
