package memstore

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/sla"
)

var (
	_ sla.Leads       = (*Store)(nil)
	_ sla.PolicyStore = (*Store)(nil)
	_ sla.Index       = (*DueIndex)(nil)
)

func (s *Store) MarkStale(_ context.Context, before, after lead.Lead, e lead.Entry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.leads[before.ID]
	if !ok {
		return lead.ErrNotFound
	}
	if l.Version != before.Version {
		return lead.ErrVersionConflict
	}
	s.leads[after.ID] = after
	s.history[after.ID] = append(s.history[after.ID], e)
	s.record(after, e)
	return nil
}

func (s *Store) Program(_ context.Context, partnerID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.partners[partnerID].Program, nil
}

func (s *Store) SetProgram(_ context.Context, partnerID, program string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.partners[partnerID]
	if !ok {
		return admin.ErrPartnerNotFound
	}
	p.Program = program
	s.partners[partnerID] = p
	return nil
}

func (s *Store) Policy(_ context.Context, program string) (sla.Policy, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.policies[program]
	return p, ok, nil
}

func (s *Store) Policies(context.Context) ([]sla.Policy, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]sla.Policy, 0, len(s.policies))
	for _, p := range s.policies {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b sla.Policy) int { return cmp.Compare(a.Program, b.Program) })
	return out, nil
}

func (s *Store) PutPolicy(_ context.Context, p sla.Policy) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.policies == nil {
		s.policies = map[string]sla.Policy{}
	}
	if s.policies[p.Program].Version != p.Version-1 {
		return sla.ErrPolicyConflict
	}
	s.policies[p.Program] = p
	return nil
}

// DueIndex is the due index in memory. Reads counts the items Due returned,
// as a key-condition query on the real index reads them.
type DueIndex struct {
	mu       sync.Mutex
	pending  map[string]sla.Pending
	versions map[string]int64
	Reads    int
}

func NewDueIndex() *DueIndex {
	return &DueIndex{pending: map[string]sla.Pending{}, versions: map[string]int64{}}
}

func (x *DueIndex) Due(_ context.Context, now time.Time, limit int) ([]sla.Pending, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []sla.Pending
	for _, p := range x.pending {
		if !p.DueAt.After(now) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b sla.Pending) int {
		return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.LeadID, b.LeadID))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	x.Reads += len(out)
	return out, nil
}

func (x *DueIndex) Put(_ context.Context, p sla.Pending) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.versions[p.LeadID] > p.Version {
		return nil
	}
	x.pending[p.LeadID], x.versions[p.LeadID] = p, p.Version
	return nil
}

func (x *DueIndex) Clear(_ context.Context, leadID string, version int64) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.versions[leadID] > version {
		return nil
	}
	delete(x.pending, leadID)
	x.versions[leadID] = version
	return nil
}

// Pending is the lead's recorded next step, for tests.
func (x *DueIndex) Pending(leadID string) (sla.Pending, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	p, ok := x.pending[leadID]
	return p, ok
}
