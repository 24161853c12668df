package notify

import (
	"context"
	"sync"
	"time"
)

// cachedChannels keeps the global channel list for ttl, so a batch of
// events reads it once instead of once per event.
type cachedChannels struct {
	Config
	ttl time.Duration
	now func() time.Time

	mu    sync.Mutex
	at    time.Time
	chans []Channel
}

// CacheChannels wraps c so that Channels is read at most once per ttl.
func CacheChannels(c Config, ttl time.Duration, now func() time.Time) Config {
	return &cachedChannels{Config: c, ttl: ttl, now: now}
}

func (c *cachedChannels) Channels(ctx context.Context) ([]Channel, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() && c.now().Sub(c.at) < c.ttl {
		return c.chans, nil
	}
	chans, err := c.Config.Channels(ctx)
	if err != nil {
		return nil, err
	}
	c.chans, c.at = chans, c.now()
	return chans, nil
}
