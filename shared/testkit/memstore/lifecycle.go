package memstore

import (
	"cmp"
	"context"
	"slices"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
)

var (
	_ lifecycle.Store        = (*Store)(nil)
	_ lifecycle.MappingStore = (*Store)(nil)
)

// record adds a lead version's event to its partner's feed; callers hold mu.
func (s *Store) record(l lead.Lead, change lead.Entry) {
	ev, err := lead.EventFor(l, change)
	if err != nil {
		panic(err) // every change kind the stores write has an event
	}
	s.insertFeed(ev)
}

// insertFeed puts ev in its partner's feed in feed order; callers hold mu.
func (s *Store) insertFeed(ev lead.Event) {
	f := s.feeds[ev.PartnerID]
	key := lifecycle.FeedKey(ev)
	i, _ := slices.BinarySearchFunc(f, key, func(e lead.Event, k string) int { return cmp.Compare(lifecycle.FeedKey(e), k) })
	s.feeds[ev.PartnerID] = slices.Insert(f, i, ev)
}

// AppendFeed adds an event that is not a lead version (a dispute's) to
// its partner's feed, once.
func (s *Store) AppendFeed(_ context.Context, ev lead.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.ContainsFunc(s.feeds[ev.PartnerID], func(e lead.Event) bool { return e.ID == ev.ID }) {
		s.insertFeed(ev)
	}
	return nil
}

func (s *Store) ChangeStatus(_ context.Context, c lifecycle.Change) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.leads[c.Before.ID]
	if !ok || l.Version != c.Before.Version {
		return lead.ErrVersionConflict
	}
	for _, k := range c.Release {
		if s.claims[k].LeadID != c.After.ID {
			return lead.ErrVersionConflict
		}
	}
	for _, k := range c.Release {
		cl := s.claims[k]
		cl.Open = false
		s.claims[k] = cl
	}
	if c.FreeOwner != "" {
		s.open[c.FreeOwner]--
	}
	if c.TakeOwner != "" {
		s.open[c.TakeOwner]++
	}
	s.leads[c.After.ID] = c.After
	s.history[c.After.ID] = append(s.history[c.After.ID], c.Entry)
	s.record(c.After, c.Entry)
	return nil
}

func (s *Store) Feed(_ context.Context, partnerID, after string, limit int) (lifecycle.FeedPage, error) {
	from, err := lifecycle.DecodeCursor(after)
	if err != nil {
		return lifecycle.FeedPage{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var page lifecycle.FeedPage
	for _, ev := range s.feeds[partnerID] {
		if lifecycle.FeedKey(ev) <= from {
			continue
		}
		if len(page.Events) == limit {
			page.Next = lifecycle.EncodeCursor(lifecycle.FeedKey(page.Events[limit-1]))
			break
		}
		page.Events = append(page.Events, ev)
	}
	return page, nil
}

func (s *Store) PutCRMMapping(_ context.Context, m lifecycle.CRMMapping) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.crm[m.CRM] = m
	return nil
}

func (s *Store) CRMMapping(_ context.Context, crm string) (lifecycle.CRMMapping, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.crm[crm]
	if !ok {
		return lifecycle.CRMMapping{}, lifecycle.ErrNoMapping
	}
	return m, nil
}
