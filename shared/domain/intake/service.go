package intake

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Config holds intake's tunables.
type Config struct {
	// ProtectionWindow is how long a first registration keeps other
	// partners out of the same identity (channel conflict).
	ProtectionWindow time.Duration
	// IdempotencyTTL is how long an Idempotency-Key is remembered.
	IdempotencyTTL time.Duration
	// FreeMail are domains that never claim an identity (NewFreeMail);
	// nil is the built-in list.
	FreeMail FreeMail
}

// DefaultConfig is what intake runs with when nothing is configured.
var DefaultConfig = Config{ProtectionWindow: 90 * 24 * time.Hour, IdempotencyTTL: 48 * time.Hour}

// Service accepts and reads back leads.
type Service struct {
	store Store
	cfg   Config
	now   func() time.Time
	// Partner is what partners see of their leads (lead.PartnerView).
	Partner lead.PartnerView
}

// NewService builds an intake service; now is the clock (time.Now in production).
func NewService(store Store, cfg Config, now func() time.Time) *Service {
	return &Service{store: store, cfg: cfg, now: now}
}

// Receipt is the answer to an accepted submission. Replayed is true when it
// repeats the answer given earlier for the same Idempotency-Key.
type Receipt struct {
	LeadID     string
	Status     lead.Status
	ReceivedAt time.Time
	Replayed   bool
}

// maxCreateAttempts bounds retries when a blocking claim disappears between
// the failed transaction and the read that classifies it.
const maxCreateAttempts = 3

// Submit stores a new lead for the calling partner, exactly once per identity.
func (s *Service) Submit(ctx context.Context, p auth.Principal, n Normalised, idemKey string) (Receipt, error) {
	if !p.Has(auth.RolePartner) {
		return Receipt{}, auth.ErrForbidden
	}
	// Microseconds are what storage keys keep; truncating here makes every
	// store agree on the same instant.
	now := s.now().UTC().Truncate(time.Microsecond)
	if s.cfg.FreeMail != nil {
		n.Identity = identityKeys(n, s.cfg.FreeMail)
	}
	fingerprint := n.Fingerprint()
	if idemKey != "" {
		if r, ok, err := s.replay(ctx, p.PartnerID, idemKey, fingerprint, now); ok || err != nil {
			return r, err
		}
	}
	c := s.creation(p, n, idemKey, fingerprint, now)
	for range maxCreateAttempts {
		err := s.store.Create(ctx, c)
		var conflict *ClaimConflictError
		switch {
		case err == nil:
			return Receipt{LeadID: c.Lead.ID, Status: c.Lead.Status, ReceivedAt: c.Lead.ReceivedAt}, nil
		case errors.Is(err, ErrIdempotencyKeyTaken):
			r, ok, err := s.replay(ctx, p.PartnerID, idemKey, fingerprint, now)
			if !ok && err == nil {
				continue // the record expired in between: try again
			}
			return r, err
		case errors.As(err, &conflict):
			if err := s.classifyConflict(ctx, p.PartnerID, conflict.Keys, now); err != nil {
				return Receipt{}, err
			}
		default:
			return Receipt{}, fmt.Errorf("create lead %s: %w", c.Lead.ID, err)
		}
	}
	return Receipt{}, fmt.Errorf("create lead %s: identity claims kept changing", c.Lead.ID)
}

func (s *Service) creation(p auth.Principal, n Normalised, idemKey, fingerprint string, now time.Time) Creation {
	id := ulid.MustNew(ulid.Timestamp(now), rand.Reader).String()
	l := n.Lead(id, p.PartnerID, now)
	entry := lead.Entry{
		LeadID: id, Seq: 1, At: now, Actor: lead.Actor{ID: p.ActorID(), Role: string(p.Role)},
		Change: lead.ChangeCreated, To: lead.StatusNew,
	}.Seal("")
	claims := make([]lead.Claim, len(n.Identity))
	for i, k := range n.Identity {
		claims[i] = lead.Claim{Key: k, LeadID: id, PartnerID: p.PartnerID, Open: true, ProtectedUntil: now.Add(s.cfg.ProtectionWindow)}
	}
	l.HistoryHash = entry.Hash
	c := Creation{Lead: l, Entry: entry, Claims: claims, Now: now}
	if idemKey != "" {
		c.Idempotency = &IdempotencyRecord{
			PartnerID: p.PartnerID, Key: idemKey, Fingerprint: fingerprint,
			LeadID: id, ReceivedAt: now, ExpiresAt: now.Add(s.cfg.IdempotencyTTL),
		}
	}
	return c
}

