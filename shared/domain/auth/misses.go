package auth

import (
	"sync"
	"time"
)

// MissCache remembers, for a while, key ids that do not exist: a flood of
// made-up keys then costs one key-store read per id and warm instance, not
// one per request. Only misses are kept, never keys, so a revocation still
// applies to the very next request. It holds at most max ids.
type MissCache struct {
	ttl  time.Duration
	max  int
	now  func() time.Time
	mu   sync.Mutex
	seen map[string]time.Time
}

func NewMissCache(ttl time.Duration, max int, now func() time.Time) *MissCache {
	return &MissCache{ttl: ttl, max: max, now: now, seen: map[string]time.Time{}}
}

// missed reports whether id was looked up and not found within the TTL.
func (c *MissCache) missed(id string) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	at, ok := c.seen[id]
	return ok && c.now().Sub(at) < c.ttl
}

func (c *MissCache) remember(id string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seen) >= c.max {
		now := c.now()
		for k, at := range c.seen { // drop what has expired; if nothing has, start over
			if now.Sub(at) >= c.ttl {
				delete(c.seen, k)
			}
		}
		if len(c.seen) >= c.max {
			clear(c.seen)
		}
	}
	c.seen[id] = c.now()
}
