package lead

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Lag is a lead whose newest versions may not have reached the bus: its
// version is above the last sequence the publisher recorded as published.
type Lag struct {
	LeadID    string
	PartnerID string
	Version   int64
	Published int64 // 0: nothing recorded
}

// PublishLog records what reached the bus, per lead, and finds the gaps.
// The stream's on-failure destination gets batch metadata, not records,
// and stream records expire after 24 h: this log is how a lost event is
// found and sent again, from the events kept with each change.
type PublishLog interface {
	// MarkPublished records that the lead's events from..to (inclusive)
	// went out. It moves the mark only when it already stands at from-1
	// (or is absent and from is 1), so a gap is never papered over.
	MarkPublished(ctx context.Context, leadID string, from, to int64) error
	// Lagging walks the partner's leads last updated in [since, until)
	// whose version is above their published mark.
	Lagging(ctx context.Context, partnerID string, since, until time.Time, each func(Lag) error) error
	// Unpublished returns the lead's events after lag.Published up to
	// lag.Version, in order: the very events written with each change.
	Unpublished(ctx context.Context, lag Lag) ([]Event, error)
}

// Publisher sends events in order and says how many leading ones went out.
type Publisher interface {
	Publish(ctx context.Context, evs []Event) (int, error)
}

// Reconciler republishes what the stream lost. Event ids are the lead's id
// and sequence, so a republished event that did arrive after all is the
// same event, and every consumer drops the copy.
type Reconciler struct {
	Log      PublishLog
	Bus      Publisher
	Partners func(ctx context.Context) ([]string, error)
	Now      func() time.Time
	// Grace is how long a change may take to be published normally: newer
	// leads are left to the stream. Lookback bounds how far back a run looks.
	Grace, Lookback time.Duration
}

// Reconciled is what one run did.
type Reconciled struct {
	Lagging     int `json:"lagging"`
	Republished int `json:"republished"`
	Failed      int `json:"failed"`
}

// Run checks every partner's recently updated leads. One lead's failure
// does not stop the others; the run reports it and fails at the end.
func (r Reconciler) Run(ctx context.Context) (Reconciled, error) {
	partners, err := r.Partners(ctx)
	if err != nil {
		return Reconciled{}, fmt.Errorf("list partners: %w", err)
	}
	now := r.Now()
	since, until := now.Add(-r.Lookback), now.Add(-r.Grace)
	var out Reconciled
	var errs []error
	for _, p := range partners {
		err := r.Log.Lagging(ctx, p, since, until, func(l Lag) error {
			out.Lagging++
			n, err := r.one(ctx, l)
			out.Republished += n
			if err != nil {
				out.Failed++
				errs = append(errs, err)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("partner %s: %w", p, err))
		}
	}
	return out, errors.Join(errs...)
}

func (r Reconciler) one(ctx context.Context, l Lag) (int, error) {
	evs, err := r.Log.Unpublished(ctx, l)
	if err != nil {
		return 0, fmt.Errorf("lead %s: %w", l.LeadID, err)
	}
	if len(evs) == 0 {
		return 0, nil
	}
	n, err := r.Bus.Publish(ctx, evs)
	if n > 0 {
		if merr := r.Log.MarkPublished(ctx, l.LeadID, l.Published+1, evs[n-1].Sequence); merr != nil && err == nil {
			err = merr
		}
	}
	if err != nil {
		return n, fmt.Errorf("lead %s: %w", l.LeadID, err)
	}
	return n, nil
}

// PublishedRanges are the leads and sequence ranges in a run of published
// events (in stream order), for MarkPublished.
func PublishedRanges(evs []Event) map[string][2]int64 {
	out := map[string][2]int64{}
	for _, e := range evs {
		r, ok := out[e.LeadID]
		if !ok {
			r[0] = e.Sequence
		}
		r[1] = e.Sequence
		out[e.LeadID] = r
	}
	return out
}
