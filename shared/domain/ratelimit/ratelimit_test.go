package ratelimit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/fault"
	"github.com/partnerleads/pipeline/shared/domain/ratelimit"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

type limits map[string]int

func (l limits) PartnerLimit(_ context.Context, id string) (int, error) { return l[id], nil }

func TestLimiter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 13, 0, 40, 0, time.UTC)
	l := &ratelimit.Limiter{Counter: memstore.NewRateCounter(), Limits: limits{"vip": 5, "free": -1}, Default: 3,
		Now: func() time.Time { return now }, TTL: time.Minute}
	cases := []struct {
		partner string
		allowed int
	}{
		{"p1", 3},    // the default
		{"vip", 5},   // its own limit
		{"free", 50}, // no limit
	}
	for _, c := range cases {
		got := 0
		var last error
		for range 50 {
			if last = l.Allow(ctx, c.partner); last == nil {
				got++
			}
		}
		if c.allowed < 50 {
			var ex *ratelimit.Exceeded
			if !errors.As(last, &ex) || ex.RetryAfter != 20*time.Second {
				t.Errorf("%s: the refusal %v, want Retry-After 20s (the window's end)", c.partner, last)
			}
		}
		if got != c.allowed {
			t.Errorf("%s: %d allowed in a minute, want %d", c.partner, got, c.allowed)
		}
	}
	now = now.Add(30 * time.Second) // the next window
	if err := l.Allow(ctx, "p1"); err != nil {
		t.Fatalf("a new minute is still refused: %v", err)
	}
}

func TestOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 13, 0, 45, 0, time.UTC)
	o := ratelimit.Once{Counter: memstore.NewRateCounter(), Every: time.Minute, Now: func() time.Time { return now }}
	if err := o.Allow(ctx, "replay:p1", "replay"); err != nil {
		t.Fatalf("the first replay: %v", err)
	}
	err := o.Allow(ctx, "replay:p1", "replay")
	var f *fault.Error
	if !errors.As(err, &f) || f.Kind != fault.RateLimited || f.RetryAfter != 15*time.Second || f.Slug != "replay-in-progress" {
		t.Fatalf("a second replay in the minute: %#v, want rate-limited replay-in-progress after 15s", err)
	}
	if err := o.Allow(ctx, "replay:p2", "replay"); err != nil {
		t.Fatalf("another partner's replay waits for p1's: %v", err)
	}
	now = now.Add(15 * time.Second)
	if err := o.Allow(ctx, "replay:p1", "replay"); err != nil {
		t.Fatalf("the next minute is still refused: %v", err)
	}
}
