package lead

import (
	"testing"
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
