package intake_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

func TestQueueIsTheRepsOpenLeadsDueFirst(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	svc := intake.NewService(st, intake.DefaultConfig, time.Now)
	t0 := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	at := func(m int) *time.Time { v := t0.Add(time.Duration(m) * time.Minute); return &v }
	put := func(id, owner string, s lead.Status, edit func(*lead.Lead)) {
		l := lead.Lead{ID: id, PartnerID: "p1", OwnerID: owner, Status: s, Version: 1, ReceivedAt: t0, UpdatedAt: t0}
		if edit != nil {
			edit(&l)
		}
		if err := st.Create(ctx, intake.Creation{Lead: l, Entry: lead.Entry{LeadID: id, Seq: 1, At: t0, Change: lead.ChangeCreated, To: s}, Now: t0}); err != nil {
			t.Fatal(err)
		}
	}
	put("no-due", "ana", lead.StatusQualified, nil)
	put("follow-up", "ana", lead.StatusContacted, func(l *lead.Lead) { l.FirstContactAt, l.NextFollowUpAt = at(1), at(30) })
	put("first-contact", "ana", lead.StatusAssigned, func(l *lead.Lead) { l.FirstContactDueAt = at(10) })
	// Contacted already: the first-contact deadline no longer counts.
	put("contacted", "ana", lead.StatusContacted, func(l *lead.Lead) { l.FirstContactDueAt, l.FirstContactAt, l.NextFollowUpAt = at(5), at(6), at(60) })
	put("won", "ana", lead.StatusWon, nil)
	put("bruno's", "bruno", lead.StatusAssigned, func(l *lead.Lead) { l.FirstContactDueAt = at(1) })

	ana := auth.Principal{Role: auth.RoleRep, SubjectID: "ana"}
	manager := auth.Principal{Role: auth.RoleManager, SubjectID: "m"}
	for _, c := range []struct {
		name  string
		p     auth.Principal
		repID string
		want  []string
		err   error
	}{
		{"a rep gets its own, whatever it names", ana, "bruno", []string{"first-contact", "follow-up", "contacted", "no-due"}, nil},
		{"a manager names the rep", manager, "bruno", []string{"bruno's"}, nil},
		{"a manager must name the rep", manager, "", nil, &validation.Error{}},
		{"a partner has no queue", auth.Principal{Role: auth.RolePartner, PartnerID: "p1"}, "ana", nil, auth.ErrForbidden},
	} {
		got, err := svc.Queue(ctx, c.p, c.repID)
		var ids []string
		for _, l := range got {
			ids = append(ids, l.ID)
		}
		var ve *validation.Error
		switch {
		case c.err == nil && (err != nil || !slices.Equal(ids, c.want)):
			t.Errorf("%s: got %v, %v; want %v", c.name, ids, err, c.want)
		case c.err == auth.ErrForbidden && !errors.Is(err, auth.ErrForbidden):
			t.Errorf("%s: got %v, %v; want forbidden", c.name, ids, err)
		case c.err != nil && c.err != auth.ErrForbidden && !errors.As(err, &ve):
			t.Errorf("%s: got %v, %v; want a field error", c.name, ids, err)
		}
	}
}
