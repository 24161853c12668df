package routing

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// FuzzParseRuleSet: any body is a valid rule set or a validation error,
// never a panic; a rule set that parses survives a JSON round trip and
// compiles into an engine that can decide.
func FuzzParseRuleSet(f *testing.F) {
	f.Add([]byte(`{"fallbackOwner":"a","rules":[{"id":"r","pool":["a","team:t"],"strategy":"weighted_round_robin","when":{"countries":["BR"],"grades":["A"]}}],"scoring":{"gradeA":80,"gradeB":40}}`))
	f.Add([]byte(`{"fallbackOwner":"a","rules":[],"scoring":{"gradeA":1,"gradeB":2}}`))
	f.Add([]byte(`{"rules":[{"id":"","pool":[]}]}`))
	f.Add([]byte(`{"fallbackOwner":"a","slaHours":{"timeZone":"Mars/Base"}}`))
	f.Add([]byte(`[]`))
	reps := map[string]Rep{}
	for _, id := range []string{"a", "b"} {
		r := Rep{ID: id, Active: true, Weight: 1, Capacity: Capacity{MaxOpen: 5},
			Hours: WorkingHours{TimeZone: "America/Sao_Paulo", Calendar: "BR", Weekdays: []int{1, 2, 3, 4, 5}, Start: "09:00", End: "18:00"}}
		if err := r.Prepare(nil); err != nil {
			f.Fatal(err)
		}
		reps[id] = r
	}
	teams := map[string]Team{"t": {ID: "t", Name: "T", Members: []string{"b"}}}
	f.Fuzz(func(t *testing.T, body []byte) {
		rs, err := ParseRuleSet(body, reps, teams, nil)
		if err != nil {
			var ve *validation.Error
			if !errors.As(err, &ve) {
				t.Fatalf("not a validation error: %T %v", err, err)
			}
			return
		}
		b, err := json.Marshal(rs)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseRuleSet(b, reps, teams, nil)
		if err != nil {
			t.Fatalf("a valid rule set did not survive a round trip: %v\n%s", err, b)
		}
		expanded, err := expandPools(again, teams)
		if err != nil {
			t.Fatalf("a valid rule set names an unknown team: %v", err)
		}
		if _, err := NewEngine(expanded, reps, nil); err != nil {
			t.Fatalf("a valid rule set does not compile: %v", err)
		}
	})
}
