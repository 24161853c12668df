package lifecycle_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/fault"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/testkit/intaketest"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

// A touch is a new version with its entry and event; the program's agreed
// number of touches gates unreachable.
func TestTouchesGateUnreachable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memstore.New()
	id := assignedLead(t, st, intaketest.ValidBody)
	svc := lifecycle.NewService(st, now)
	svc.MinTouches = func(_ context.Context, partnerID string) (int, error) {
		if partnerID != "p1" {
			t.Errorf("MinTouches asked for partner %q, want p1", partnerID)
		}
		return 2, nil
	}
	rep := auth.Principal{Role: auth.RoleRep, SubjectID: "rep-1", KeyID: "k"}
	call := lead.Touch{Channel: "call", Outcome: "no_answer"}

	if _, err := svc.LogTouch(ctx, auth.Principal{Role: auth.RoleRep, SubjectID: "rep-2", KeyID: "k2"}, id, lifecycle.TouchRequest{Touch: call}); !errors.Is(err, lead.ErrNotFound) {
		t.Fatalf("another rep's touch: %v, want not found", err)
	}
	if _, err := svc.LogTouch(ctx, auth.Principal{Role: auth.RolePartner, PartnerID: "p1"}, id, lifecycle.TouchRequest{Touch: call}); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("the partner's touch: %v, want forbidden", err)
	}
	_, err := svc.LogTouch(ctx, rep, id, lifecycle.TouchRequest{Touch: lead.Touch{Channel: "pigeon", Outcome: "no_answer"}})
	if f, ok := fault.Of(err); !ok || len(f.Fields) != 1 || f.Fields[0].Field != "channel" {
		t.Fatalf("a touch by pigeon: %v, want a field error on channel", err)
	}
	l, err := svc.LogTouch(ctx, rep, id, lifecycle.TouchRequest{Touch: call, Note: "caixa postal"})
	if err != nil || l.Touches != 1 || l.Status != lead.StatusAssigned {
		t.Fatalf("first touch: %+v, %v; want 1 touch, still assigned", l, err)
	}
	if _, err := svc.ChangeStatus(ctx, rep, id, lifecycle.Request{To: lead.StatusUnreachable}); !errors.As(err, new(*lead.TooFewTouches)) {
		t.Fatalf("unreachable after 1 of 2 touches: %v, want too few touches", err)
	}
	if _, err := svc.LogTouch(ctx, rep, id, lifecycle.TouchRequest{Touch: lead.Touch{Channel: "whatsapp", Outcome: "voicemail", At: now().Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	l, err = svc.ChangeStatus(ctx, rep, id, lifecycle.Request{To: lead.StatusUnreachable})
	if err != nil || l.Status != lead.StatusUnreachable || l.Touches != 2 {
		t.Fatalf("unreachable after 2 touches: %+v, %v", l, err)
	}
	hist, err := st.History(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var touched []lead.Entry
	for _, e := range hist {
		if e.Change == lead.ChangeTouched {
			touched = append(touched, e)
		}
	}
	if len(touched) != 2 || touched[0].Touch.Channel != "call" || touched[0].Note != "caixa postal" || !touched[1].Touch.At.Equal(now().Add(-time.Hour)) {
		t.Fatalf("touched entries %+v, want the call with its note, then the WhatsApp an hour back", touched)
	}
	if i := lead.VerifyChain(hist); i != -1 {
		t.Fatalf("history chain breaks at %d", i)
	}
	// Partners see the attempt, never the note.
	partner, err := svc.History(ctx, auth.Principal{Role: auth.RolePartner, PartnerID: "p1"}, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range partner.Partner {
		if e.Change == lead.ChangeTouched && e.Touch == nil {
			t.Errorf("the partner's touched entry %+v does not say how the contact was tried", e)
		}
	}
}

func TestTouchNeedsALeadBeingWorked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memstore.New()
	id := assignedLead(t, st, intaketest.ValidBody)
	svc := lifecycle.NewService(st, now)
	mgr := auth.Principal{Role: auth.RoleManager, SubjectID: "m", KeyID: "k"}
	if _, err := svc.ChangeStatus(ctx, mgr, id, lifecycle.Request{To: lead.StatusJunk, Reason: "teste"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.LogTouch(ctx, mgr, id, lifecycle.TouchRequest{Touch: lead.Touch{Channel: "email", Outcome: "reached"}}); !errors.Is(err, lead.ErrNotBeingWorked) {
		t.Fatalf("a touch on a junk lead: %v, want not being worked", err)
	}
}
