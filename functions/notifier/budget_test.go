package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/notify"
)

// hooks answers each partner's webhooks.
type hooks map[string][]notify.Webhook

func (h hooks) Webhooks(_ context.Context, partnerID string) ([]notify.Webhook, error) {
	return h[partnerID], nil
}
func (hooks) Prefs(context.Context, string) (notify.Prefs, bool, error) {
	return notify.Prefs{}, false, nil
}
func (hooks) Channels(context.Context) ([]notify.Channel, error)   { return nil, nil }
func (hooks) RepEmail(context.Context, string) (string, error)     { return "", nil }
func (hooks) Escalation(context.Context, string) ([]string, error) { return nil, nil }

type noDeliveries struct{}

func (noDeliveries) Delivered(context.Context, string, string) (bool, error)         { return false, nil }
func (noDeliveries) Record(context.Context, string, notify.Attempt, time.Time) error { return nil }

type noMail struct{}

func (noMail) Send(context.Context, string, string, string) error { return nil }

// receiver is a partner endpoint on loopback: it answers at once, or hangs
// until the caller gives up.
type receiver struct {
	mu   sync.Mutex
	got  time.Time
	hang bool
}

func (r *receiver) start(t *testing.T) string {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body) // then the server notices the caller leave
		r.mu.Lock()
		r.got = time.Now()
		hang := r.hang
		r.mu.Unlock()
		if hang {
			select {
			case <-req.Context().Done():
			case <-release:
			}
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: nothing hangs past the test
	return srv.URL
}

func (r *receiver) at() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got
}

// budgetHandler delivers real webhooks of partners p1 (hanging) and p2
// (answering), each attempt waiting at most timeout.
func budgetHandler(t *testing.T, timeout time.Duration, slow, fast *receiver) handler {
	secret := []notify.Secret{{ID: "s1", Value: "whsec_test", CreatedAt: time.Now()}}
	cfg := hooks{"p1": {{ID: "wh1", PartnerID: "p1", URL: slow.start(t), Secrets: secret}}, "p2": {{ID: "wh2", PartnerID: "p2", URL: fast.start(t), Secrets: secret}}}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	n := notify.Notifier{Config: cfg, Deliveries: noDeliveries{}, Mail: noMail{}, Send: notify.NewSender(notify.Targets{LocalMode: true}, timeout, time.Now), Log: log, Now: time.Now}
	return handler{notify: n, queue: &fakeQueue{postponed: map[string]time.Duration{}}, policy: notify.DefaultPolicy, log: log, now: time.Now, reserve: 100 * time.Millisecond}
}

func partnerMessage(id, partner string) events.SQSMessage {
	return messageOf(id, id+".1", partner, time.Now(), 1)
}

// A partner whose endpoint hangs does not delay another partner's delivery
// in the same batch; only its own message is reported for another try.
func TestAHangingEndpointDelaysOnlyItsOwnPartner(t *testing.T) {
	t.Parallel()
	slow, fast := &receiver{hang: true}, &receiver{}
	h := budgetHandler(t, 2*time.Second, slow, fast)
	start := time.Now()
	resp, err := h.Handle(context.Background(), events.SQSEvent{Records: []events.SQSMessage{partnerMessage("m1", "p1"), partnerMessage("m2", "p2")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fast.at(); got.IsZero() || got.Sub(start) > time.Second {
		t.Fatalf("p2's webhook was called %v after the batch started (zero: never), want well before p1's 2 s timeout", got.Sub(start))
	}
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "m1" {
		t.Fatalf("failures %+v, want only m1 (the hanging endpoint)", resp.BatchItemFailures)
	}
}

// The batch stops before the function's deadline: what is still waiting
// on an endpoint then is cut short and reported, not left to time out the
// whole invocation.
func TestTheBatchEndsBeforeTheFunctionDeadline(t *testing.T) {
	t.Parallel()
	slow := &receiver{hang: true}
	h := budgetHandler(t, 30*time.Second, slow, &receiver{})
	var batch []events.SQSMessage
	for _, id := range []string{"m1", "m2", "m3"} {
		batch = append(batch, partnerMessage(id, "p1"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	resp, _ := h.Handle(ctx, events.SQSEvent{Records: batch})
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Fatalf("the batch took %v with a 1 s deadline", took)
	}
	if len(resp.BatchItemFailures) != 3 {
		t.Fatalf("failures %+v, want all three cut short", resp.BatchItemFailures)
	}
	if q := h.queue.(*fakeQueue); len(q.postponed) != 0 {
		t.Fatalf("cut-short messages were postponed as failed attempts: %v", q.postponed)
	}
}
