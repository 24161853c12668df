package auth

import (
	"context"
	"sync"
	"time"
)

// UseMarker writes a key's use at most once per KeyUseGranularity from
// each instance; the store's condition keeps instances from writing the
// same hour twice.
type UseMarker struct {
	Store KeyUses
	Now   func() time.Time

	mu     sync.Mutex
	marked map[string]time.Time
}

func (m *UseMarker) mark(ctx context.Context, id string) {
	if m == nil {
		return
	}
	now := m.Now().UTC()
	since := now.Add(-KeyUseGranularity)
	m.mu.Lock()
	last, ok := m.marked[id]
	m.mu.Unlock()
	if ok && !last.Before(since) {
		return
	}
	// A record for admins: failing to write it must not refuse the caller,
	// nor slow every request while the store is failing; the next period
	// tries again.
	_ = m.Store.MarkKeyUsed(ctx, id, now, since)
	m.mu.Lock()
	if m.marked == nil {
		m.marked = map[string]time.Time{}
	}
	m.marked[id] = now
	m.mu.Unlock()
}

// WithLastUse fills each key's LastUsedAt from uses.
func WithLastUse(ctx context.Context, uses KeyUses, keys []Key) ([]Key, error) {
	if uses == nil || len(keys) == 0 {
		return keys, nil
	}
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	last, err := uses.LastUses(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range keys {
		if at, ok := last[keys[i].ID]; ok {
			keys[i].LastUsedAt = &at
		}
	}
	return keys, nil
}
