// Package webhooktest is a partner's webhook endpoint for tests: an HTTP
// server on 127.0.0.1 that verifies every delivery's signature and counts
// deliveries by event id, and the deliveries it refused while down.
package webhooktest

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/notify"
)

// Receiver serves /hook/<name>, one secret per name. It starts down,
// answering 503, until SetDown(false).
type Receiver struct {
	mu      sync.Mutex
	down    bool
	secrets map[string]string // name → secret
	got     map[string]int    // event id → verified deliveries
	refused map[string]int    // event id → deliveries answered 503 while down
	bad     int
	last    struct{ body, sig string }
	srv     *http.Server
	base    string
}

// Start listens on a free loopback port; Close stops it.
func Start() (*Receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Receiver{down: true, secrets: map[string]string{}, got: map[string]int{}, refused: map[string]int{}, base: "http://" + ln.Addr().String() + "/hook/"}
	r.srv = &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

// URL is the endpoint to register for name.
func (r *Receiver) URL(name string) string { return r.base + name }

func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	var ev struct{ ID string }
	_ = json.Unmarshal(body, &ev)
	if r.down {
		r.refused[ev.ID]++
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	sig := req.Header.Get(notify.SignatureHeader)
	secret := r.secrets[strings.TrimPrefix(req.URL.Path, "/hook/")]
	if secret == "" || notify.Verify(sig, body, secret, 5*time.Minute, time.Now()) != nil {
		r.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	r.got[ev.ID]++
	r.last.body, r.last.sig = string(body), sig
	w.WriteHeader(http.StatusNoContent)
}

// SetDown makes the endpoint answer 503 (true) or accept deliveries (false).
func (r *Receiver) SetDown(down bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.down = down
}

// SetSecret is the signing secret the webhook registered for name returned.
func (r *Receiver) SetSecret(name, secret string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets[name] = secret
}

// Delivered counts the verified deliveries of an event id.
func (r *Receiver) Delivered(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[id]
}

// Refused counts the deliveries answered 503 while down, of every event.
func (r *Receiver) Refused() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.refused {
		n += c
	}
	return n
}

// RefusedOf counts the deliveries of an event id answered 503 while down
// (signed or not: a down endpoint reads no signature).
func (r *Receiver) RefusedOf(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refused[id]
}

// Bad counts deliveries refused for a missing or invalid signature.
func (r *Receiver) Bad() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bad
}

// Last is the body and signature header of the latest verified delivery.
func (r *Receiver) Last() (body, sig string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last.body, r.last.sig
}

// WaitFor polls until every id was delivered at least min times, and says
// whether that happened before the timeout.
func (r *Receiver) WaitFor(ids []string, min int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		ok := true
		for _, id := range ids {
			ok = ok && r.Delivered(id) >= min
		}
		if ok || time.Now().After(deadline) {
			return ok
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (r *Receiver) Close() { _ = r.srv.Close() }
