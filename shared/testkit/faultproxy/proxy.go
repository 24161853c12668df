// Package faultproxy is a reverse proxy on 127.0.0.1 between our code and an
// AWS endpoint (the emulator). It fails a fraction of AWS calls the way AWS
// does: throttling, 500/503, responses lost after the call took effect, and
// answers that come too late, and counts every call by service and operation.
package faultproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is one way a call fails.
type Fault string

const (
	Throttled    Fault = "throttled"     // refused before it reached the service
	ServerError  Fault = "server-error"  // 500, before it reached the service
	Unavailable  Fault = "unavailable"   // 503, before it reached the service
	LostResponse Fault = "lost-response" // the service did it; the answer never came
	Timeout      Fault = "timeout"       // the service did it; the answer is held until the client gives up
	// Resent: the service did it, the answer was lost, and the client's
	// retry reached the service as a new call (its ClientRequestToken
	// removed), as when a retry overtakes a slow first attempt before the
	// service has recorded its token. Only on request: not in Faults.
	Resent Fault = "resent"
	// Conflicted: a DynamoDB transaction cancelled because another
	// transaction touched the same items (TransactionConflict). Only
	// TransactWriteItems calls get it. Only on request: not in Faults.
	Conflicted Fault = "conflicted"
)

// Faults are the kinds the proxy injects, in turn.
var Faults = []Fault{Throttled, ServerError, Unavailable, LostResponse, Timeout}

// Config is one proxy.
type Config struct {
	Upstream string  // e.g. http://127.0.0.1:4566
	Rate     float64 // fraction of calls that fail, 0 to 1
	Seed     uint64  // makes the choice of failing calls repeatable
	Kinds    []Fault // injected in turn; default: all of Faults
	// Hold is how long a Timeout holds the answer back before the proxy
	// drops the connection itself, for a client that never gives up
	// (default 2 s). A client with a shorter response timeout gives up first.
	Hold time.Duration
}

// Proxy is a running proxy. Close stops it.
type Proxy struct {
	srv    *http.Server
	ln     net.Listener
	rate   float64
	kinds  []Fault
	hold   time.Duration
	mu     sync.Mutex
	rng    *rand.Rand
	next   int
	calls  map[string]int
	faults map[Fault]int
	gaveUp int
}

// Start listens on a free loopback port.
func Start(cfg Config) (*Proxy, error) {
	up, err := url.Parse(cfg.Upstream)
	if err != nil || up.Host == "" {
		return nil, fmt.Errorf("faultproxy: upstream %q is not a URL", cfg.Upstream)
	}
	if cfg.Rate < 0 || cfg.Rate > 1 {
		return nil, fmt.Errorf("faultproxy: rate %v is not between 0 and 1", cfg.Rate)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	kinds := cfg.Kinds
	if len(kinds) == 0 {
		kinds = Faults
	}
	hold := cfg.Hold
	if hold <= 0 {
		hold = 2 * time.Second
	}
	p := &Proxy{ln: ln, rate: cfg.Rate, kinds: kinds, hold: hold, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		calls: map[string]int{}, faults: map[Fault]int{}}
	forward := httputil.NewSingleHostReverseProxy(up)
	forward.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		if r.Context().Err() == nil { // else the client gave up on a slow answer: nobody to tell
			http.Error(w, err.Error(), http.StatusBadGateway)
		}
	}
	p.srv = &http.Server{Handler: p.handler(forward), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// URL is where clients send their calls.
func (p *Proxy) URL() string { return "http://" + p.ln.Addr().String() }

// Close stops the proxy and every connection through it.
func (p *Proxy) Close() error { return p.srv.Close() }

// Calls returns how many calls went through, by "service.Operation".
func (p *Proxy) Calls() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.calls)
}

// SetRate changes the fraction of calls that fail from now on.
func (p *Proxy) SetRate(rate float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rate = min(max(rate, 0), 1)
}

// GaveUp returns how many held answers (Timeout) the client stopped waiting
// for before the proxy dropped them.
func (p *Proxy) GaveUp() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.gaveUp
}

// Injected returns how many faults of each kind were injected.
func (p *Proxy) Injected() map[Fault]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.faults)
}

