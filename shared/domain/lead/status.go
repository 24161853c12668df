// Package lead holds the lead aggregate and the one standard lifecycle that
// every team and every service uses. It has no AWS imports.
package lead

import "fmt"

// Status is a stage of the standard lead lifecycle.
type Status string

const (
	StatusNew         Status = "new"
	StatusAssigned    Status = "assigned"
	StatusContacted   Status = "contacted"
	StatusQualified   Status = "qualified"
	StatusProposal    Status = "proposal"
	StatusWon         Status = "won"
	StatusLost        Status = "lost"
	StatusUnreachable Status = "unreachable"
	StatusRecycled    Status = "recycled"
	StatusJunk        Status = "junk"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{
	StatusNew, StatusAssigned, StatusContacted, StatusQualified, StatusProposal,
	StatusWon, StatusLost, StatusUnreachable, StatusRecycled, StatusJunk,
}

// transitions is the single definition of allowed moves. Backward moves are
// listed explicitly where the business allows them.
var transitions = map[Status][]Status{
	StatusNew:         {StatusAssigned, StatusJunk},
	StatusAssigned:    {StatusContacted, StatusUnreachable, StatusRecycled, StatusJunk, StatusLost},
	StatusContacted:   {StatusQualified, StatusUnreachable, StatusRecycled, StatusJunk, StatusLost},
	StatusQualified:   {StatusProposal, StatusContacted, StatusRecycled, StatusLost},
	StatusProposal:    {StatusWon, StatusLost, StatusQualified},
	StatusUnreachable: {StatusContacted, StatusRecycled, StatusLost, StatusJunk},
	StatusRecycled:    {StatusNew},
	StatusWon:         {StatusProposal}, // reopen: the deal fell through
	StatusLost:        {},
	StatusJunk:        {},
}

// reasonRequired marks the statuses a change into must explain.
var reasonRequired = map[Status]bool{StatusLost: true, StatusJunk: true, StatusRecycled: true}

// ParseStatus returns the status named s, or an error for an unknown name.
func ParseStatus(s string) (Status, error) {
	st := Status(s)
	if _, ok := transitions[st]; !ok {
		return "", fmt.Errorf("unknown status %q", s)
	}
	return st, nil
}

// terminal statuses close a lead. Won can still be reopened (won →
// proposal) by a manager, which reverses its commission.
var terminal = map[Status]bool{StatusWon: true, StatusLost: true, StatusJunk: true}

// Terminal reports whether s closes the lead.
func (s Status) Terminal() bool { return terminal[s] }

// Open reports whether a lead in s is still being worked: not won, lost or junk.
// Open leads hold their identity against duplicates and channel conflict.
func (s Status) Open() bool { return !s.Terminal() }

// RequiresReason reports whether moving into s needs a reason.
func (s Status) RequiresReason() bool { return reasonRequired[s] }

// CanMoveTo reports whether the lifecycle allows s → to.
func (s Status) CanMoveTo(to Status) bool {
	for _, t := range transitions[s] {
		if t == to {
			return true
		}
	}
	return false
}

// Next lists the statuses reachable from s in one move.
func (s Status) Next() []Status { return append([]Status(nil), transitions[s]...) }
