// Package memstore is an in-memory implementation of the project's storage
// interfaces, with the same conditions as the DynamoDB adapter. Tests use it.
package memstore

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/sla"
)

// Store keeps everything in maps behind one mutex, so every Create is atomic.
type Store struct {
	mu       sync.Mutex
	leads    map[string]lead.Lead
	history  map[string][]lead.Entry
	claims   map[lead.IdentityKey]lead.Claim
	idem     map[[2]string]intake.IdempotencyRecord
	keys     map[string]auth.Key
	partners map[string]admin.Partner
	removed  map[string]bool // people, by user id
	// routing
	open      map[string]int
	days      map[[2]string]int // rep, day
	pointers  map[string]int64
	decisions map[string][]routing.Decision
	reps      map[string]routing.Rep
	ruleSets  []routing.RuleSet
	calendars map[string]routing.CalendarDef
	teams     map[string]routing.Team
	feeds     map[string][]lead.Event // by partner, in feed order
	crm       map[string]lifecycle.CRMMapping
	policies  map[string]sla.Policy
}

var (
	_ intake.Store        = (*Store)(nil)
	_ auth.KeyStore       = (*Store)(nil)
	_ admin.PartnerStore  = (*Store)(nil)
	_ routing.Store       = (*Store)(nil)
	_ routing.ConfigStore = (*Store)(nil)
)

func New() *Store {
	return &Store{
		leads: map[string]lead.Lead{}, history: map[string][]lead.Entry{},
		claims: map[lead.IdentityKey]lead.Claim{}, idem: map[[2]string]intake.IdempotencyRecord{},
		keys: map[string]auth.Key{}, partners: map[string]admin.Partner{}, removed: map[string]bool{},
		open: map[string]int{}, days: map[[2]string]int{}, pointers: map[string]int64{},
		decisions: map[string][]routing.Decision{}, reps: map[string]routing.Rep{},
		calendars: map[string]routing.CalendarDef{}, teams: map[string]routing.Team{},
		feeds: map[string][]lead.Event{}, crm: map[string]lifecycle.CRMMapping{},
	}
}

func (s *Store) Create(_ context.Context, c intake.Creation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := c.Idempotency; r != nil {
		if old, ok := s.idem[[2]string{r.PartnerID, r.Key}]; ok && c.Now.Before(old.ExpiresAt) {
			return intake.ErrIdempotencyKeyTaken
		}
	}
	var blocked []lead.IdentityKey
	for _, cl := range c.Claims {
		if old, ok := s.claims[cl.Key]; ok && old.Blocks(c.Lead.PartnerID, c.Now) {
			blocked = append(blocked, cl.Key)
		}
	}
	if len(blocked) > 0 {
		return &intake.ClaimConflictError{Keys: blocked}
	}
	s.leads[c.Lead.ID] = c.Lead
	s.history[c.Lead.ID] = []lead.Entry{c.Entry}
	s.record(c.Lead, c.Entry)
	for _, cl := range c.Claims {
		s.claims[cl.Key] = cl
	}
	if r := c.Idempotency; r != nil {
		s.idem[[2]string{r.PartnerID, r.Key}] = *r
	}
	return nil
}

func (s *Store) Idempotency(_ context.Context, partnerID, key string) (intake.IdempotencyRecord, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.idem[[2]string{partnerID, key}]
	return r, ok, nil
}

func (s *Store) Claims(_ context.Context, keys []lead.IdentityKey) ([]lead.Claim, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []lead.Claim
	for _, k := range keys {
		if c, ok := s.claims[k]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *Store) Get(_ context.Context, id string) (lead.Lead, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.leads[id]
	if !ok {
		return lead.Lead{}, lead.ErrNotFound
	}
	return l, nil
}

// History returns a lead's entries in order.
func (s *Store) History(_ context.Context, id string) ([]lead.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.history[id]), nil
}

