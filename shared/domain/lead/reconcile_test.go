package lead

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// fakeLog is leads with versions, their events and published marks, with
// MarkPublished's no-gap rule.
type fakeLog struct {
	version   map[string]int64
	partner   map[string]string
	published map[string]int64
	updated   map[string]time.Time
	broken    string // Unpublished fails for this lead
}

func (f *fakeLog) MarkPublished(_ context.Context, id string, from, to int64) error {
	if f.published[id] >= from-1 && f.published[id] < to {
		f.published[id] = to
	}
	return nil
}

func (f *fakeLog) Lagging(_ context.Context, p string, since, until time.Time, each func(Lag) error) error {
	ids := make([]string, 0, len(f.version))
	for id := range f.version {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		u := f.updated[id]
		if f.partner[id] == p && !u.Before(since) && u.Before(until) && f.version[id] > f.published[id] {
			if err := each(Lag{LeadID: id, PartnerID: p, Version: f.version[id], Published: f.published[id]}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f *fakeLog) Unpublished(_ context.Context, l Lag) ([]Event, error) {
	if l.LeadID == f.broken {
		return nil, errors.New("feed item missing")
	}
	var evs []Event
	for s := l.Published + 1; s <= l.Version; s++ {
		evs = append(evs, Event{ID: EventID(l.LeadID, s), LeadID: l.LeadID, Sequence: s})
	}
	return evs, nil
}

type fakeBus struct {
	got    []string
	failAt int // the n-th event (from 1) is refused; 0: none
}

func (b *fakeBus) Publish(_ context.Context, evs []Event) (int, error) {
	for i, e := range evs {
		if b.failAt > 0 && len(b.got)+1 == b.failAt {
			return i, fmt.Errorf("bus refused %s", e.ID)
		}
		b.got = append(b.got, e.ID)
	}
	return len(evs), nil
}

func TestReconcilerRepublishesOnlyWhatIsMissing(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 22, 0, 0, 0, time.UTC)
	newLog := func() *fakeLog {
		return &fakeLog{
			version:   map[string]int64{"A": 3, "B": 2, "C": 4, "D": 2, "E": 5},
			partner:   map[string]string{"A": "p1", "B": "p1", "C": "p2", "D": "p2", "E": "p1"},
			published: map[string]int64{"A": 1, "B": 2, "C": 0, "D": 0, "E": 0},
			updated: map[string]time.Time{
				"A": now.Add(-time.Hour), "B": now.Add(-time.Hour), "C": now.Add(-20 * time.Minute),
				"D": now.Add(-time.Minute),    // inside the grace: the stream's to publish
				"E": now.Add(-72 * time.Hour), // before the lookback
			},
		}
	}
	cases := []struct {
		name      string
		broken    string
		failAt    int
		want      []string
		wantMarks map[string]int64
		wantSum   Reconciled
		wantErr   bool
	}{
		{"every gap, in order per lead", "", 0, []string{"A.2", "A.3", "C.1", "C.2", "C.3", "C.4"},
			map[string]int64{"A": 3, "B": 2, "C": 4, "D": 0, "E": 0}, Reconciled{Lagging: 2, Republished: 6}, false},
		{"a lead that cannot be read does not stop the others", "A", 0, []string{"C.1", "C.2", "C.3", "C.4"},
			map[string]int64{"A": 1, "C": 4}, Reconciled{Lagging: 2, Republished: 4, Failed: 1}, true},
		{"a refused event: the mark stops before it, the next run resumes there", "", 4, []string{"A.2", "A.3", "C.1"},
			map[string]int64{"A": 3, "C": 1}, Reconciled{Lagging: 2, Republished: 3, Failed: 1}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			log, bus := newLog(), &fakeBus{failAt: c.failAt}
			log.broken = c.broken
			r := Reconciler{Log: log, Bus: bus, Now: func() time.Time { return now }, Grace: 10 * time.Minute, Lookback: 48 * time.Hour,
				Partners: func(context.Context) ([]string, error) { return []string{"p1", "p2"}, nil }}
			sum, err := r.Run(context.Background())
			if (err != nil) != c.wantErr || sum != c.wantSum || !slices.Equal(bus.got, c.want) {
				t.Fatalf("Run: got %+v, %v, published %v; want %+v (error %v), %v", sum, err, bus.got, c.wantSum, c.wantErr, c.want)
			}
			for id, want := range c.wantMarks {
				if log.published[id] != want {
					t.Errorf("mark of %s: got %d, want %d", id, log.published[id], want)
				}
			}
			// A second run after a clean one finds nothing to do.
			if !c.wantErr {
				again, err := r.Run(context.Background())
				if err != nil || again.Republished != 0 {
					t.Fatalf("second run: got %+v, %v; want nothing republished", again, err)
				}
			}
		})
	}
}

func TestPublishedRanges(t *testing.T) {
	t.Parallel()
	evs := []Event{{LeadID: "A", Sequence: 2}, {LeadID: "B", Sequence: 1}, {LeadID: "A", Sequence: 3}, {LeadID: "A", Sequence: 4}}
	got := PublishedRanges(evs)
	if len(got) != 2 || got["A"] != [2]int64{2, 4} || got["B"] != [2]int64{1, 1} {
		t.Fatalf("PublishedRanges: got %v, want A 2..4 and B 1..1", got)
	}
}