// replay answers from a live idempotency record, if there is one.
func (s *Service) replay(ctx context.Context, partnerID, key, fingerprint string, now time.Time) (Receipt, bool, error) {
	rec, ok, err := s.store.Idempotency(ctx, partnerID, key)
	if err != nil {
		return Receipt{}, false, fmt.Errorf("read idempotency key: %w", err)
	}
	if !ok || !now.Before(rec.ExpiresAt) {
		return Receipt{}, false, nil
	}
	if rec.Fingerprint != fingerprint {
		return Receipt{}, true, ErrIdempotencyMismatch
	}
	return Receipt{LeadID: rec.LeadID, Status: lead.StatusNew, ReceivedAt: rec.ReceivedAt, Replayed: true}, true, nil
}

// classifyConflict turns a failed claim into the partner's answer, or nil
// when no claim blocks any more and the create should be tried again.
func (s *Service) classifyConflict(ctx context.Context, partnerID string, keys []lead.IdentityKey, now time.Time) error {
	claims, err := s.store.Claims(ctx, keys)
	if err != nil {
		return fmt.Errorf("read identity claims: %w", err)
	}
	other := false
	for _, c := range claims {
		if !c.Blocks(partnerID, now) {
			continue
		}
		if c.PartnerID == partnerID {
			return &DuplicateError{LeadID: c.LeadID}
		}
		other = true
	}
	if other {
		return ErrAlreadyRegistered
	}
	return nil
}

// Get returns a lead the principal may see; any other id is "not found", so
// a partner cannot learn that another partner's lead exists.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (lead.Lead, error) {
	l, err := s.store.Get(ctx, id)
	if err != nil {
		return lead.Lead{}, err
	}
	if !p.CanSeeLead(l.PartnerID, l.OwnerID) {
		return lead.Lead{}, lead.ErrNotFound
	}
	if p.Has(auth.RolePartner) {
		l = s.Partner.Lead(l)
	}
	return l, nil
}

// Listing page sizes.
const (
	DefaultPageSize = 50
	MaxPageSize     = 100
)

// List returns a page of one partner's leads. Partners always get their own;
// managers and admins name the partner.
func (s *Service) List(ctx context.Context, p auth.Principal, q ListQuery) (Page, error) {
	switch {
	case p.Has(auth.RolePartner):
		q.PartnerID = p.PartnerID
	case p.Has(auth.RoleManager, auth.RoleAdmin):
		if q.PartnerID == "" {
			return Page{}, validation.Field("partnerId", "required", "is required for manager and admin listings")
		}
	default:
		return Page{}, auth.ErrForbidden
	}
	switch {
	case q.Limit <= 0:
		q.Limit = DefaultPageSize
	case q.Limit > MaxPageSize:
		q.Limit = MaxPageSize
	}
	page, err := s.store.List(ctx, q)
	if err == nil && !q.UpdatedSince.IsZero() {
		page = settled(page, s.now().Add(-lead.SettleWindow))
	}
	if err == nil && p.Has(auth.RolePartner) {
		for i, l := range page.Leads {
			page.Leads[i] = s.Partner.Lead(l)
		}
	}
	return page, err
}

// settled cuts a sync listing (updatedSince) at the first lead updated after
// until, as lifecycle.Settled does the feed: an update still committing is
// never passed by a reader's cursor.
func settled(page Page, until time.Time) Page {
	for i, l := range page.Leads {
		if l.UpdatedAt.After(until) {
			page.Leads, page.NextCursor = page.Leads[:i], ""
			if i > 0 {
				last := page.Leads[i-1]
				page.NextCursor = EncodeCursor(Position{UpdatedAt: last.UpdatedAt, LeadID: last.ID})
			}
			return page
		}
	}
	return page
}
