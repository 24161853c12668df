// Package ratelimit bounds how many requests a partner makes per minute,
// across every concurrent function instance. It has no AWS imports.
package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/fault"
)

// Counter counts requests in fixed one-minute windows shared by every
// instance (a conditional counter in DynamoDB).
type Counter interface {
	// Take counts one request of key in the window starting at window,
	// unless limit requests were counted already: then allowed is false.
	Take(ctx context.Context, key string, window time.Time, limit int) (allowed bool, err error)
}

// Limits holds per-partner overrides of the default.
type Limits interface {
	// PartnerLimit is the partner's requests per minute; 0: the default.
	PartnerLimit(ctx context.Context, partnerID string) (int, error)
}

// Exceeded is the error of a request over the limit.
type Exceeded struct {
	Limit      int
	RetryAfter time.Duration
}

func (e *Exceeded) Fault() *fault.Error {
	f := fault.New(fault.RateLimited, "rate-limited", "Too many requests", e.Error())
	f.RetryAfter = e.RetryAfter
	return f
}

func (e *Exceeded) Error() string {
	return fmt.Sprintf("more than %d requests per minute: retry after %s", e.Limit, e.RetryAfter)
}

// Limiter allows a partner Default requests per minute, or its own limit.
// A negative limit (default or partner's) means no limit.
type Limiter struct {
	Counter Counter
	Limits  Limits
	Default int
	Now     func() time.Time
	// TTL is how long a warm instance trusts a partner's limit it read.
	TTL time.Duration

	mu     sync.Mutex
	cached map[string]cachedLimit
}

type cachedLimit struct {
	n  int
	at time.Time
}

// Allow counts one request of the partner, or returns *Exceeded.
func (l *Limiter) Allow(ctx context.Context, partnerID string) error {
	limit, err := l.limit(ctx, partnerID)
	if err != nil {
		return err
	}
	if limit < 0 {
		return nil
	}
	now := l.Now()
	window := now.Truncate(time.Minute)
	ok, err := l.Counter.Take(ctx, partnerID, window, limit)
	if err != nil {
		return fmt.Errorf("count request: %w", err)
	}
	if !ok {
		wait := window.Add(time.Minute).Sub(now)
		return &Exceeded{Limit: limit, RetryAfter: max(wait.Round(time.Second), time.Second)}
	}
	return nil
}

func (l *Limiter) limit(ctx context.Context, partnerID string) (int, error) {
	l.mu.Lock()
	c, ok := l.cached[partnerID]
	l.mu.Unlock()
	if !ok || l.Now().Sub(c.at) >= l.TTL {
		n, err := l.Limits.PartnerLimit(ctx, partnerID)
		if err != nil {
			return 0, fmt.Errorf("read rate limit of %s: %w", partnerID, err)
		}
		c = cachedLimit{n, l.Now()}
		l.mu.Lock()
		if l.cached == nil {
			l.cached = map[string]cachedLimit{}
		}
		l.cached[partnerID] = c
		l.mu.Unlock()
	}
	if c.n == 0 {
		return l.Default, nil
	}
	return c.n, nil
}

// Once allows one action per key in each period, across every instance:
// the second webhook replay a partner asks for within a minute waits.
type Once struct {
	Counter Counter
	Every   time.Duration
	Now     func() time.Time
}

// Allow counts the action of key, or returns a rate-limited fault naming
// what is already under way and when to try again.
func (o Once) Allow(ctx context.Context, key, what string) error {
	now := o.Now()
	window := now.Truncate(o.Every)
	ok, err := o.Counter.Take(ctx, key, window, 1)
	if err != nil {
		return fmt.Errorf("count %s: %w", what, err)
	}
	if ok {
		return nil
	}
	wait := max(window.Add(o.Every).Sub(now).Round(time.Second), time.Second)
	f := fault.New(fault.RateLimited, what+"-in-progress", "One "+what+" at a time",
		fmt.Sprintf("one %s every %s; retry after %s", what, o.Every, wait))
	f.RetryAfter = wait
	return f
}
