package routing

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// RuleSet is the ordered, versioned routing configuration. The first rule
// whose conditions match a lead decides its pool and strategy.
type RuleSet struct {
	Version       int     `json:"version"`
	Rules         []Rule  `json:"rules"`
	FallbackOwner string  `json:"fallbackOwner"`
	Scoring       Scoring `json:"scoring"`
	// FirstContactMinutes is the first-contact SLA: business minutes of the
	// owner's working hours (wall-clock minutes for on-call owners, SLAHours
	// for fallback owners). Default 5.
	FirstContactMinutes int           `json:"firstContactMinutes,omitempty"`
	SLAHours            *WorkingHours `json:"slaHours,omitempty"`
}

// DefaultSLAHours is the business clock for owners who are not reps when a
// rule set names none: Monday to Friday, 09:00–18:00 in São Paulo, BR holidays.
var DefaultSLAHours = WorkingHours{TimeZone: "America/Sao_Paulo", Calendar: "BR", Weekdays: []int{1, 2, 3, 4, 5}, Start: "09:00", End: "18:00"}

func (rs RuleSet) firstContact() time.Duration {
	if rs.FirstContactMinutes <= 0 {
		return 5 * time.Minute
	}
	return time.Duration(rs.FirstContactMinutes) * time.Minute
}

// Rule picks a pool and a strategy for the leads its conditions match.
type Rule struct {
	ID              string     `json:"id"`
	When            Conditions `json:"when"`
	Pool            []string   `json:"pool"`
	Strategy        string     `json:"strategy"`
	AllowAfterHours bool       `json:"allowAfterHours,omitempty"`
	FallbackOwner   string     `json:"fallbackOwner,omitempty"`
}

// Conditions match when every non-empty list contains the lead's value.
type Conditions struct {
	Countries  []string `json:"countries,omitempty"`
	States     []string `json:"states,omitempty"`
	Industries []string `json:"industries,omitempty"`
	Sizes      []string `json:"sizes,omitempty"`
	Products   []string `json:"products,omitempty"`
	Grades     []string `json:"grades,omitempty"`
	Partners   []string `json:"partners,omitempty"`
}

func (c Conditions) match(f Facts) bool {
	return anyOrContains(c.Countries, f.Country) && anyOrContains(c.States, f.State) &&
		anyOrContains(c.Industries, f.Industry) && anyOrContains(c.Sizes, f.Size) &&
		anyOrContains(c.Products, f.Product) && anyOrContains(c.Grades, f.Grade) &&
		anyOrContains(c.Partners, f.PartnerID)
}

// ParseRuleSet decodes and validates a rule set strictly. Pools may only
// name known reps, and SLA hours only known calendars.
func ParseRuleSet(body []byte, reps map[string]Rep, teams map[string]Team, calendars map[string]Calendar) (RuleSet, error) {
	var rs RuleSet
	if err := validation.Decode(bytes.TrimSpace(body), &rs); err != nil {
		return RuleSet{}, err
	}
	return rs, rs.Validate(reps, teams, calendars)
}

// Validate checks a rule set against the known reps and calendars.
func (rs RuleSet) Validate(reps map[string]Rep, teams map[string]Team, calendars map[string]Calendar) error {
	var ve validation.Error
	if rs.FirstContactMinutes < 0 || rs.FirstContactMinutes > 60*24*30 {
		ve.Add("firstContactMinutes", "out_of_range", "must be from 0 (default 5) to 43200")
	}
	if rs.SLAHours != nil {
		h := *rs.SLAHours
		if err := h.prepare(calendars); err != nil {
			ve.Add("slaHours", "invalid", "%s", err.Error())
		}
	}
	if rs.FallbackOwner == "" {
		ve.Add("fallbackOwner", "required", "is required, so that no lead is ever left unowned")
	} else if r, ok := reps[rs.FallbackOwner]; !ok || !r.Active {
		ve.Add("fallbackOwner", "unknown_rep", "%q is not an active rep: the fallback owner takes leads like any rep", rs.FallbackOwner)
	}
	if len(rs.Rules) > 500 {
		ve.Add("rules", "too_long", "at most 500 rules")
	}
	seen := map[string]bool{}
	for i, r := range rs.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		if r.ID == "" || seen[r.ID] {
			ve.Add(field+".id", "invalid", "is required and unique")
		}
		seen[r.ID] = true
		if _, err := lookupStrategy(r.Strategy); err != nil {
			ve.Add(field+".strategy", "invalid_enum", "%s", strategyChoices())
		}
		if len(r.Pool) == 0 {
			ve.Add(field+".pool", "required", "names at least one rep")
		}
		if fb, ok := reps[r.FallbackOwner]; r.FallbackOwner != "" && (!ok || !fb.Active) {
			ve.Add(field+".fallbackOwner", "unknown_rep", "%q is not an active rep", r.FallbackOwner)
		}
		for _, id := range r.Pool {
			if team, ok := strings.CutPrefix(id, teamRef); ok {
				if _, found := teams[team]; !found {
					ve.Add(field+".pool", "unknown_team", "team %q does not exist", team)
				}
			} else if _, ok := reps[id]; !ok {
				ve.Add(field+".pool", "unknown_rep", "rep %q does not exist", id)
			}
		}
		for _, g := range r.When.Grades {
			if g != "A" && g != "B" && g != "C" {
				ve.Add(field+".when.grades", "invalid_enum", "grades are A, B and C")
			}
		}
	}
	s := rs.Scoring
	if s.GradeA < s.GradeB {
		ve.Add("scoring", "invalid", "gradeA must be at least gradeB")
	}
	for i, p := range s.Points {
		if scoringAttributes[p.Attribute] == nil {
			ve.Add(fmt.Sprintf("scoring.points[%d].attribute", i), "invalid_enum", "must be industry, size, product, country, state or partner")
		}
	}
	return ve.OrNil()
}