// Heads walks every lead's newest history entry.
func (s *Store) Heads(_ context.Context, each func(lead.Head) error) error {
	s.mu.Lock()
	var heads []lead.Head
	for id, l := range s.leads {
		if es := s.history[id]; len(es) > 0 {
			heads = append(heads, lead.Head{LeadID: id, Seq: l.Version, Hash: es[len(es)-1].Hash})
		}
	}
	s.mu.Unlock()
	for _, h := range heads {
		if err := each(h); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) List(_ context.Context, q intake.ListQuery) (intake.Page, error) {
	var after *intake.Position
	if q.Cursor != "" {
		p, err := intake.DecodeCursor(q.Cursor)
		if err != nil {
			return intake.Page{}, err
		}
		after = &p
	}
	s.mu.Lock()
	var all []lead.Lead
	for _, l := range s.leads {
		if l.PartnerID == q.PartnerID && (q.Status == "" || l.Status == q.Status) && !l.UpdatedAt.Before(q.UpdatedSince) {
			all = append(all, l)
		}
	}
	s.mu.Unlock()
	order := func(a, b lead.Lead) int {
		return cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt), cmp.Compare(a.ID, b.ID))
	}
	slices.SortFunc(all, order)
	if after != nil {
		pos := lead.Lead{UpdatedAt: after.UpdatedAt, ID: after.LeadID}
		i, _ := slices.BinarySearchFunc(all, pos, order)
		for i < len(all) && order(all[i], pos) <= 0 {
			i++
		}
		all = all[i:]
	}
	var page intake.Page
	if len(all) > q.Limit {
		all = all[:q.Limit]
		last := all[len(all)-1]
		page.NextCursor = intake.EncodeCursor(intake.Position{UpdatedAt: last.UpdatedAt, LeadID: last.ID})
	}
	page.Leads = all
	return page, nil
}

func (s *Store) Owned(_ context.Context, owner string, st lead.Status, limit int) ([]lead.Lead, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []lead.Lead{}
	for _, l := range s.leads {
		if l.OwnerID == owner && l.Status == st {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b lead.Lead) int { return cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt), cmp.Compare(a.ID, b.ID)) })
	return out[:min(len(out), limit)], nil
}

func (s *Store) GetKey(_ context.Context, id string) (auth.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[id]
	if !ok {
		return auth.Key{}, auth.ErrKeyNotFound
	}
	return k, nil
}

func (s *Store) PutKey(_ context.Context, k auth.Key) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[k.ID] = k
	return nil
}

func (s *Store) ListKeys(_ context.Context) ([]auth.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]auth.Key, 0, len(s.keys))
	for _, k := range s.keys {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b auth.Key) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

func (s *Store) SetKeyStatus(_ context.Context, id, status string, at time.Time) (auth.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[id]
	switch {
	case !ok:
		return auth.Key{}, auth.ErrKeyNotFound
	case k.Status == auth.KeyRevoked:
		return auth.Key{}, auth.ErrKeyRevoked
	}
	k.Status, k.UpdatedAt = status, at
	s.keys[id] = k
	return k, nil
}

func (s *Store) PutPartner(_ context.Context, p admin.Partner) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.partners[p.ID] = p
	return nil
}

func (s *Store) GetPartner(_ context.Context, id string) (admin.Partner, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.partners[id]
	if !ok {
		return admin.Partner{}, admin.ErrPartnerNotFound
	}
	return p, nil
}

func (s *Store) RemovePerson(_ context.Context, userID string, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removed[userID] = true
	return nil
}

func (s *Store) RestorePerson(_ context.Context, userID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.removed, userID)
	return nil
}

func (s *Store) PersonRemoved(_ context.Context, userID string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.removed[userID], nil
}

// ListPartners returns every partner.
func (s *Store) ListPartners(context.Context) ([]admin.Partner, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Collect(maps.Values(s.partners)), nil
}

// Recent returns up to n of the partners' most recently updated leads.
func (s *Store) Recent(_ context.Context, partnerIDs []string, n int) ([]lead.Lead, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []lead.Lead
	for _, l := range s.leads {
		if slices.Contains(partnerIDs, l.PartnerID) {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b lead.Lead) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	return out[:min(n, len(out))], nil
}

func (s *Store) PartnerExists(ctx context.Context, id string) (bool, error) {
	_, err := s.GetPartner(ctx, id)
	if errors.Is(err, admin.ErrPartnerNotFound) {
		return false, nil
	}
	return err == nil, err
}
