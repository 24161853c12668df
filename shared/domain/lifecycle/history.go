package lifecycle

import (
	"context"
	"log/slog"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// PartnerEntry is what a partner sees of a history entry: what happened
// and when, never internal notes or who on the sales side did it.
type PartnerEntry struct {
	Seq    int64       `json:"seq"`
	At     time.Time   `json:"at"`
	Change string      `json:"change"`
	From   lead.Status `json:"from,omitempty"`
	To     lead.Status `json:"to,omitempty"`
	Reason string      `json:"reason,omitempty"`
	ByRole string      `json:"byRole"`
	// Touch is how the contact was tried, on a touched entry.
	Touch *lead.Touch `json:"touch,omitempty"`
	// Only when the deployment shows owners to partners:
	By    string `json:"by,omitempty"`
	Owner string `json:"owner,omitempty"`
}

// History is a lead's audit trail in the view the caller may see.
type History struct {
	LeadID  string         `json:"leadId"`
	Partner []PartnerEntry `json:"partnerView,omitempty"`
	Entries []lead.Entry   `json:"entries,omitempty"`
	// BrokenAt is the index of the first entry whose hash chain does not
	// hold, or -1 when the trail is intact (internal view only).
	BrokenAt *int `json:"brokenAt,omitempty"`
}

// History returns a lead's trail: the partner-safe view for its partner, the
// full entries with a chain check for internal roles (and the read is
// access-logged).
func (s *Service) History(ctx context.Context, p auth.Principal, leadID string, log *slog.Logger) (History, error) {
	l, err := s.store.Get(ctx, leadID)
	if err != nil {
		return History{}, err
	}
	if !p.CanSeeLead(l.PartnerID, l.OwnerID) {
		return History{}, lead.ErrNotFound
	}
	entries, err := s.store.History(ctx, leadID)
	if err != nil {
		return History{}, err
	}
	h := History{LeadID: leadID}
	if p.Has(auth.RolePartner) {
		h.Partner = make([]PartnerEntry, len(entries))
		for i, e := range entries {
			h.Partner[i] = PartnerEntry{Seq: e.Seq, At: e.At, Change: e.Change, From: e.From, To: e.To, Reason: e.Reason, ByRole: e.Actor.Role, Touch: e.Touch}
			if s.Partner.ShowOwner {
				h.Partner[i].By, h.Partner[i].Owner = e.Actor.ID, e.Owner
			} else if routingChange[e.Change] {
				h.Partner[i].Reason = "" // the routing explanation names rules and reps
			}
		}
		return h, nil
	}
	auth.LogAccess(ctx, log, p, "history", "leadId", leadID)
	broken := lead.VerifyChain(entries)
	h.Entries, h.BrokenAt = entries, &broken
	return h, nil
}

// Feed returns the partner's own events after a cursor, oldest first.
func (s *Service) Feed(ctx context.Context, p auth.Principal, after string, limit int) (FeedPage, error) {
	if !p.Has(auth.RolePartner) {
		return FeedPage{}, auth.ErrForbidden
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	page, err := s.store.Feed(ctx, p.PartnerID, after, limit)
	page = Resume(Settled(page, s.now().Add(-lead.SettleWindow)), after)
	for i, ev := range page.Events {
		page.Events[i] = s.Partner.Event(ev)
	}
	return page, err
}

// routingChange are the history changes whose reason explains routing.
var routingChange = map[string]bool{lead.ChangeAssigned: true, lead.ChangeReassigned: true, lead.ChangeRecalled: true}
