package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
)

// RunKeyUses checks a store of keys' last uses: marked once, never moved
// back by a mark with an older cut-off, absent for a key never used.
func RunKeyUses(t *testing.T, uses auth.KeyUses) {
	t.Helper()
	ctx := context.Background()
	t0 := time.Date(2026, 3, 10, 12, 0, 0, 123456000, time.UTC)
	a, b, never := Unique("key"), Unique("key"), Unique("key")
	used := t0.Add(30 * time.Second)
	for _, m := range []struct {
		id        string
		at, since time.Time
	}{{a, used, t0}, {a, t0.Add(20 * time.Second), t0.Add(10 * time.Second)}, {b, t0, t0.Add(-time.Hour)}, {b, used, used.Add(-time.Second)}} {
		if err := uses.MarkKeyUsed(ctx, m.id, m.at, m.since); err != nil {
			t.Fatalf("MarkKeyUsed(%s, %v): %v", m.id, m.at, err)
		}
	}
	got, err := uses.LastUses(ctx, []string{a, b, never})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[a].Equal(used) || !got[b].Equal(used) {
		t.Fatalf("LastUses = %v; want %s and %s at %v and %s absent", got, a, b, used, never)
	}
}
