package chaos

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/partnerleads/pipeline/shared/notify"
)

// receiver is every partner's webhook endpoint (/hook/<partner index>): it
// verifies each signature with that partner's secret, counts deliveries by
// event id, and answers 503 while down.
type receiver struct {
	mu      sync.Mutex
	down    bool
	secrets map[string]string // partner index → secret
	got     map[string]int    // event id → verified deliveries
	bad     int
	srv     *http.Server
	base    string
}

func startReceiver() (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &receiver{down: true, secrets: map[string]string{}, got: map[string]int{}, base: "http://" + ln.Addr().String() + "/hook/"}
	r.srv = &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.down {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	secret := r.secrets[strings.TrimPrefix(req.URL.Path, "/hook/")]
	if secret == "" || notify.Verify(req.Header.Get(notify.SignatureHeader), body, secret, 5*time.Minute, time.Now()) != nil {
		r.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var ev struct{ ID string }
	_ = json.Unmarshal(body, &ev)
	r.got[ev.ID]++
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) setDown(down bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.down = down
}

func (r *receiver) setSecret(partner, secret string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets[partner] = secret
}

func (r *receiver) delivered(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[id]
}

func (r *receiver) close() { _ = r.srv.Close() }
