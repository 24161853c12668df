// Package routing decides, in real time and at any hour, who owns a new
// lead: scoring, ordered rules, weighted round-robin, least-loaded and
// score-tier strategies, working hours, holidays, out-of-office, capacity,
// on-call and fallback. Deciding is pure; the router service commits a
// decision with conditional writes.
package routing

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Paths a decision can take.
const (
	PathRule     = "rule"     // a rule's pool had an eligible rep
	PathOnCall   = "on_call"  // nobody in the pool was available: on-call rotation
	PathFallback = "fallback" // nobody on call either, or no rule matched
)

// Exclusion reasons, as shown in explanations.
const (
	ExUnknown     = "unknown_rep"
	ExInactive    = "inactive"
	ExAway        = "out_of_office"
	ExHours       = "outside_working_hours"
	ExTerritory   = "territory"
	ExIndustry    = "skill_industry"
	ExSize        = "skill_size"
	ExProduct     = "skill_product"
	ExAtCapacity  = "at_capacity"
	ExDailyCap    = "daily_cap"
	ExTier        = "not_senior"
	ExRecalled    = "recalled_from"
	ExNotSelected = "" // eligible, not chosen
)

// Exclusions are the reasons a candidate can be left out, for the app's
// catalogue.
var Exclusions = []string{ExUnknown, ExInactive, ExAway, ExHours, ExTerritory, ExIndustry, ExSize, ExProduct, ExAtCapacity, ExDailyCap, ExTier, ExRecalled}

// Paths are the ways a decision can end.
var Paths = []string{PathRule, PathOnCall, PathFallback}

// Load is a rep's current load.
type Load struct {
	Open     int    `json:"open"`
	Day      string `json:"day"`
	DayCount int    `json:"dayCount"`
}

func (l Load) today(day string) int {
	if l.Day == day {
		return l.DayCount
	}
	return 0
}

// Candidate is one rep considered, and why it was left out if it was.
type Candidate struct {
	RepID    string  `json:"repId"`
	Excluded string  `json:"excluded,omitempty"`
	Load     float64 `json:"load"` // open ÷ capacity
}

// Decision is a routing decision with its full explanation.
type Decision struct {
	LeadID        string      `json:"leadId"`
	At            time.Time   `json:"at"`
	RuleSet       int         `json:"ruleSetVersion"`
	RuleID        string      `json:"ruleId,omitempty"`
	Strategy      string      `json:"strategy,omitempty"`
	Path          string      `json:"path"`
	Score         int         `json:"score"`
	Grade         string      `json:"grade"`
	Candidates    []Candidate `json:"candidates"`
	OnCall        []Candidate `json:"onCall,omitempty"`
	PointerBefore int64       `json:"pointerBefore,omitempty"`
	PointerAfter  int64       `json:"pointerAfter,omitempty"`
	Chosen        string      `json:"chosen"`
	// FirstContactDueAt is when the first-contact SLA runs out, on the
	// owner's business clock.
	FirstContactDueAt time.Time `json:"firstContactDueAt"`
	// WithinCapacity: the choice must respect the rep's capacity when it is
	// committed. On-call and fallback owners are the safety net and take a
	// lead even when full, so that no lead is ever left unowned.
	WithinCapacity bool `json:"withinCapacity"`
}

// Engine is a compiled rule set over a set of reps.
type Engine struct {
	rs       RuleSet
	rules    []compiledRule // rs.Rules, in order, each with its strategy
	reps     map[string]Rep
	onCall   []string
	slaHours WorkingHours
}

// compiledRule is a rule with its strategy readied for its pool.
type compiledRule struct {
	Rule
	strategy strategy
	pick     picker
}

// NewEngine compiles a rule set. Reps must have been Prepare()d with the
// same calendars. It fails only on a rule whose strategy is not registered,
// which a validated rule set never has.
func NewEngine(rs RuleSet, reps map[string]Rep, calendars map[string]Calendar) (*Engine, error) {
	e := &Engine{rs: rs, reps: reps, slaHours: DefaultSLAHours}
	if rs.SLAHours != nil {
		e.slaHours = *rs.SLAHours
	}
	if err := e.slaHours.prepare(calendars); err != nil {
		e.slaHours = DefaultSLAHours
		_ = e.slaHours.prepare(nil)
	}
	for _, r := range rs.Rules {
		s, err := lookupStrategy(r.Strategy)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		e.rules = append(e.rules, compiledRule{Rule: r, strategy: s, pick: s.Compile(r.Pool, reps)})
	}
	for id, r := range reps {
		if r.OnCall {
			e.onCall = append(e.onCall, id)
		}
	}
	slices.Sort(e.onCall)
	return e, nil
}

// RuleSet returns the compiled rule set.
func (e *Engine) RuleSet() RuleSet { return e.rs }

// Scored returns the facts with score and grade set by the rule set's model.
func (e *Engine) Scored(f Facts) Facts {
	e.rs.Scoring.Apply(&f)
	return f
}