func (p *Proxy) handler(forward http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		svc, op := Operation(r)
		fault, inject := p.decide(svc+"."+op, func(f Fault) bool { return f != Conflicted || op == "TransactWriteItems" })
		if !inject {
			forward.ServeHTTP(w, r)
			return
		}
		switch fault {
		case Resent:
			body, err := io.ReadAll(r.Body)
			if err != nil {
				drop(w)
				return
			}
			first := r.Clone(r.Context())
			first.Body = io.NopCloser(bytes.NewReader(body))
			forward.ServeHTTP(discard{}, first)
			again := withoutToken(body)
			second := r.Clone(r.Context())
			second.Body, second.ContentLength = io.NopCloser(bytes.NewReader(again)), int64(len(again))
			forward.ServeHTTP(w, second)
		case LostResponse:
			forward.ServeHTTP(discard{}, r)
			drop(w)
		case Timeout:
			// The call goes through even when the client gives up meanwhile.
			forward.ServeHTTP(discard{}, r.WithContext(context.WithoutCancel(r.Context())))
			select {
			case <-r.Context().Done():
				p.mu.Lock()
				p.gaveUp++
				p.mu.Unlock()
			case <-time.After(p.hold):
			}
			drop(w)
		default:
			status, body, ctype := errorFor(svc, fault)
			w.Header().Set("Content-Type", ctype)
			if svc == "dynamodb" { // DynamoDB signs every answer's body; the SDK checks it
				w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(body))), 10))
			}
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}
	})
}

// withoutToken is a JSON request body without its ClientRequestToken.
func withoutToken(body []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	delete(m, "ClientRequestToken")
	b, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return b
}

// decide counts the call and says whether to inject a fault into it, and
// which: the next kind in turn that applies to the call.
func (p *Proxy) decide(call string, applies func(Fault) bool) (Fault, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls[call]++
	if p.rate == 0 || p.rng.Float64() >= p.rate {
		return "", false
	}
	f := p.kinds[p.next%len(p.kinds)]
	if !applies(f) {
		return "", false
	}
	p.next++
	p.faults[f]++
	return f, true
}

// Operation names the AWS call r makes: the JSON protocols' X-Amz-Target
// (DynamoDB, streams, EventBridge, SQS), SQS's query Action, SES v2's
// resource, or the S3 method.
func Operation(r *http.Request) (service, op string) {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		prefix, name, _ := strings.Cut(t, ".")
		switch {
		case strings.HasPrefix(prefix, "DynamoDBStreams"):
			return "dynamodbstreams", name
		case strings.HasPrefix(prefix, "DynamoDB"):
			return "dynamodb", name
		case prefix == "AWSEvents":
			return "events", name
		case prefix == "AmazonSQS":
			return "sqs", name
		default:
			return strings.ToLower(prefix), name
		}
	}
	if a := r.URL.Query().Get("Action"); a != "" {
		return "query", a
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/v2/email/"); ok {
		if rest == "outbound-emails" {
			return "sesv2", "SendEmail"
		}
		resource, _, _ := strings.Cut(rest, "/")
		return "sesv2", r.Method + " " + resource
	}
	return "s3", r.Method
}

// errorFor is what AWS answers for a fault, in the service's own protocol.
func errorFor(service string, f Fault) (status int, body, contentType string) {
	if service == "s3" {
		code, status := "InternalError", 500
		switch f {
		case Throttled, Unavailable:
			code, status = "SlowDown", 503
		}
		return status, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>injected by faultproxy</Message></Error>", "application/xml"
	}
	typ, status := "InternalFailure", 500
	if f == Conflicted {
		return 400, `{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","message":"Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]",` +
			`"CancellationReasons":[{"Code":"TransactionConflict","Message":"Transaction is ongoing for the item"}]}`, "application/x-amz-json-1.0"
	}
	switch {
	case f == Throttled && strings.HasPrefix(service, "dynamodb"):
		typ, status = "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", 400
	case f == Throttled:
		typ, status = "ThrottlingException", 400
	case f == Unavailable:
		typ, status = "ServiceUnavailable", 503
	}
	return status, fmt.Sprintf(`{"__type":%q,"message":"injected by faultproxy"}`, typ), "application/x-amz-json-1.0"
}

// drop closes the client's connection without an answer.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// discard is a ResponseWriter for an answer that will be lost.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
