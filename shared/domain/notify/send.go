package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Attempt is the outcome of one delivery attempt; every attempt is logged.
type Attempt struct {
	Target    string        `json:"target"`
	Status    int           `json:"status"` // 0 when no HTTP answer
	Latency   time.Duration `json:"latencyNs"`
	Error     string        `json:"error,omitempty"`
	Delivered bool          `json:"delivered"`
	Retryable bool          `json:"retryable"`
}

// Sender posts notifications over HTTP.
type Sender struct {
	client *http.Client
	now    func() time.Time
}

// NewSender builds an HTTP client that only dials allowed targets.
func NewSender(tg Targets, timeout time.Duration, now func() time.Time) Sender {
	tr := &http.Transport{DialContext: tg.dialContext(), MaxIdleConns: 10, IdleConnTimeout: 30 * time.Second, TLSHandshakeTimeout: 5 * time.Second}
	return Sender{client: &http.Client{Timeout: timeout, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, now: now}
}

// Webhook delivers a signed event body to a partner endpoint.
func (s Sender) Webhook(ctx context.Context, w Webhook, eventID string, body []byte) Attempt {
	t := s.now().Unix()
	return s.post(ctx, "webhook:"+w.ID, w.URL, body, map[string]string{
		SignatureHeader:          SignatureValue(w.Active(s.now()), t, body),
		"Partner-Leads-Event-Id": eventID,
	})
}

// JSON posts a message to a Slack or Teams incoming webhook.
func (s Sender) JSON(ctx context.Context, target, url string, body []byte) Attempt {
	return s.post(ctx, target, url, body, nil)
}

func (s Sender) post(ctx context.Context, target, url string, body []byte, headers map[string]string) Attempt {
	a := Attempt{Target: target}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		a.Error = err.Error()
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "partner-leads-notifier/1")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := s.client.Do(req)
	a.Latency = time.Since(start)
	if err != nil {
		a.Error, a.Retryable = err.Error(), !errors.Is(err, ErrUnsafeTarget)
		return a
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	a.Status = resp.StatusCode
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		a.Delivered = true
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		a.Retryable = true
		a.Error = "HTTP " + strconv.Itoa(resp.StatusCode)
	default: // other 4xx: the receiver refuses it; retrying will not help
		a.Error = "HTTP " + strconv.Itoa(resp.StatusCode) + " (not retried)"
	}
	return a
}

// Policy is the retry schedule: exponential backoff with full jitter from
// Base up to Cap per wait, for at most MaxAge after the event was first
// queued (72 hours in production; seconds in tests).
type Policy struct {
	Base, Cap, MaxAge time.Duration
}

// DefaultPolicy: 30 s doubling to 6 h, for 72 h.
var DefaultPolicy = Policy{Base: 30 * time.Second, Cap: 6 * time.Hour, MaxAge: 72 * time.Hour}

// Wait returns how long to wait before attempt number n+1 (n ≥ 1).
func (p Policy) Wait(n int) time.Duration {
	limit := p.Cap
	if n < 40 {
		limit = min(p.Cap, p.Base<<min(n-1, 30))
	}
	return max(time.Second, rand.N(limit+1))
}

// Exhausted reports whether an event first queued at firstQueued has run
// out of attempts at now.
func (p Policy) Exhausted(firstQueued, now time.Time) bool { return now.Sub(firstQueued) >= p.MaxAge }

func (a Attempt) String() string {
	return fmt.Sprintf("%s: %d in %s (%s)", a.Target, a.Status, a.Latency.Round(time.Millisecond), a.Error)
}
