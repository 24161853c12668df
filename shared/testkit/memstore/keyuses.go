package memstore

import (
	"context"
	"sync"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
)

var _ auth.KeyUses = (*KeyUses)(nil)

// KeyUses is an in-memory auth.KeyUses.
type KeyUses struct {
	mu   sync.Mutex
	last map[string]time.Time
}

func (u *KeyUses) MarkKeyUsed(_ context.Context, id string, at, since time.Time) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.last == nil {
		u.last = map[string]time.Time{}
	}
	if last, ok := u.last[id]; !ok || last.Before(since) {
		u.last[id] = at
	}
	return nil
}

func (u *KeyUses) LastUses(_ context.Context, ids []string) (map[string]time.Time, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := map[string]time.Time{}
	for _, id := range ids {
		if at, ok := u.last[id]; ok {
			out[id] = at
		}
	}
	return out, nil
}
