package memstore

import (
	"context"
	"sync"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/ratelimit"
)

var _ ratelimit.Counter = (*RateCounter)(nil)

// RateCounter counts requests per key and window in memory.
type RateCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func NewRateCounter() *RateCounter { return &RateCounter{n: map[string]int{}} }

func (c *RateCounter) Take(_ context.Context, key string, window time.Time, limit int) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := key + "@" + window.UTC().Format(time.RFC3339)
	if c.n[k] >= limit {
		return false, nil
	}
	c.n[k]++
	return true, nil
}

func (s *Store) SetRateLimit(_ context.Context, partnerID string, perMinute int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.partners[partnerID]
	if !ok {
		return admin.ErrPartnerNotFound
	}
	p.RateLimitPerMinute = perMinute
	s.partners[partnerID] = p
	return nil
}

func (s *Store) PartnerLimit(_ context.Context, partnerID string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.partners[partnerID].RateLimitPerMinute, nil
}
