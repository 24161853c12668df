//go:build emulator

package e2e

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/notify"
	"github.com/partnerleads/pipeline/shared/storetest"
)

// receiver is a partner's webhook endpoint on 127.0.0.1 that verifies every
// signature; it can be down (503) for a while.
type receiver struct {
	mu     sync.Mutex
	secret string
	down   bool
	got    map[string]int // event id → deliveries
	last   struct{ body, sig string }
	bad    int
	srv    *http.Server
	url    string
}

func newReceiver(t *testing.T) *receiver {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{got: map[string]int{}, down: true, url: "http://" + ln.Addr().String() + "/hook"}
	r.srv = &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	t.Cleanup(func() { _ = r.srv.Close() })
	return r
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.down {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	sig := req.Header.Get(notify.SignatureHeader)
	if notify.Verify(sig, body, r.secret, 5*time.Minute, time.Now()) != nil {
		r.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var ev struct{ ID string }
	_ = json.Unmarshal(body, &ev)
	r.got[ev.ID]++
	r.last.body, r.last.sig = string(body), sig
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) count(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[id]
}

func (r *receiver) waitFor(t *testing.T, ids []string, min int) {
	t.Helper()
	deadline := time.Now().Add(120 * time.Second)
	for time.Now().Before(deadline) {
		ok := true
		for _, id := range ids {
			ok = ok && r.count(id) >= min
		}
		if ok {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	t.Fatalf("webhook deliveries %v, want each of %v at least %d times", r.got, ids, min)
}

func TestE2ENotifications(t *testing.T) {
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Notify")
	a.routeTo(t, partnerID, 1)
	mgr := a.call(t, "POST", "/v1/admin/keys", a.admin, `{"role":"manager","subjectId":"mgr-e2e-n","name":"m"}`, nil, true).body["apiKey"].(string)
	rcv := newReceiver(t)

	// Refused when registered, so nothing is ever sent there.
	if r := a.call(t, "POST", "/v1/webhooks", key, `{"url":"https://10.1.2.3/hook"}`, nil, true); r.status != 422 {
		t.Fatalf("webhook to a private address: %d %s", r.status, r.raw)
	}
	created := a.call(t, "POST", "/v1/webhooks", key, `{"url":"`+rcv.url+`"}`, nil, true)
	if created.status != 201 {
		t.Fatalf("create webhook: %d %s", created.status, created.raw)
	}
	rcv.mu.Lock()
	rcv.secret = created.body["secret"].(string)
	rcv.mu.Unlock()
	if l := a.call(t, "GET", "/v1/webhooks", key, "", nil, true); strings.Contains(string(l.raw), rcv.secret) {
		t.Fatal("listing webhooks shows the secret")
	}
	email := storetest.Unique("notify") + "@partner.example"
	if r := a.call(t, "PUT", "/v1/notification-preferences", key, `{"email":"`+email+`","language":"en","mode":"immediate"}`, nil, true); r.status != 200 {
		t.Fatalf("preferences: %d %s", r.status, r.raw)
	}

	// The receiver is down while the lead is created, routed and contacted.
	id := a.call(t, "POST", "/v1/leads", key, lead(storetest.Unique("nt")), nil, true).body["id"].(string)
	a.waitAssigned(t, id, key)
	if r := a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, `{"status":"contacted"}`, nil, true); r.status != 200 {
		t.Fatalf("status: %d %s", r.status, r.raw)
	}
	time.Sleep(3 * time.Second) // a few failed attempts
	rcv.mu.Lock()
	rcv.down = false
	rcv.mu.Unlock()
	ids := []string{id + ".1", id + ".2", id + ".3"}
	rcv.waitFor(t, ids, 1)

	// The feed has every event the webhook had to wait for.
	feed := a.call(t, "GET", "/v1/events?limit=500", key, "", nil, true)
	for _, want := range ids {
		if !strings.Contains(string(feed.raw), `"id":"`+want+`"`) {
			t.Fatalf("feed lacks %s", want)
		}
	}

	// A replay delivers duplicates with the same event ids.
	if r := a.call(t, "POST", "/v1/webhooks/replay", key, `{}`, nil, true); r.status != 202 {
		t.Fatalf("replay: %d %s", r.status, r.raw)
	}
	rcv.waitFor(t, ids, 2)

	// A tampered body fails verification.
	rcv.mu.Lock()
	body, sig, bad := rcv.last.body, rcv.last.sig, rcv.bad
	rcv.mu.Unlock()
	if bad != 0 || notify.Verify(sig, []byte(strings.Replace(body, "lead.", "leaf.", 1)), rcv.secret, 5*time.Minute, time.Now()) == nil {
		t.Fatalf("signatures: %d bad deliveries, or a tampered body verified", bad)
	}

	// The status change was mailed to the partner, in English.
	waitMail(t, 60*time.Second, email, "Lead "+id+" is now contacted")
}

// The daily digest, run as its schedule would, mails the day's updates.
func TestE2EDigest(t *testing.T) {
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Digest")
	a.routeTo(t, partnerID, 1)
	email := storetest.Unique("digest") + "@partner.example"
	if r := a.call(t, "PUT", "/v1/notification-preferences", key, `{"email":"`+email+`","language":"en","mode":"digest"}`, nil, true); r.status != 200 {
		t.Fatalf("preferences: %d %s", r.status, r.raw)
	}
	id := a.call(t, "POST", "/v1/leads", key, lead(storetest.Unique("dg")), nil, true).body["id"].(string)
	a.waitAssigned(t, id, key)

	invoke(t, "DigestFunctionName")
	waitMail(t, 30*time.Second, email, "Your leads on ", id)
}
