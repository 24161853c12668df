package lifecycle

import (
	"encoding/base64"
	"fmt"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// FeedKey orders a partner's events: by occurrence, then lead, then the
// lead's sequence. Stores sort by it; cursors carry it.
func FeedKey(ev lead.Event) string {
	return ev.OccurredAt.UTC().Format("2006-01-02T15:04:05.000000Z") + "#" + ev.LeadID + fmt.Sprintf("#%010d", ev.Sequence)
}

// EncodeCursor makes an opaque feed cursor from a feed key.
func EncodeCursor(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

// DecodeCursor reads a feed cursor; "" starts from the beginning.
func DecodeCursor(c string) (string, error) {
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 || len(b) > 200 {
		return "", lead.ErrInvalidCursor
	}
	return string(b), nil
}

// Settled cuts a page at the first event stamped after until (now −
// lead.SettleWindow), so a reader never passes a change that may still
// commit behind it. The cut events are not there yet: Next continues from
// the last event kept, or is "" when none is (the reader asks again later
// from its cursor, as at the end of the feed).
func Settled(page FeedPage, until time.Time) FeedPage {
	for i, ev := range page.Events {
		if ev.OccurredAt.After(until) {
			page.Events, page.Next = page.Events[:i], ""
			if i > 0 {
				page.Next = EncodeCursor(FeedKey(page.Events[i-1]))
			}
			return page
		}
	}
	return page
}

// Resume sets page.Cursor: after its last event, or after (where the page
// began) when it has none, so a reader at the end of the feed keeps its
// place without re-reading what it has.
func Resume(page FeedPage, after string) FeedPage {
	page.Cursor = after
	if n := len(page.Events); n > 0 {
		page.Cursor = EncodeCursor(FeedKey(page.Events[n-1]))
	}
	return page
}
