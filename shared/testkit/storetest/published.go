package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// PublishStore is a lead store with its publish log.
type PublishStore interface {
	intake.Store
	lead.PublishLog
}

// RunPublishLog checks the published marks: lagging leads are found by
// update time, their events come back as written, and a mark never jumps
// a gap.
func RunPublishLog(t *testing.T, st PublishStore) {
	ctx := context.Background()
	partner := Unique("p")
	c := creation(partner, Unique("e")+"@x.com", t0)
	if err := st.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	id := c.Lead.ID
	lagging := func(since, until time.Time) []lead.Lag {
		t.Helper()
		var out []lead.Lag
		if err := st.Lagging(ctx, partner, since, until, func(l lead.Lag) error { out = append(out, l); return nil }); err != nil {
			t.Fatalf("Lagging: %v", err)
		}
		return out
	}
	got := lagging(t0.Add(-time.Hour), t0.Add(time.Hour))
	if len(got) != 1 || got[0] != (lead.Lag{LeadID: id, PartnerID: partner, Version: 1}) {
		t.Fatalf("Lagging of a lead nothing was published for: got %+v, want %s at version 1, published 0", got, id)
	}
	if got := lagging(t0.Add(time.Minute), t0.Add(time.Hour)); len(got) != 0 {
		t.Fatalf("Lagging after the lead's update: got %+v, want none", got)
	}
	evs, err := st.Unpublished(ctx, got[0])
	want, _ := lead.EventFor(c.Lead, c.Entry)
	if err != nil || len(evs) != 1 || evs[0].ID != want.ID || evs[0].Type != lead.EventLeadCreated || !evs[0].OccurredAt.Equal(want.OccurredAt) {
		t.Fatalf("Unpublished: got %+v, %v; want the created event %s as written", evs, err, want.ID)
	}
	if evs, err := st.Unpublished(ctx, lead.Lag{LeadID: id, PartnerID: partner, Version: 3}); err != nil || len(evs) != 1 {
		t.Fatalf("Unpublished past the history: got %d events, %v; want the 1 there is", len(evs), err)
	}
	if _, err := st.Unpublished(ctx, lead.Lag{LeadID: id, PartnerID: partner, Published: 1, Version: 2}); err == nil {
		t.Fatal("Unpublished of a version with no event kept: got nil error")
	}
	if err := st.MarkPublished(ctx, id, 2, 3); err != nil {
		t.Fatal(err)
	}
	if got := lagging(t0.Add(-time.Hour), t0.Add(time.Hour)); len(got) != 1 || got[0].Published != 0 {
		t.Fatalf("a mark across a gap (2..3 with nothing at 1) moved: got %+v, want published 0", got)
	}
	if err := st.MarkPublished(ctx, id, 1, 1); err != nil {
		t.Fatal(err)
	}
	if got := lagging(t0.Add(-time.Hour), t0.Add(time.Hour)); len(got) != 0 {
		t.Fatalf("after marking version 1 published: got %+v, want nothing lagging", got)
	}
	if err := st.MarkPublished(ctx, id, 1, 1); err != nil { // a repeated mark changes nothing
		t.Fatalf("repeated mark: %v", err)
	}
}
