package routing

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/fault"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// ConfigStore is what routing administration needs: reps and versioned
// rule sets. A saved rule set is never rewritten; saving makes a new version.
type ConfigStore interface {
	Config
	PutRep(ctx context.Context, r Rep) error
	PutCalendar(ctx context.Context, c CalendarDef) error
	PutTeam(ctx context.Context, t Team) error
	// AddRuleSet stores rs as version rs.Version; ErrRuleSetVersionTaken if
	// another save got there first.
	AddRuleSet(ctx context.Context, rs RuleSet) error
}

var ErrRuleSetVersionTaken = fault.New(fault.Conflict, "conflict", "Conflict", "the rule set was saved since the version you read; reload and retry")

// Admin manages reps and rule sets.
type Admin struct{ Store ConfigStore }

// PutRep validates and stores rep id (create or replace).
func (a Admin) PutRep(ctx context.Context, id string, body []byte) (Rep, error) {
	var r Rep
	if err := validation.Decode(body, &r); err != nil {
		return Rep{}, err
	}
	if r.ID != id {
		return Rep{}, validation.Field("id", "mismatch", "must equal the id in the path")
	}
	cals, err := a.calendars(ctx)
	if err != nil {
		return Rep{}, err
	}
	if err := r.Prepare(cals); err != nil {
		return Rep{}, err
	}
	if err := a.Store.PutRep(ctx, r); err != nil {
		return Rep{}, fmt.Errorf("store rep %s: %w", r.ID, err)
	}
	return r, nil
}

// PutTeam validates and stores a team (create or replace).
func (a Admin) PutTeam(ctx context.Context, id string, body []byte) (Team, error) {
	var t Team
	if err := validation.Decode(body, &t); err != nil {
		return Team{}, err
	}
	if t.ID != id {
		return Team{}, validation.Field("id", "mismatch", "must equal the id in the path")
	}
	reps, err := a.repMap(ctx)
	if err != nil {
		return Team{}, err
	}
	if err := t.Validate(reps); err != nil {
		return Team{}, err
	}
	if err := a.Store.PutTeam(ctx, t); err != nil {
		return Team{}, fmt.Errorf("store team %s: %w", id, err)
	}
	return t, nil
}

func (a Admin) teamMap(ctx context.Context) (map[string]Team, error) {
	list, err := a.Store.Teams(ctx)
	if err != nil {
		return nil, fmt.Errorf("read teams: %w", err)
	}
	return teamsByID(list), nil
}

func teamsByID(list []Team) map[string]Team {
	m := make(map[string]Team, len(list))
	for _, t := range list {
		m[t.ID] = t
	}
	return m
}

// PutCalendar validates and stores a business calendar (create or replace).
func (a Admin) PutCalendar(ctx context.Context, name string, body []byte) (CalendarDef, error) {
	var c CalendarDef
	if err := validation.Decode(body, &c); err != nil {
		return CalendarDef{}, err
	}
	if c.Name != name {
		return CalendarDef{}, validation.Field("name", "mismatch", "must equal the name in the path")
	}
	if err := c.Validate(); err != nil {
		return CalendarDef{}, err
	}
	if err := a.Store.PutCalendar(ctx, c); err != nil {
		return CalendarDef{}, fmt.Errorf("store calendar %s: %w", name, err)
	}
	return c, nil
}

func (a Admin) calendars(ctx context.Context) (map[string]Calendar, error) {
	defs, err := a.Store.Calendars(ctx)
	if err != nil {
		return nil, fmt.Errorf("read calendars: %w", err)
	}
	return Calendars(defs), nil
}

// SaveRuleSet validates a rule set against the current reps and stores it as
// the next version. ifVersion, when not 0, must be the current version: the
// one the caller read and edited.
func (a Admin) SaveRuleSet(ctx context.Context, body []byte, ifVersion int) (RuleSet, error) {
	reps, err := a.repMap(ctx)
	if err != nil {
		return RuleSet{}, err
	}
	cals, err := a.calendars(ctx)
	if err != nil {
		return RuleSet{}, err
	}
	teams, err := a.teamMap(ctx)
	if err != nil {
		return RuleSet{}, err
	}
	rs, err := ParseRuleSet(body, reps, teams, cals)
	if err != nil {
		return RuleSet{}, err
	}
	cur, err := a.Store.RuleSet(ctx)
	if err != nil {
		return RuleSet{}, fmt.Errorf("read rule set: %w", err)
	}
	if ifVersion != 0 && cur.Version != ifVersion {
		// The save a client resends because its answer was lost has landed
		// as the very next version: answer it again rather than 409.
		if cur.Version == ifVersion+1 && sameRules(cur, rs) {
			return cur, nil
		}
		return RuleSet{}, ErrRuleSetVersionTaken
	}
	rs.Version = cur.Version + 1
	if err := a.Store.AddRuleSet(ctx, rs); err != nil {
		return RuleSet{}, err
	}
	return rs, nil
}

