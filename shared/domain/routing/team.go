package routing

import (
	"fmt"
	"strings"

	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Team is a named group of reps. A rule's pool may list "team:<id>" to take
// the team's members, so moving a rep between teams needs no rule change.
type Team struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Members []string `json:"members"`
}

const teamRef = "team:"

// Validate checks a team against the known reps.
func (t Team) Validate(reps map[string]Rep) error {
	var ve validation.Error
	if t.ID == "" || len(t.ID) > 64 || strings.ContainsAny(t.ID, "#/ :") {
		ve.Add("id", "invalid", "is required: up to 64 characters, no '#', '/', ':' or spaces")
	}
	if len(t.Members) == 0 {
		ve.Add("members", "required", "names at least one rep")
	}
	for _, m := range t.Members {
		if _, ok := reps[m]; !ok {
			ve.Add("members", "unknown_rep", "rep %q does not exist", m)
		}
	}
	return ve.OrNil()
}

// expandPools replaces "team:<id>" entries in every rule's pool with the
// team's members, keeping order and dropping repeats.
func expandPools(rs RuleSet, teams map[string]Team) (RuleSet, error) {
	out := rs
	out.Rules = make([]Rule, len(rs.Rules))
	for i, r := range rs.Rules {
		var pool []string
		seen := map[string]bool{}
		for _, m := range r.Pool {
			members := []string{m}
			if id, ok := strings.CutPrefix(m, teamRef); ok {
				t, found := teams[id]
				if !found {
					return RuleSet{}, fmt.Errorf("rule %s: unknown team %q", r.ID, id)
				}
				members = t.Members
			}
			for _, x := range members {
				if !seen[x] {
					seen[x] = true
					pool = append(pool, x)
				}
			}
		}
		r.Pool = pool
		out.Rules[i] = r
	}
	return out, nil
}
