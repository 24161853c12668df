package memstore

import (
	"context"
	"maps"
	"slices"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/routing"
)

func (s *Store) Loads(_ context.Context, repIDs []string, day func(string) string) (map[string]routing.Load, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]routing.Load, len(repIDs))
	for _, id := range repIDs {
		d := day(id)
		out[id] = routing.Load{Open: s.open[id], Day: d, DayCount: s.days[[2]string{id, d}]}
	}
	return out, nil
}

func (s *Store) Pointer(_ context.Context, ruleID string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pointers[ruleID], nil
}

func (s *Store) Assign(_ context.Context, a routing.Assignment) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := a.Decision
	l, ok := s.leads[a.Lead.ID]
	if !ok || l.Version != a.Lead.Version || l.Status != lead.StatusNew || l.OwnerID != "" {
		return routing.ErrLeadChanged
	}
	if d.WithinCapacity && (s.open[d.Chosen] >= a.MaxOpen ||
		(a.DailyCap > 0 && s.days[[2]string{d.Chosen, a.Day}] >= a.DailyCap)) {
		return &routing.CapacityError{RepID: d.Chosen}
	}
	if d.PointerAfter > 0 && s.pointers[d.RuleID] != d.PointerBefore {
		return routing.ErrPointerMoved
	}
	l = a.Next()
	s.leads[l.ID] = l
	s.history[l.ID] = append(s.history[l.ID], a.Entry)
	s.record(l, a.Entry)
	s.decisions[l.ID] = append(s.decisions[l.ID], d)
	s.open[d.Chosen]++
	s.days[[2]string{d.Chosen, a.Day}]++
	if d.PointerAfter > 0 {
		s.pointers[d.RuleID] = d.PointerAfter
	}
	return nil
}

func (s *Store) Reassign(_ context.Context, r routing.Reassignment) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.leads[r.Lead.ID]
	if !ok || l.Version != r.Lead.Version || l.OwnerID != r.Lead.OwnerID {
		return routing.ErrLeadChanged
	}
	moves := r.NewOwner != l.OwnerID
	if moves && r.Enforce && (s.open[r.NewOwner] >= r.MaxOpen ||
		(r.DailyCap > 0 && s.days[[2]string{r.NewOwner, r.Day}] >= r.DailyCap)) {
		return &routing.CapacityError{RepID: r.NewOwner}
	}
	if d := r.Decision; d != nil && d.PointerAfter > 0 && s.pointers[d.RuleID] != d.PointerBefore {
		return routing.ErrPointerMoved
	}
	if moves {
		s.open[l.OwnerID]--
		s.open[r.NewOwner]++
		s.days[[2]string{r.NewOwner, r.Day}]++
	}
	l = r.Next()
	s.leads[l.ID] = l
	s.history[l.ID] = append(s.history[l.ID], r.Entry)
	s.record(l, r.Entry)
	if d := r.Decision; d != nil {
		s.decisions[l.ID] = append(s.decisions[l.ID], *d)
		if d.PointerAfter > 0 {
			s.pointers[d.RuleID] = d.PointerAfter
		}
	}
	return nil
}

func (s *Store) Decisions(_ context.Context, leadID string) ([]routing.Decision, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ds := slices.Clone(s.decisions[leadID])
	slices.Reverse(ds)
	return ds, nil
}

// OpenCount is a rep's open-lead counter, for tests.
func (s *Store) OpenCount(repID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.open[repID]
}

func (s *Store) PutRep(_ context.Context, r routing.Rep) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reps[r.ID] = r
	return nil
}

func (s *Store) Reps(context.Context) ([]routing.Rep, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Collect(maps.Values(s.reps)), nil
}

func (s *Store) RuleSet(context.Context) (routing.RuleSet, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.ruleSets) == 0 {
		return routing.RuleSet{}, nil
	}
	return s.ruleSets[len(s.ruleSets)-1], nil
}

func (s *Store) AddRuleSet(_ context.Context, rs routing.RuleSet) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rs.Version != len(s.ruleSets)+1 {
		return routing.ErrRuleSetVersionTaken
	}
	s.ruleSets = append(s.ruleSets, rs)
	return nil
}

func (s *Store) PutCalendar(_ context.Context, c routing.CalendarDef) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calendars[c.Name] = c
	return nil
}

func (s *Store) Calendars(context.Context) ([]routing.CalendarDef, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Collect(maps.Values(s.calendars)), nil
}

func (s *Store) PutTeam(_ context.Context, t routing.Team) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.teams[t.ID] = t
	return nil
}

func (s *Store) Teams(context.Context) ([]routing.Team, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Collect(maps.Values(s.teams)), nil
}

// AllLeads is every stored lead, for tests that check invariants.
func (s *Store) AllLeads() []lead.Lead {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Collect(maps.Values(s.leads))
}
