package intake

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// QueueLimit caps the leads read per status for one queue: far above any
// rep's capacity, so a full queue means work is piling up, not paging.
const QueueLimit = 200

// Queue returns the open leads a rep owns, what is due first first. Reps
// always get their own; managers and admins name the rep.
func (s *Service) Queue(ctx context.Context, p auth.Principal, repID string) ([]lead.Lead, error) {
	switch {
	case p.Has(auth.RoleRep):
		repID = p.SubjectID
	case p.Has(auth.RoleManager, auth.RoleAdmin):
		if repID == "" {
			return nil, validation.Field("repId", "required", "is required for manager and admin queues")
		}
	default:
		return nil, auth.ErrForbidden
	}
	out := []lead.Lead{}
	for _, st := range lead.Statuses {
		if !st.Open() || st == lead.StatusNew {
			continue // new leads have no owner yet
		}
		ls, err := s.store.Owned(ctx, repID, st, QueueLimit)
		if err != nil {
			return nil, err
		}
		out = append(out, ls...)
	}
	slices.SortStableFunc(out, func(a, b lead.Lead) int {
		da, db := DueAt(a), DueAt(b)
		if da.IsZero() != db.IsZero() {
			if da.IsZero() {
				return 1 // nothing due: after everything that is
			}
			return -1
		}
		return cmp.Or(da.Compare(db), a.UpdatedAt.Compare(b.UpdatedAt), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// DueAt is when the team next owes the lead something: the first contact
// until it happens, then the follow-up the rep set; zero when nothing is due.
func DueAt(l lead.Lead) time.Time {
	switch {
	case l.FirstContactAt == nil && l.FirstContactDueAt != nil:
		return *l.FirstContactDueAt
	case l.NextFollowUpAt != nil:
		return *l.NextFollowUpAt
	}
	return time.Time{}
}
