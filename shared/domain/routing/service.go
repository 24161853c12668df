package routing

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/fault"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Router actors in history entries.
var routerActor = lead.Actor{ID: "router", Role: "system"}

// Service routes leads and lets managers reassign them.
type Service struct {
	store  Store
	config Config
	now    func() time.Time
	ttl    time.Duration

	mu       sync.Mutex
	engine   *Engine
	loadedAt time.Time
}

// NewService builds the router. The configuration is re-read at most every
// ttl, so a rule change reaches warm functions within ttl.
func NewService(store Store, config Config, now func() time.Time, ttl time.Duration) *Service {
	return &Service{store: store, config: config, now: now, ttl: ttl}
}

// ErrNoRuleSet: no routing configuration has been saved yet.
var ErrNoRuleSet = fault.New(fault.Conflict, "no-rule-set", "No routing rules", "no routing rule set is configured: save one with PUT /v1/admin/routing/rules first")

// Engine returns the compiled current configuration.
func (s *Service) Engine(ctx context.Context) (*Engine, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.engine != nil && s.now().Sub(s.loadedAt) < s.ttl {
		return s.engine, nil
	}
	e, err := LoadEngine(ctx, s.config)
	if err != nil {
		return nil, err
	}
	s.engine, s.loadedAt = e, s.now()
	return e, nil
}

// LoadEngine reads and compiles the current configuration.
func LoadEngine(ctx context.Context, c Config) (*Engine, error) {
	rs, err := c.RuleSet(ctx)
	if err != nil {
		return nil, fmt.Errorf("read rule set: %w", err)
	}
	if rs.Version == 0 {
		return nil, ErrNoRuleSet
	}
	list, err := c.Reps(ctx)
	if err != nil {
		return nil, fmt.Errorf("read reps: %w", err)
	}
	defs, err := c.Calendars(ctx)
	if err != nil {
		return nil, fmt.Errorf("read calendars: %w", err)
	}
	teams, err := c.Teams(ctx)
	if err != nil {
		return nil, fmt.Errorf("read teams: %w", err)
	}
	if rs, err = expandPools(rs, teamsByID(teams)); err != nil {
		return nil, err
	}
	cals := Calendars(defs)
	reps := make(map[string]Rep, len(list))
	for _, r := range list {
		if err := r.Prepare(cals); err != nil {
			return nil, fmt.Errorf("rep %s: %w", r.ID, err)
		}
		reps[r.ID] = r
	}
	e, err := NewEngine(rs, reps, cals)
	if err != nil {
		return nil, fmt.Errorf("compile rule set v%d: %w", rs.Version, err)
	}
	return e, nil
}

// maxRouteAttempts bounds retries when concurrent routers contend for the
// same pointer or rep. Retries back off exponentially with full jitter
// (capped at 100 ms), so no router starves behind the others.
const maxRouteAttempts = 40

func backoff(ctx context.Context, attempt int) {
	limit := min(time.Millisecond<<min(attempt, 7), 100*time.Millisecond)
	select {
	case <-time.After(rand.N(limit + 1)):
	case <-ctx.Done():
	}
}

// Route gives a new lead its owner. It is idempotent: a lead that already
// has an owner is left alone and routed reports false.
func (s *Service) Route(ctx context.Context, leadID string) (d Decision, routed bool, err error) {
	for attempt := range maxRouteAttempts {
		if attempt > 0 {
			backoff(ctx, attempt)
		}
		l, err := s.store.Get(ctx, leadID)
		if err != nil {
			return Decision{}, false, fmt.Errorf("route lead %s: %w", leadID, err)
		}
		if l.OwnerID != "" || l.Status != lead.StatusNew {
			return Decision{}, false, nil
		}
		e, err := s.Engine(ctx)
		if err != nil {
			return Decision{}, false, err
		}
		d, a, err := s.plan(ctx, e, l, false)
		if err != nil {
			return Decision{}, false, err
		}
		err = s.store.Assign(ctx, a)
		var full *CapacityError
		switch {
		case err == nil:
			return d, true, nil
		case errors.Is(err, ErrLeadChanged), errors.Is(err, ErrPointerMoved), errors.As(err, &full):
			continue // somebody else moved first: read again and decide again
		default:
			return Decision{}, false, fmt.Errorf("assign lead %s: %w", leadID, err)
		}
	}
	return Decision{}, false, fmt.Errorf("route lead %s: still contended after %d attempts", leadID, maxRouteAttempts)
}

