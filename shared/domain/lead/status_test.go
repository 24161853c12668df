package lead

import (
	"errors"
	"testing"
	"time"
)

func TestTransitions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, to Status
		ok       bool
	}{
		{StatusNew, StatusAssigned, true},
		{StatusNew, StatusWon, false},
		{StatusAssigned, StatusContacted, true},
		{StatusContacted, StatusQualified, true},
		{StatusQualified, StatusProposal, true},
		{StatusProposal, StatusQualified, true}, // backward move the business allows
		{StatusProposal, StatusWon, true},
		{StatusProposal, StatusNew, false},
		{StatusRecycled, StatusNew, true},
		{StatusWon, StatusLost, false},
		{StatusLost, StatusNew, false},
		{StatusJunk, StatusNew, false},
		{StatusUnreachable, StatusContacted, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"→"+string(tt.to), func(t *testing.T) {
			t.Parallel()
			if got := tt.from.CanMoveTo(tt.to); got != tt.ok {
				t.Fatalf("CanMoveTo = %v, want %v", got, tt.ok)
			}
		})
	}
}

func TestEveryStatusIsDefinedAndReachable(t *testing.T) {
	t.Parallel()
	reached := map[Status]bool{StatusNew: true}
	for _, s := range Statuses {
		if _, err := ParseStatus(string(s)); err != nil {
			t.Fatalf("ParseStatus(%s): %v", s, err)
		}
		for _, n := range s.Next() {
			reached[n] = true
		}
	}
	for _, s := range Statuses {
		if !reached[s] {
			t.Errorf("%s cannot be reached from any status", s)
		}
	}
	if _, err := ParseStatus("closed"); err == nil {
		t.Fatal("ParseStatus accepted an unknown status")
	}
}

func TestTerminalAndReasons(t *testing.T) {
	t.Parallel()
	for _, s := range Statuses {
		wantTerminal := s == StatusWon || s == StatusLost || s == StatusJunk
		if s.Terminal() != wantTerminal || s.Open() == wantTerminal {
			t.Errorf("%s: Terminal=%v Open=%v", s, s.Terminal(), s.Open())
		}
		wantReason := s == StatusLost || s == StatusJunk || s == StatusRecycled
		if s.RequiresReason() != wantReason {
			t.Errorf("%s: RequiresReason=%v", s, s.RequiresReason())
		}
	}
}

func TestChangeStatus(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)
	due := at.Add(5 * time.Minute)
	base := Lead{ID: "L", Status: StatusAssigned, OwnerID: "rep-1", Version: 2, HistoryHash: "h1", FirstContactDueAt: &due}
	rep := Actor{ID: "rep-1", Role: "rep"}
	tests := []struct {
		name    string
		from    Status
		c       StatusChange
		wantErr error
		check   func(t *testing.T, l Lead, e Entry)
	}{
		{"first contact stops the SLA clock", StatusAssigned, StatusChange{To: StatusContacted, Actor: rep, At: at}, nil, func(t *testing.T, l Lead, e Entry) {
			if l.Status != StatusContacted || l.Version != 3 || l.FirstContactDueAt != nil || e.Seq != 3 || e.PrevHash != "h1" || l.HistoryHash != e.Hash || l.OwnerID != "rep-1" {
				t.Fatalf("%+v %+v", l, e)
			}
		}},
		{"lost needs a reason", StatusProposal, StatusChange{To: StatusLost, Actor: rep, At: at}, ErrReasonRequired, nil},
		{"junk with a reason", StatusContacted, StatusChange{To: StatusJunk, Reason: "spam", Actor: rep, At: at}, nil, nil},
		{"not allowed", StatusAssigned, StatusChange{To: StatusWon, Actor: rep, At: at}, &TransitionError{}, nil},
		{"assigning is routing's job", StatusNew, StatusChange{To: StatusAssigned, Actor: rep, At: at}, ErrAssignThroughRouting, nil},
		{"recycled back to new drops the owner", StatusRecycled, StatusChange{To: StatusNew, Actor: rep, At: at}, nil, func(t *testing.T, l Lead, e Entry) {
			if l.OwnerID != "" || e.Owner != "" || l.Status != StatusNew {
				t.Fatalf("%+v", l)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := base
			l.Status = tt.from
			next, e, err := ChangeStatus(l, tt.c)
			var te *TransitionError
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatal(err)
			case errors.As(tt.wantErr, &te):
				if !errors.As(err, &te) {
					t.Fatalf("err = %v, want a TransitionError", err)
				}
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, next, e)
			}
		})
	}
	for _, s := range Statuses {
		if s.HoldsOwner() && (s == StatusNew || s.Terminal() || s == StatusRecycled) {
			t.Errorf("%s must not hold an owner", s)
		}
	}
}

func TestPathTo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, to Status
		want     []Status
	}{
		{StatusContacted, StatusWon, []Status{StatusQualified, StatusProposal, StatusWon}},
		{StatusAssigned, StatusLost, []Status{StatusLost}},
		{StatusProposal, StatusProposal, []Status{}},
		{StatusWon, StatusLost, nil},
		{StatusNew, StatusContacted, nil}, // needs an owner first
	}
	for _, tt := range tests {
		got := tt.from.PathTo(tt.to)
		if (got == nil) != (tt.want == nil) || len(got) != len(tt.want) {
			t.Errorf("%s → %s: %v, want %v", tt.from, tt.to, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s → %s: %v, want %v", tt.from, tt.to, got, tt.want)
			}
		}
	}
}
