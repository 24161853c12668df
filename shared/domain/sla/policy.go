// Package sla holds follow-up SLA policies and the escalation ladder the
// scheduled scanner drives: remind the owner, escalate to managers, recall
// and re-route. It has no AWS imports.
package sla

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Actions of the ladder, in the order a ladder may use them.
const (
	Remind   = "remind"   // email the owner
	Escalate = "escalate" // email the policy's managers and the channels
	Recall   = "recall"   // take the lead from the owner and re-route it
	// Reroute routes a lead nobody owns again; only the unowned ladder
	// uses it (NextUnowned).
	Reroute = "reroute"
)

// DefaultProgram is the program of partners that have none, and the policy
// every program without its own falls back to.
const DefaultProgram = "default"

// Policy is the follow-up SLA of one partner program: per status, a ladder
// of steps measured on the policy's business clock since the lead's last
// update.
type Policy struct {
	Program string               `json:"program"`
	Version int                  `json:"version"`
	Hours   routing.WorkingHours `json:"workingHours"`
	Stages  []Stage              `json:"stages"`
	// EscalateTo are the managers' addresses escalations go to. Never logged.
	EscalateTo []string `json:"escalateTo,omitempty"`
	// MinTouches is how many logged touches a lead needs before it may be
	// given up as unreachable (the agreed attempts per lead); 0: none.
	MinTouches int       `json:"minTouchesBeforeUnreachable,omitempty"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// Stage is the ladder of one status.
type Stage struct {
	Status lead.Status `json:"status"`
	Steps  []Step      `json:"steps"`
}

// Step fires After business time without an update: "30m" and "4h" count
// working minutes and hours, "3d" business days (same local time).
type Step struct {
	Action string `json:"action"`
	After  string `json:"after"`
}

var afterPattern = regexp.MustCompile(`^([1-9][0-9]{0,3})([mhd])$`)

// span is a parsed After: working time, or business days.
type span struct {
	work time.Duration
	days int
}

func parseAfter(s string) (span, error) {
	m := afterPattern.FindStringSubmatch(s)
	if m == nil {
		return span{}, fmt.Errorf("must be a number and a unit m, h or d, e.g. 30m, 4h, 3d")
	}
	n, _ := strconv.Atoi(m[1])
	switch m[2] {
	case "m":
		return span{work: time.Duration(n) * time.Minute}, nil
	case "h":
		return span{work: time.Duration(n) * time.Hour}, nil
	default:
		if n > 90 {
			return span{}, fmt.Errorf("at most 90 business days")
		}
		return span{days: n}, nil
	}
}

// longer reports whether a is strictly longer than b, counting a business
// day as at least one working day (so 1d > 8h always holds).
func (a span) longer(b span) bool {
	ad, bd := a.days*24*60+int(a.work/time.Minute), b.days*24*60+int(b.work/time.Minute)
	return ad > bd
}

var programPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// ValidProgram reports whether p is a well-formed program name.
func ValidProgram(p string) bool { return programPattern.MatchString(p) }

// MaxMinTouches bounds the touches a policy may ask for.
const MaxMinTouches = 20

// Validate checks a policy field by field and prepares its clock.
func (p *Policy) Validate() error {
	var ve validation.Error
	if !ValidProgram(p.Program) {
		ve.Add("program", "invalid", "is required: 1-32 of a-z, 0-9, '_' and '-'")
	}
	if err := p.Hours.Prepare(nil); err != nil {
		ve.Add("workingHours", "invalid", "%s", err.Error())
	}
	if p.MinTouches < 0 || p.MinTouches > MaxMinTouches {
		ve.Add("minTouchesBeforeUnreachable", "out_of_range", "must be from 0 to %d", MaxMinTouches)
	}
	seen := map[lead.Status]bool{}
	for i, st := range p.Stages {
		field := fmt.Sprintf("stages[%d]", i)
		if !st.Status.HoldsOwner() {
			ve.Add(field+".status", "invalid_enum", "must be a status in which a rep works the lead: assigned, contacted, qualified, proposal or unreachable")
		}
		if seen[st.Status] {
			ve.Add(field+".status", "duplicate", "%s has two ladders", st.Status)
		}
		seen[st.Status] = true
		if len(st.Steps) == 0 || len(st.Steps) > 5 {
			ve.Add(field+".steps", "invalid", "needs 1 to 5 steps")
		}
		var prev span
		for j, s := range st.Steps {
			sf := fmt.Sprintf("%s.steps[%d]", field, j)
			switch s.Action {
			case Remind, Escalate:
			case Recall:
				if j != len(st.Steps)-1 {
					ve.Add(sf+".action", "invalid", "recall must be the last step")
				}
			default:
				ve.Add(sf+".action", "invalid_enum", "must be remind, escalate or recall")
			}
			sp, err := parseAfter(s.After)
			if err != nil {
				ve.Add(sf+".after", "invalid", "%s", err.Error())
				continue
			}
			if j > 0 && !sp.longer(prev) {
				ve.Add(sf+".after", "not_increasing", "must be later than the step before")
			}
			prev = sp
		}
	}
	if len(p.EscalateTo) > 10 {
		ve.Add("escalateTo", "too_long", "at most 10 addresses")
	}
	for i, e := range p.EscalateTo {
		if at := strings.IndexByte(e, '@'); at < 1 || at == len(e)-1 || len(e) > 254 || strings.ContainsAny(e, " ,;<>") {
			ve.Add(fmt.Sprintf("escalateTo[%d]", i), "invalid_email", "must be an email address")
		}
	}
	return ve.OrNil()
}

// Default is the policy in force until an admin saves one: first contact
// within 5 business minutes of assignment, any open lead updated at least
// every 3 business days, escalation at 7 and recall at 10.
func Default() Policy {
	worked := []Step{{Remind, "3d"}, {Escalate, "7d"}, {Recall, "10d"}}
	p := Policy{
		Program: DefaultProgram,
		Hours:   routing.WorkingHours{TimeZone: "America/Sao_Paulo", Calendar: "BR", Weekdays: []int{1, 2, 3, 4, 5}, Start: "09:00", End: "18:00"},
		Stages: []Stage{
			{Status: lead.StatusAssigned, Steps: []Step{{Remind, "5m"}, {Escalate, "2h"}, {Recall, "1d"}}},
			{Status: lead.StatusContacted, Steps: worked},
			{Status: lead.StatusQualified, Steps: worked},
			{Status: lead.StatusProposal, Steps: worked},
			{Status: lead.StatusUnreachable, Steps: worked},
		},
	}
	_ = p.Hours.Prepare(nil)
	return p
}

// ladder returns the steps for status s, or nil.
func (p Policy) ladder(s lead.Status) []Step {
	for _, st := range p.Stages {
		if st.Status == s {
			return st.Steps
		}
	}
	return nil
}

// dueAt is when step fires for a lead idle since start.
func (p Policy) dueAt(start time.Time, step Step) time.Time {
	sp, err := parseAfter(step.After)
	if err != nil { // validated on save: unreachable for stored policies
		return start
	}
	if sp.days > 0 {
		return p.Hours.AddBusinessDays(start, sp.days)
	}
	return p.Hours.AddBusiness(start, sp.work)
}