// sameRules compares two rule sets but for their versions.
func sameRules(a, b RuleSet) bool {
	a.Version, b.Version = 0, 0
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

func (a Admin) repMap(ctx context.Context) (map[string]Rep, error) {
	list, err := a.Store.Reps(ctx)
	if err != nil {
		return nil, fmt.Errorf("read reps: %w", err)
	}
	m := make(map[string]Rep, len(list))
	for _, r := range list {
		m[r.ID] = r
	}
	return m, nil
}

// RecentLeads finds the most recently updated leads, for "replay the last N".
type RecentLeads interface {
	Recent(ctx context.Context, n int) ([]lead.Lead, error)
}

// SimulationRequest asks what a proposed rule set would do with either the
// last N leads or the given submissions (the POST /v1/leads body format).
type SimulationRequest struct {
	RuleSet json.RawMessage   `json:"ruleSet"`
	Last    int               `json:"last,omitempty"`
	Leads   []json.RawMessage `json:"leads,omitempty"`
	// At is when given submissions are taken to arrive (default: now).
	At time.Time `json:"at,omitempty"`
}

// MaxSimulatedLeads bounds one simulation.
const MaxSimulatedLeads = 10_000

// LeadParser reads a lead submission the way intake does (intake.ParseLead),
// as the lead id it would become at a time.
type LeadParser func(body []byte, id string, at time.Time) (lead.Lead, error)

// Simulate replays leads against a proposed rule set and the current reps,
// writing nothing.
func (a Admin) Simulate(ctx context.Context, req SimulationRequest, recent RecentLeads, parse LeadParser, now time.Time) (Report, error) {
	var ve validation.Error
	switch {
	case (req.Last > 0) == (len(req.Leads) > 0):
		ve.Add("last", "invalid", "give either last (1 to %d) or leads", MaxSimulatedLeads)
	case req.Last > MaxSimulatedLeads || len(req.Leads) > MaxSimulatedLeads:
		ve.Add("last", "out_of_range", "at most %d leads", MaxSimulatedLeads)
	}
	if err := ve.OrNil(); err != nil {
		return Report{}, err
	}
	reps, err := a.repMap(ctx)
	if err != nil {
		return Report{}, err
	}
	cals, err := a.calendars(ctx)
	if err != nil {
		return Report{}, err
	}
	teams, err := a.teamMap(ctx)
	if err != nil {
		return Report{}, err
	}
	rs, err := ParseRuleSet(req.RuleSet, reps, teams, cals)
	if err != nil {
		return Report{}, err
	}
	if rs, err = expandPools(rs, teams); err != nil {
		return Report{}, err
	}
	for id, r := range reps {
		if err := r.Prepare(cals); err != nil {
			return Report{}, fmt.Errorf("rep %s: %w", id, err)
		}
		reps[id] = r
	}
	var leads []SimLead
	if req.Last > 0 {
		ls, err := recent.Recent(ctx, req.Last)
		if err != nil {
			return Report{}, fmt.Errorf("read recent leads: %w", err)
		}
		for _, l := range ls {
			leads = append(leads, SimLead{Facts: FactsOf(l), At: l.ReceivedAt})
		}
	}
	at := req.At
	if at.IsZero() {
		at = now
	}
	for i, body := range req.Leads {
		l, err := parse(body, fmt.Sprintf("sim-%d", i), at)
		if err != nil {
			return Report{}, fmt.Errorf("leads[%d]: %w", i, err)
		}
		leads = append(leads, SimLead{Facts: FactsOf(l), At: at})
	}
	e, err := NewEngine(rs, reps, cals)
	if err != nil {
		return Report{}, err
	}
	return e.Simulate(leads), nil
}
