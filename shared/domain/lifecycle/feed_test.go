package lifecycle

import (
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

func TestSettledCutsAtTheWindow(t *testing.T) {
	t.Parallel()
	until := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	ev := func(id string, offset time.Duration) lead.Event {
		return lead.Event{ID: id, LeadID: id, Sequence: 1, OccurredAt: until.Add(offset)}
	}
	old1, old2, fresh := ev("A", -2*time.Second), ev("B", 0), ev("C", time.Millisecond)
	cases := []struct {
		name     string
		in       FeedPage
		wantIDs  []string
		wantNext string
	}{
		{"all settled: the page as read", FeedPage{Events: []lead.Event{old1, old2}, Next: "more"}, []string{"A", "B"}, "more"},
		{"cut: go on after the last settled event", FeedPage{Events: []lead.Event{old1, old2, fresh}, Next: "more"}, []string{"A", "B"}, EncodeCursor(FeedKey(old2))},
		{"nothing settled: nothing yet, and no next", FeedPage{Events: []lead.Event{fresh}, Next: "more"}, nil, ""},
		{"an empty page stays empty", FeedPage{}, nil, ""},
	}
	for _, c := range cases {
		got := Settled(c.in, until)
		var ids []string
		for _, e := range got.Events {
			ids = append(ids, e.ID)
		}
		if len(ids) != len(c.wantIDs) || (len(ids) > 0 && ids[len(ids)-1] != c.wantIDs[len(c.wantIDs)-1]) || got.Next != c.wantNext {
			t.Errorf("%s: events %v next %q, want %v next %q", c.name, ids, got.Next, c.wantIDs, c.wantNext)
		}
	}
}

func TestResumeKeepsTheReadersPlace(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	a, b := lead.Event{LeadID: "A", Sequence: 1, OccurredAt: at}, lead.Event{LeadID: "B", Sequence: 2, OccurredAt: at.Add(time.Second)}
	before := EncodeCursor(FeedKey(a))
	cases := []struct {
		name, after, want string
		page              FeedPage
	}{
		{"the end of the feed: after the last event read", "", EncodeCursor(FeedKey(b)), FeedPage{Events: []lead.Event{a, b}}},
		{"more to read: the cursor is where next points", "", EncodeCursor(FeedKey(b)), FeedPage{Events: []lead.Event{a, b}, Next: EncodeCursor(FeedKey(b))}},
		{"nothing new: where the page began", before, before, FeedPage{}},
		{"an empty feed from the start: no cursor yet", "", "", FeedPage{}},
	}
	for _, c := range cases {
		if got := Resume(c.page, c.after).Cursor; got != c.want {
			t.Errorf("%s: cursor %q, want %q", c.name, got, c.want)
		}
	}
}
