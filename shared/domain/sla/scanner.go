package sla

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Scanner takes every due ladder step: it reads only the due index, and
// acts on a lead only if it is still the version the step was computed for,
// so overlapping or repeated runs take each step once.
type Scanner struct {
	Index   Index
	Leads   Leads
	Routing Routing
	Now     func() time.Time
	Log     *slog.Logger
	// Limit bounds the steps one run takes; the rest wait for the next run.
	Limit int
}

// Report counts what one run did.
type Report struct {
	Due       int `json:"due"`
	Reminded  int `json:"reminded"`
	Escalated int `json:"escalated"`
	Recalled  int `json:"recalled"`
	// Rerouted leads had no owner and have one now; Unowned still have
	// none after routing again (the alarm counts them).
	Rerouted int `json:"rerouted"`
	Unowned  int `json:"unowned"`
	// Skipped steps were overtaken: the lead changed since the step was due.
	Skipped int `json:"skipped"`
	Failed  int `json:"failed"`
}

// Run takes the steps due now. A step that fails stays due and is retried by
// the next run; only a failure to read the index fails the run.
func (s Scanner) Run(ctx context.Context) (Report, error) {
	now := s.Now().UTC().Truncate(time.Microsecond)
	due, err := s.Index.Due(ctx, now, s.Limit)
	if err != nil {
		return Report{}, fmt.Errorf("read due index: %w", err)
	}
	r := Report{Due: len(due)}
	for _, p := range due {
		took, err := s.take(ctx, p)
		switch {
		case errors.Is(err, lead.ErrVersionConflict), errors.Is(err, lead.ErrNotFound):
			r.Skipped++
		case err != nil:
			r.Failed++
			s.Log.ErrorContext(ctx, "sla step failed", "leadId", p.LeadID, "step", p.Step, "action", p.Action, "error", err.Error())
		case took == Remind:
			r.Reminded++
		case took == Escalate:
			r.Escalated++
		case took == Recall:
			r.Recalled++
		case took == rerouted:
			r.Rerouted++
		}
		if p.Program == UnownedProgram && err == nil && took != rerouted {
			r.Unowned++
		}
	}
	s.Log.InfoContext(ctx, "sla scan", "due", r.Due, "reminded", r.Reminded, "escalated", r.Escalated,
		"recalled", r.Recalled, "rerouted", r.Rerouted, "unowned", r.Unowned, "skipped", r.Skipped, "failed", r.Failed)
	return r, nil
}

// rerouted is what take did when routing again gave a lead its owner.
const rerouted = "rerouted"

func (s Scanner) take(ctx context.Context, p Pending) (string, error) {
	l, err := s.Leads.Get(ctx, p.LeadID)
	if err != nil {
		return "", err
	}
	if l.Version != p.Version {
		return "", lead.ErrVersionConflict
	}
	if p.Action == Recall {
		_, _, err := s.Routing.Recall(ctx, l.ID, l.Version, p.SLAStep())
		return Recall, err
	}
	if p.Program == UnownedProgram {
		_, routed, err := s.Routing.Route(ctx, l.ID)
		switch {
		case err == nil && routed:
			return rerouted, nil
		case err == nil: // routed meanwhile
			return "", lead.ErrVersionConflict
		}
		// Still nobody's: the mark records the attempt in history and moves
		// the ladder on (the escalation step tells managers).
		s.Log.WarnContext(ctx, "lead still has no owner", "leadId", l.ID, "step", p.Step, "error", err.Error())
	}
	// Stamped now, not at the start of the run: a change commits within
	// lead.CommitBudget of its stamp, and a long run would break that.
	next, e := lead.MarkStale(l, p.SLAStep(), s.Now().UTC().Truncate(time.Microsecond))
	return p.Action, s.Leads.MarkStale(ctx, l, next, e)
}

// Tracker keeps the due index in step with lead versions: it runs on the
// leads stream.
type Tracker struct {
	Policies *Resolver
	Index    Index
	// UnownedAfter is how long a new lead waits for an owner before it is
	// routed again (default DefaultUnownedAfter).
	UnownedAfter time.Duration
}

// Track records the next step of lead version l (whose change is change),
// or takes the lead out of the index when it waits for none.
func (t Tracker) Track(ctx context.Context, l lead.Lead, change lead.Entry) error {
	if l.Status == lead.StatusNew && l.OwnerID == "" {
		after := cmp.Or(t.UnownedAfter, DefaultUnownedAfter)
		if next, ok := NextUnowned(l, change, after); ok {
			return t.Index.Put(ctx, next)
		}
		return t.Index.Clear(ctx, l.ID, l.Version)
	}
	p, err := t.Policies.For(ctx, l.PartnerID)
	if err != nil {
		return err
	}
	if next, ok := Next(p, l, change); ok {
		return t.Index.Put(ctx, next)
	}
	return t.Index.Clear(ctx, l.ID, l.Version)
}