// plan reads the loads and pointer the decision needs and decides.
func (s *Service) plan(ctx context.Context, e *Engine, l lead.Lead, excludeOwner bool) (Decision, Assignment, error) {
	f := e.Scored(FactsOf(l))
	if excludeOwner {
		f.Exclude = l.OwnerID
	}
	ids := slices.Clone(e.onCall)
	pointers := map[string]int64{}
	if r := e.match(f); r != nil {
		ids = append(ids, r.Pool...)
		if r.strategy.UsesPointer() {
			p, err := s.store.Pointer(ctx, r.ID)
			if err != nil {
				return Decision{}, Assignment{}, fmt.Errorf("read pointer %s: %w", r.ID, err)
			}
			pointers[r.ID] = p
		}
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	loads, err := s.store.Loads(ctx, ids, func(id string) string { return e.reps[id].Hours.Day(now) })
	if err != nil {
		return Decision{}, Assignment{}, fmt.Errorf("read loads: %w", err)
	}
	d := e.Decide(f, loads, pointers, now)
	rep := e.reps[d.Chosen]
	a := Assignment{
		Lead: l, Decision: d, Now: now,
		MaxOpen: rep.Capacity.MaxOpen, DailyCap: rep.Capacity.DailyCap, Day: rep.Hours.Day(now),
		Entry: lead.Entry{
			LeadID: l.ID, Seq: l.Version + 1, At: now, Actor: routerActor, Change: lead.ChangeAssigned,
			From: l.Status, To: lead.StatusAssigned, Owner: d.Chosen, Reason: d.Reason(),
		}.Seal(l.HistoryHash),
	}
	return d, a, nil
}

// Reason is a one-line summary of a decision for the history.
func (d Decision) Reason() string {
	switch d.Path {
	case PathRule:
		return fmt.Sprintf("rule %s (rule set v%d, %s, grade %s)", d.RuleID, d.RuleSet, d.Strategy, d.Grade)
	case PathOnCall:
		return fmt.Sprintf("on call: nobody in rule %s's pool was available", d.RuleID)
	default:
		if d.RuleID == "" {
			return fmt.Sprintf("fallback: no rule of rule set v%d matched", d.RuleSet)
		}
		return fmt.Sprintf("fallback: nobody in rule %s's pool or on call was available", d.RuleID)
	}
}

// Reassign moves an owned lead to newOwner (when set) or re-routes it
// through the rules (when empty), recording who did it and why. newOwner
// must be an active rep with room; override lets a manager assign past the
// rep's capacity and daily cap, and the history says so.
func (s *Service) Reassign(ctx context.Context, actor lead.Actor, leadID, newOwner, reason string, override bool) (lead.Lead, *Decision, error) {
	if override {
		reason += " (capacity overridden)"
	}
	m := move{actor: actor, newOwner: newOwner, reason: reason, change: lead.ChangeReassigned, override: override}
	for attempt := range maxRouteAttempts {
		if attempt > 0 {
			backoff(ctx, attempt)
		}
		l, err := s.store.Get(ctx, leadID)
		if err != nil {
			return lead.Lead{}, nil, err
		}
		next, d, err := s.reroute(ctx, l, m)
		if s.contended(err, m) {
			continue
		}
		return next, d, err
	}
	return lead.Lead{}, nil, fmt.Errorf("reassign lead %s: still contended", leadID)
}

// contended reports whether a reassignment lost a race it may retry: the
// lead moved, or a re-route's pointer or chosen rep moved. A rep a manager
// named being full is an answer, not a race.
func (s *Service) contended(err error, m move) bool {
	var full *CapacityError
	return errors.Is(err, ErrLeadChanged) || (m.newOwner == "" && (errors.Is(err, ErrPointerMoved) || errors.As(err, &full)))
}

// Recall takes a lead from its owner for the SLA ladder and re-routes it
// through the rules, never back to that owner. It acts only on the version
// the scanner saw, so overlapping scans recall once: ErrLeadChanged when the
// lead moved on.
func (s *Service) Recall(ctx context.Context, leadID string, version int64, step lead.SLAStep) (lead.Lead, *Decision, error) {
	reason := fmt.Sprintf("recalled by the SLA ladder: no update since %s", step.IdleSince.UTC().Format(time.RFC3339))
	m := move{actor: lead.ScannerActor, reason: reason, change: lead.ChangeRecalled, sla: &step}
	for attempt := range maxRouteAttempts {
		if attempt > 0 {
			backoff(ctx, attempt)
		}
		l, err := s.store.Get(ctx, leadID)
		if err != nil {
			return lead.Lead{}, nil, err
		}
		if l.Version != version {
			return lead.Lead{}, nil, ErrLeadChanged
		}
		step.FromOwner = l.OwnerID
		next, d, err := s.reroute(ctx, l, m)
		if !errors.Is(err, ErrLeadChanged) && s.contended(err, m) {
			continue // the pointer or the chosen rep moved: decide again
		}
		return next, d, err
	}
	return lead.Lead{}, nil, fmt.Errorf("recall lead %s: still contended", leadID)
}

// move is one reassignment: to newOwner, or through the rules when empty.
type move struct {
	actor    lead.Actor
	newOwner string
	reason   string
	change   string
	sla      *lead.SLAStep
	override bool // a manager's explicit "past capacity"
}

// reroute commits one reassignment of l as read; ErrLeadChanged if it moved.
func (s *Service) reroute(ctx context.Context, l lead.Lead, m move) (lead.Lead, *Decision, error) {
	// Only a lead that holds its owner's capacity moves: a recycled lead has
	// given it back already, and a closed one is done.
	if l.OwnerID == "" || !l.Status.HoldsOwner() {
		return lead.Lead{}, nil, ErrNotReassignable
	}
	e, err := s.Engine(ctx)
	if err != nil {
		return lead.Lead{}, nil, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	r := Reassignment{Lead: l, NewOwner: m.newOwner, Now: now}
	if m.newOwner == "" {
		dec, a, err := s.plan(ctx, e, l, m.sla != nil)
		if err != nil {
			return lead.Lead{}, nil, err
		}
		r.Decision, r.NewOwner, r.DueAt = &dec, dec.Chosen, dec.FirstContactDueAt
		r.MaxOpen, r.DailyCap, r.Day, r.Enforce = a.MaxOpen, a.DailyCap, a.Day, dec.WithinCapacity
	} else {
		if m.newOwner == l.OwnerID {
			return l, nil, nil // already there: a repeated or concurrent move changes nothing
		}
		rep, ok := e.reps[m.newOwner]
		switch {
		case !ok:
			return lead.Lead{}, nil, validation.Field("ownerId", "unknown_rep", "rep %q does not exist", m.newOwner)
		case !rep.Active:
			return lead.Lead{}, nil, validation.Field("ownerId", "inactive_rep", "rep %q is not active", m.newOwner)
		}
		r.MaxOpen, r.DailyCap, r.Day, r.Enforce = rep.Capacity.MaxOpen, rep.Capacity.DailyCap, rep.Hours.Day(now), !m.override
		r.DueAt = e.FirstContactDue(m.newOwner, now)
		if r.Enforce {
			loads, err := s.store.Loads(ctx, []string{m.newOwner}, func(string) string { return r.Day })
			if err != nil {
				return lead.Lead{}, nil, fmt.Errorf("read load of %s: %w", m.newOwner, err)
			}
			if ld := loads[m.newOwner]; ld.Open >= r.MaxOpen || (r.DailyCap > 0 && ld.DayCount >= r.DailyCap) {
				return lead.Lead{}, nil, &CapacityError{RepID: m.newOwner}
			}
		}
	}
	r.Entry = lead.Entry{
		LeadID: l.ID, Seq: l.Version + 1, At: now, Actor: m.actor, Change: m.change,
		From: l.Status, To: l.Status, Owner: r.NewOwner, Reason: m.reason, SLA: m.sla,
	}.Seal(l.HistoryHash)
	if err := s.store.Reassign(ctx, r); err != nil {
		var full *CapacityError
		if errors.Is(err, ErrLeadChanged) || errors.Is(err, ErrPointerMoved) || errors.As(err, &full) {
			return lead.Lead{}, nil, err
		}
		return lead.Lead{}, nil, fmt.Errorf("reassign lead %s: %w", l.ID, err)
	}
	return r.Next(), r.Decision, nil
}

// ErrNotReassignable: only an owned lead being worked can be reassigned.
var ErrNotReassignable = fault.New(fault.Conflict, "not-reassignable", "Not reassignable", "only an owned lead being worked (assigned to proposal, or unreachable) can be reassigned")

// Decisions returns a lead's routing decisions, newest first.
func (s *Service) Decisions(ctx context.Context, leadID string) ([]Decision, error) {
	if _, err := s.store.Get(ctx, leadID); err != nil {
		return nil, err
	}
	return s.store.Decisions(ctx, leadID)
}