// Decide picks the owner of a scored lead and starts its first-contact SLA
// clock. loads holds the pool's and the on-call reps' loads; pointers the
// round-robin pointers by rule id.
func (e *Engine) Decide(f Facts, loads map[string]Load, pointers map[string]int64, now time.Time) Decision {
	d := e.decide(f, loads, pointers, now)
	sla := e.rs.firstContact()
	switch d.Path {
	case PathRule:
		d.FirstContactDueAt = e.reps[d.Chosen].Hours.AddBusiness(now, sla)
	case PathOnCall:
		d.FirstContactDueAt = now.Add(sla) // on call means now, whatever the hour
	default:
		d.FirstContactDueAt = e.slaHours.AddBusiness(now, sla)
	}
	return d
}

// FirstContactDue is when a lead handed to repID now is due its first
// contact, on the rep's business hours (a reassignment restarts the clock).
func (e *Engine) FirstContactDue(repID string, now time.Time) time.Time {
	return e.reps[repID].Hours.AddBusiness(now, e.rs.firstContact())
}

func (e *Engine) decide(f Facts, loads map[string]Load, pointers map[string]int64, now time.Time) Decision {
	d := Decision{LeadID: f.LeadID, At: now, RuleSet: e.rs.Version, Score: f.Score, Grade: f.Grade}
	rule := e.match(f)
	if rule == nil {
		d.Path, d.Chosen = PathFallback, e.rs.FallbackOwner
		return d
	}
	d.RuleID, d.Strategy = rule.ID, rule.Strategy
	d.Candidates = make([]Candidate, len(rule.Pool))
	eligible := make([]bool, len(rule.Pool))
	any := false
	for i, id := range rule.Pool {
		d.Candidates[i] = e.candidate(id, f, loads, now, !rule.AllowAfterHours, true)
		eligible[i] = d.Candidates[i].Excluded == ExNotSelected
		any = any || eligible[i]
	}
	if any {
		d.Path, d.WithinCapacity = PathRule, true
		c := choice{facts: f, reps: e.reps, candidates: d.Candidates, eligible: eligible}
		if rule.strategy.UsesPointer() {
			c.pointer = pointers[rule.ID]
			d.PointerBefore = c.pointer
		}
		d.Chosen, d.PointerAfter = rule.pick(&c)
		return d
	}
	// Nobody in the pool can take it now: the on-call rotation picks the
	// least loaded of its active reps who are not out of office, whatever
	// the hour, territory, skills or load.
	d.OnCall = make([]Candidate, len(e.onCall))
	onCallOK := make([]bool, len(e.onCall))
	for i, id := range e.onCall {
		d.OnCall[i] = e.candidate(id, f, loads, now, false, false)
		onCallOK[i] = d.OnCall[i].Excluded == ExNotSelected
	}
	if c := leastLoaded(d.OnCall, onCallOK); c != "" {
		d.Path, d.Chosen = PathOnCall, c
		return d
	}
	d.Path, d.Chosen = PathFallback, cmp.Or(rule.FallbackOwner, e.rs.FallbackOwner)
	return d
}

// match returns the first rule whose conditions hold, or nil.
func (e *Engine) match(f Facts) *compiledRule {
	for i := range e.rules {
		if e.rules[i].When.match(f) {
			return &e.rules[i]
		}
	}
	return nil
}

// candidate checks one rep against the lead and the clock. Pool members get
// every check; the on-call safety net only active and out-of-office.
func (e *Engine) candidate(id string, f Facts, loads map[string]Load, now time.Time, checkHours, pool bool) Candidate {
	c := Candidate{RepID: id}
	r, ok := e.reps[id]
	if !ok {
		c.Excluded = ExUnknown
		return c
	}
	l := loads[id]
	c.Load = float64(l.Open) / float64(max(r.Capacity.MaxOpen, 1))
	switch {
	case id == f.Exclude:
		c.Excluded = ExRecalled
	case !r.Active:
		c.Excluded = ExInactive
	case r.Away(now):
		c.Excluded = ExAway
	case checkHours && !r.Hours.Working(now):
		c.Excluded = ExHours
	case !pool:
	case !r.covers(f.Country, f.State):
		c.Excluded = ExTerritory
	case !anyOrContains(r.Skills.Industries, f.Industry):
		c.Excluded = ExIndustry
	case !anyOrContains(r.Skills.Sizes, f.Size):
		c.Excluded = ExSize
	case !anyOrContains(r.Skills.Products, f.Product):
		c.Excluded = ExProduct
	case l.Open >= r.Capacity.MaxOpen:
		c.Excluded = ExAtCapacity
	case r.Capacity.DailyCap > 0 && l.today(r.Hours.Day(now)) >= r.Capacity.DailyCap:
		c.Excluded = ExDailyCap
	}
	return c
}

// leastLoaded picks the eligible candidate with the lowest open ÷ capacity,
// then the lowest id.
func leastLoaded(cs []Candidate, eligible []bool) string {
	best := -1
	for i, c := range cs {
		if !eligible[i] {
			continue
		}
		if best < 0 || c.Load < cs[best].Load || (c.Load == cs[best].Load && c.RepID < cs[best].RepID) {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return cs[best].RepID
}
