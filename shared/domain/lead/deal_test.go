package lead

import (
	"errors"
	"testing"
	"time"
)

func TestWonNeedsADealAndReopenNeedsAManager(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	deal := &Deal{Value: Money{Amount: 1000_00, Currency: "BRL"}, ContractStart: "2026-11-01"}
	rep, mgr := Actor{ID: "rep-1", Role: "rep"}, Actor{ID: "m-1", Role: "manager"}
	proposal := Lead{ID: "L", Status: StatusProposal, OwnerID: "rep-1", Version: 5}
	won, _, err := ChangeStatus(proposal, StatusChange{To: StatusWon, Deal: deal, Actor: rep, At: at})
	if err != nil || won.Deal == nil || won.Deal.Value.Amount != 1000_00 {
		t.Fatalf("won: %+v %v", won, err)
	}
	cases := []struct {
		name string
		from Lead
		c    StatusChange
		want error
	}{
		{"won without deal", proposal, StatusChange{To: StatusWon, Actor: rep, At: at}, ErrDealRequired},
		{"won with a bad deal", proposal, StatusChange{To: StatusWon, Deal: &Deal{Value: Money{Amount: -1, Currency: "brl"}, ContractStart: "1/11/2026"}, Actor: rep, At: at}, ErrDealRequired},
		{"reopen without reason", won, StatusChange{To: StatusProposal, Actor: mgr, At: at}, ErrReasonRequired},
		{"reopen by a rep", won, StatusChange{To: StatusProposal, Reason: "customer withdrew", Actor: rep, At: at}, ErrReopenForbidden},
		{"won → lost directly", won, StatusChange{To: StatusLost, Reason: "x", Actor: mgr, At: at}, &TransitionError{}},
	}
	for _, c := range cases {
		_, _, err := ChangeStatus(c.from, c.c)
		var te *TransitionError
		if !errors.Is(err, c.want) && !(errors.As(c.want, &te) && errors.As(err, &te)) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
	reopened, e, err := ChangeStatus(won, StatusChange{To: StatusProposal, Reason: "customer withdrew", Actor: mgr, At: at})
	if err != nil || reopened.Deal != nil || e.From != StatusWon || !reopened.Status.Open() {
		t.Fatalf("reopen: %+v %v", reopened, err)
	}
	if !StatusWon.Terminal() || StatusWon.PathTo(StatusLost) != nil {
		t.Fatal("won must stay terminal for syncs")
	}
	ev, err := EventFor(won, Entry{LeadID: "L", Seq: 6, Change: ChangeStatusChanged, From: StatusProposal, To: StatusWon, Actor: rep, At: at})
	if d := ev.Detail.(StatusChangedDetail); err != nil || d.Deal == nil || d.Deal.ContractStart != "2026-11-01" {
		t.Fatalf("won event carries the deal: %+v %v", ev, err)
	}
}
