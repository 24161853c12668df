// Package lifecycle moves leads through the standard lifecycle for reps and
// managers, with optimistic locking, and serves each lead's audit trail and
// each partner's catch-up feed of events.
package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Store is what the lifecycle needs from lead storage.
type Store interface {
	Get(ctx context.Context, id string) (lead.Lead, error)
	Claims(ctx context.Context, keys []lead.IdentityKey) ([]lead.Claim, error)
	// ChangeStatus commits c in one transaction guarded by c.Before.Version;
	// lead.ErrVersionConflict when the lead moved on.
	ChangeStatus(ctx context.Context, c Change) error
	History(ctx context.Context, id string) ([]lead.Entry, error)
	// Feed returns a partner's events after a cursor, oldest first.
	Feed(ctx context.Context, partnerID, after string, limit int) (FeedPage, error)
}

// Change is a status change ready to commit.
type Change struct {
	Before, After lead.Lead
	Entry         lead.Entry
	// Release lists the identity claims this lead still holds and gives up
	// because it closed: the identity is free to register again.
	Release []lead.IdentityKey
	// FreeOwner is the owner whose open-lead count drops, if any.
	FreeOwner string
	// TakeOwner is the owner whose open-lead count rises again, when a won
	// deal is reopened.
	TakeOwner string
}

// FeedPage is a page of a partner's events.
type FeedPage struct {
	Events []lead.Event `json:"events"`
	Next   string       `json:"next,omitempty"` // more is there now: ask again at once
	// Cursor is where a reader continues later, whether or not Next is set:
	// after the last event of the page, or where the page began.
	Cursor string `json:"cursor,omitempty"`
}

// Service changes statuses and reads audit trails and feeds.
type Service struct {
	store Store
	now   func() time.Time
	// Partner is what partners see of the sales side in their history and
	// feed (lead.PartnerView). Internal notes are never shown.
	Partner lead.PartnerView
	// MinTouches is how many touches the partner's program asks for before
	// a lead may be given up as unreachable; nil asks for none.
	MinTouches func(ctx context.Context, partnerID string) (int, error)
}

func NewService(store Store, now func() time.Time) *Service { return &Service{store: store, now: now} }

// Request is a status change as asked for.
type Request struct {
	To         lead.Status
	Reason     string
	Note       string
	FollowUpAt *time.Time
	Deal       *lead.Deal // required to move to won
	// IfMatch is the version the caller saw; 0 means "whatever is current".
	IfMatch int64
}

const maxAttempts = 5

// ChangeStatus moves a lead. Reps may move the leads they own; managers and
// admins any lead. With IfMatch, a lead that moved on is a conflict.
func (s *Service) ChangeStatus(ctx context.Context, p auth.Principal, leadID string, r Request) (lead.Lead, error) {
	return s.commit(ctx, p, leadID, r.IfMatch, func(l lead.Lead) (Change, error) { return s.plan(ctx, p, l, r) })
}

// TouchRequest is a touch as logged.
type TouchRequest struct {
	Touch   lead.Touch
	Note    string
	IfMatch int64
}

// LogTouch records an attempt to reach a lead's contact, by its owner or a
// manager or admin.
func (s *Service) LogTouch(ctx context.Context, p auth.Principal, leadID string, r TouchRequest) (lead.Lead, error) {
	return s.commit(ctx, p, leadID, r.IfMatch, func(l lead.Lead) (Change, error) {
		next, e, err := lead.LogTouch(l, r.Touch, r.Note, lead.Actor{ID: p.ActorID(), Role: string(p.Role)}, s.now().UTC().Truncate(time.Microsecond))
		return Change{Before: l, After: next, Entry: e}, err
	})
}

// commit reads the lead, plans its next version and commits it, reading
// again when another write got there first (unless the caller named the
// version it saw).
func (s *Service) commit(ctx context.Context, p auth.Principal, leadID string, ifMatch int64, plan func(lead.Lead) (Change, error)) (lead.Lead, error) {
	if !p.Has(auth.RoleRep, auth.RoleManager, auth.RoleAdmin) {
		return lead.Lead{}, auth.ErrForbidden
	}
	for range maxAttempts {
		l, err := s.store.Get(ctx, leadID)
		if err != nil {
			return lead.Lead{}, err
		}
		if !p.CanSeeLead(l.PartnerID, l.OwnerID) {
			return lead.Lead{}, lead.ErrNotFound
		}
		if ifMatch > 0 && l.Version != ifMatch {
			return lead.Lead{}, lead.ErrVersionConflict
		}
		c, err := plan(l)
		if err != nil {
			return lead.Lead{}, err
		}
		err = s.store.ChangeStatus(ctx, c)
		switch {
		case err == nil:
			return c.After, nil
		case errors.Is(err, lead.ErrVersionConflict) && ifMatch == 0:
			continue
		default:
			return lead.Lead{}, err
		}
	}
	return lead.Lead{}, fmt.Errorf("change lead %s: %w", leadID, lead.ErrVersionConflict)
}

func (s *Service) plan(ctx context.Context, p auth.Principal, l lead.Lead, r Request) (Change, error) {
	if r.To == lead.StatusUnreachable && l.Status != lead.StatusUnreachable && s.MinTouches != nil {
		need, err := s.MinTouches(ctx, l.PartnerID)
		if err != nil {
			return Change{}, fmt.Errorf("read touches required for %s: %w", l.PartnerID, err)
		}
		if l.Touches < need {
			return Change{}, &lead.TooFewTouches{Have: l.Touches, Need: need}
		}
	}
	next, entry, err := lead.ChangeStatus(l, lead.StatusChange{
		To: r.To, Reason: r.Reason, Note: r.Note, FollowUpAt: r.FollowUpAt, Deal: r.Deal,
		Actor: lead.Actor{ID: p.ActorID(), Role: string(p.Role)}, At: s.now().UTC().Truncate(time.Microsecond),
	})
	if err != nil {
		return Change{}, err
	}
	c := Change{Before: l, After: next, Entry: entry}
	if l.Status.HoldsOwner() && !next.Status.HoldsOwner() && l.OwnerID != "" {
		c.FreeOwner = l.OwnerID
	}
	if !l.Status.HoldsOwner() && next.Status.HoldsOwner() && next.OwnerID != "" {
		c.TakeOwner = next.OwnerID
	}
	if l.Status.Open() && !next.Status.Open() {
		claims, err := s.store.Claims(ctx, l.Identity)
		if err != nil {
			return Change{}, fmt.Errorf("read claims of %s: %w", l.ID, err)
		}
		for _, cl := range claims {
			if cl.LeadID == l.ID && cl.Open {
				c.Release = append(c.Release, cl.Key)
			}
		}
	}
	return c, nil
}
