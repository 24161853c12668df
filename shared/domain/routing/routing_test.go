package routing

import (
	"math"
	"testing"
	"time"
)

var sp = mustLoc("America/Sao_Paulo")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// Tue 2026-03-10 10:00 in São Paulo: a business day, inside hours.
var tuesday10 = time.Date(2026, 3, 10, 10, 0, 0, 0, sp)

func rep(id string, mod ...func(*Rep)) Rep {
	r := Rep{ID: id, Name: id, Active: true, Weight: 1, Capacity: Capacity{MaxOpen: 10},
		Hours: WorkingHours{TimeZone: "America/Sao_Paulo", Calendar: "BR", Weekdays: []int{1, 2, 3, 4, 5}, Start: "09:00", End: "18:00"}}
	for _, m := range mod {
		m(&r)
	}
	if err := r.Prepare(nil); err != nil {
		panic(err)
	}
	return r
}

func team(rs ...Rep) map[string]Rep {
	m := map[string]Rep{}
	for _, r := range rs {
		m[r.ID] = r
	}
	return m
}

func ruleset(rules ...Rule) RuleSet {
	return RuleSet{Version: 3, Rules: rules, FallbackOwner: "mgr-fallback",
		Scoring: Scoring{GradeA: 60, GradeB: 30, CompletenessPoints: 20,
			Points:     []PointRule{{Attribute: "industry", Equals: "software", Points: 30}, {Attribute: "size", Equals: "500+", Points: 20}},
			ValueBands: []ValueBand{{MinMinor: 1_000_000, Points: 10}, {MinMinor: 10_000_000, Points: 25}}}}
}

// mustEngine compiles a rule set the test knows to be valid.
func mustEngine(tb testing.TB, rs RuleSet, reps map[string]Rep, calendars map[string]Calendar) *Engine {
	tb.Helper()
	e, err := NewEngine(rs, reps, calendars)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

var spLead = Facts{LeadID: "L1", PartnerID: "p1", Country: "BR", State: "SP", Industry: "software", Size: "10-49", Grade: "B"}

func TestFilters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		rep   Rep
		load  Load
		now   time.Time
		facts Facts
		want  string
	}{
		{"eligible", rep("r"), Load{}, tuesday10, spLead, ExNotSelected},
		{"inactive", rep("r", func(r *Rep) { r.Active = false }), Load{}, tuesday10, spLead, ExInactive},
		{"out of office", rep("r", func(r *Rep) { r.OutOfOffice = []Period{{tuesday10.Add(-time.Hour), tuesday10.Add(time.Hour)}} }), Load{}, tuesday10, spLead, ExAway},
		{"back from office", rep("r", func(r *Rep) { r.OutOfOffice = []Period{{tuesday10.Add(-2 * time.Hour), tuesday10}} }), Load{}, tuesday10, spLead, ExNotSelected},
		{"before hours", rep("r"), Load{}, time.Date(2026, 3, 10, 8, 59, 0, 0, sp), spLead, ExHours},
		{"at closing time", rep("r"), Load{}, time.Date(2026, 3, 10, 18, 0, 0, 0, sp), spLead, ExHours},
		{"saturday", rep("r"), Load{}, time.Date(2026, 3, 14, 10, 0, 0, 0, sp), spLead, ExHours},
		{"Tiradentes", rep("r"), Load{}, time.Date(2026, 4, 21, 10, 0, 0, 0, sp), spLead, ExHours},
		{"Good Friday", rep("r"), Load{}, time.Date(2026, 4, 3, 10, 0, 0, 0, sp), spLead, ExHours},
		{"Carnival Tuesday", rep("r"), Load{}, time.Date(2026, 2, 17, 10, 0, 0, 0, sp), spLead, ExHours},
		{"Consciência Negra", rep("r"), Load{}, time.Date(2026, 11, 20, 10, 0, 0, 0, sp), spLead, ExHours},
		{"rep in Lisbon hours", rep("r", func(r *Rep) { r.Hours.TimeZone, r.Hours.Calendar = "Europe/Lisbon", "" }), Load{}, time.Date(2026, 3, 10, 15, 0, 0, 0, sp), spLead, ExHours},
		{"territory state", rep("r", func(r *Rep) { r.Territories = []string{"BR-RJ"} }), Load{}, tuesday10, spLead, ExTerritory},
		{"territory country", rep("r", func(r *Rep) { r.Territories = []string{"BR"} }), Load{}, tuesday10, spLead, ExNotSelected},
		{"industry skill", rep("r", func(r *Rep) { r.Skills.Industries = []string{"retail"} }), Load{}, tuesday10, spLead, ExIndustry},
		{"size skill", rep("r", func(r *Rep) { r.Skills.Sizes = []string{"500+"} }), Load{}, tuesday10, spLead, ExSize},
		{"product skill", rep("r", func(r *Rep) { r.Skills.Products = []string{"ERP"} }), Load{}, tuesday10, spLead, ExProduct},
		{"at capacity", rep("r"), Load{Open: 10}, tuesday10, spLead, ExAtCapacity},
		{"daily cap today", rep("r", func(r *Rep) { r.Capacity.DailyCap = 3 }), Load{Open: 1, Day: "2026-03-10", DayCount: 3}, tuesday10, spLead, ExDailyCap},
		{"daily cap was yesterday", rep("r", func(r *Rep) { r.Capacity.DailyCap = 3 }), Load{Open: 1, Day: "2026-03-09", DayCount: 3}, tuesday10, spLead, ExNotSelected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEngine(t, ruleset(), team(tt.rep), nil)
			c := e.candidate("r", tt.facts, map[string]Load{"r": tt.load}, tt.now, true, true)
			if c.Excluded != tt.want {
				t.Fatalf("excluded = %q, want %q", c.Excluded, tt.want)
			}
		})
	}
}

func TestStrategiesAndPaths(t *testing.T) {
	t.Parallel()
	night := time.Date(2026, 3, 10, 23, 30, 0, 0, sp)
	christmas := time.Date(2026, 12, 25, 11, 0, 0, 0, sp)
	reps := team(
		rep("ana", func(r *Rep) { r.Tier = "senior" }),
		rep("bia"),
		rep("caio"),
		rep("duda", func(r *Rep) { r.OnCall = true; r.Territories = []string{"PT"} }),
	)
	pool := []string{"ana", "bia", "caio"}
	tests := []struct {
		name       string
		rule       Rule
		facts      Facts
		loads      map[string]Load
		now        time.Time
		path, want string
	}{
		{"least loaded", Rule{ID: "r1", Pool: pool, Strategy: LeastLoaded}, spLead, map[string]Load{"ana": {Open: 5}, "bia": {Open: 2}, "caio": {Open: 3}}, tuesday10, PathRule, "bia"},
		{"least loaded ties by id", Rule{ID: "r1", Pool: pool, Strategy: LeastLoaded}, spLead, nil, tuesday10, PathRule, "ana"},
		{"score tier sends A to seniors", Rule{ID: "r1", Pool: pool, Strategy: ScoreTier}, Facts{Country: "BR", Grade: "A"}, map[string]Load{"ana": {Open: 9}}, tuesday10, PathRule, "ana"},
		{"score tier keeps B from seniors", Rule{ID: "r1", Pool: pool, Strategy: ScoreTier}, Facts{Country: "BR", Grade: "B"}, map[string]Load{"bia": {Open: 4}, "caio": {Open: 2}}, tuesday10, PathRule, "caio"},
		{"score tier falls back to anyone in the pool", Rule{ID: "r1", Pool: []string{"bia"}, Strategy: ScoreTier}, Facts{Country: "BR", Grade: "A"}, nil, tuesday10, PathRule, "bia"},
		{"night goes on call, even outside its territory", Rule{ID: "r1", Pool: pool, Strategy: LeastLoaded}, spLead, nil, night, PathOnCall, "duda"},
		{"holiday goes on call", Rule{ID: "r1", Pool: pool, Strategy: WeightedRoundRobin}, spLead, nil, christmas, PathOnCall, "duda"},
		{"after-hours rule keeps its pool", Rule{ID: "r1", Pool: pool, Strategy: LeastLoaded, AllowAfterHours: true}, spLead, nil, night, PathRule, "ana"},
		{"everyone full goes on call", Rule{ID: "r1", Pool: pool, Strategy: LeastLoaded}, spLead, map[string]Load{"ana": {Open: 10}, "bia": {Open: 10}, "caio": {Open: 10}}, tuesday10, PathOnCall, "duda"},
		{"no rule matches: fallback", Rule{ID: "r1", When: Conditions{Countries: []string{"AR"}}, Pool: pool, Strategy: LeastLoaded}, spLead, nil, tuesday10, PathFallback, "mgr-fallback"},
		{"rule conditions on grade and partner", Rule{ID: "r1", When: Conditions{Grades: []string{"B"}, Partners: []string{"p1"}, States: []string{"SP"}}, Pool: []string{"caio"}, Strategy: LeastLoaded}, spLead, nil, tuesday10, PathRule, "caio"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := mustEngine(t, ruleset(tt.rule), reps, nil).Decide(tt.facts, tt.loads, nil, tt.now)
			if d.Path != tt.path || d.Chosen != tt.want {
				t.Fatalf("path %s chose %s; want %s %s (%+v)", d.Path, d.Chosen, tt.path, tt.want, d)
			}
			if d.Path == PathRule && !d.WithinCapacity {
				t.Fatal("a pool pick must respect capacity")
			}
		})
	}
}

func TestNobodyOnCallUsesRuleFallback(t *testing.T) {
	t.Parallel()
	reps := team(rep("ana"), rep("oncall", func(r *Rep) { r.OnCall = true; r.Active = false }))
	rs := ruleset(Rule{ID: "r1", Pool: []string{"ana"}, Strategy: LeastLoaded, FallbackOwner: "mgr-sp"})
	d := mustEngine(t, rs, reps, nil).Decide(spLead, nil, nil, time.Date(2026, 3, 15, 3, 0, 0, 0, sp))
	if d.Path != PathFallback || d.Chosen != "mgr-sp" || d.OnCall[0].Excluded != ExInactive {
		t.Fatalf("decision %+v", d)
	}
}

func TestRoundRobinSkipsUnavailableWithoutLosingOrder(t *testing.T) {
	t.Parallel()
	reps := team(rep("a"), rep("b", func(r *Rep) { r.Active = false }), rep("c"))
	e := mustEngine(t, ruleset(Rule{ID: "rr", Pool: []string{"a", "b", "c"}, Strategy: WeightedRoundRobin}), reps, nil)
	var got []string
	p := int64(0)
	for range 4 {
		d := e.Decide(spLead, nil, map[string]int64{"rr": p}, tuesday10)
		if d.PointerBefore != p || d.PointerAfter <= p {
			t.Fatalf("pointer %d → %d", d.PointerBefore, d.PointerAfter)
		}
		got = append(got, d.Chosen)
		p = d.PointerAfter
	}
	if want := []string{"a", "c", "a", "c"}; !equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

// Over 10,000 leads with everyone available, each rep's count stays within
// one lead of its weighted share, at every point of the sequence.
func TestWeightedRoundRobinIsFair(t *testing.T) {
	t.Parallel()
	weights := map[string]int{"a": 1, "b": 2, "c": 3, "d": 5, "e": 7, "f": 1, "g": 4}
	var ids []string
	var rs []Rep
	total := 0
	for id, w := range weights {
		rs = append(rs, rep(id, func(r *Rep) { r.Weight = w; r.Capacity.MaxOpen = 1 << 30 }))
		total += w
	}
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	e := mustEngine(t, ruleset(Rule{ID: "rr", Pool: ids, Strategy: WeightedRoundRobin}), team(rs...), nil)
	counts := map[string]int{}
	p := int64(0)
	for n := 1; n <= 10_000; n++ {
		d := e.Decide(spLead, nil, map[string]int64{"rr": p}, tuesday10)
		counts[d.Chosen]++
		p = d.PointerAfter
		for id, w := range weights {
			share := float64(n) * float64(w) / float64(total)
			if math.Abs(float64(counts[id])-share) > 1 {
				t.Fatalf("after %d leads %s has %d, share %.2f", n, id, counts[id], share)
			}
		}
	}
}

func TestScoring(t *testing.T) {
	t.Parallel()
	s := ruleset().Scoring
	tests := []struct {
		f     Facts
		score int
		grade string
	}{
		{Facts{Industry: "software", Size: "500+", ValueMinor: 20_000_000, Completeness: 1}, 30 + 20 + 25 + 20, "A"},
		{Facts{Industry: "software", ValueMinor: 2_000_000, Completeness: 0.5}, 30 + 10 + 10, "B"},
		{Facts{Industry: "retail", Completeness: 0.2}, 4, "C"},
	}
	for _, tt := range tests {
		f := tt.f
		s.Apply(&f)
		if f.Score != tt.score || f.Grade != tt.grade {
			t.Errorf("%+v: score %d grade %s, want %d %s", tt.f, f.Score, f.Grade, tt.score, tt.grade)
		}
	}
}

func TestEasterAndHolidays(t *testing.T) {
	t.Parallel()
	for y, want := range map[int]string{2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28"} {
		if got := Easter(y).Format(time.DateOnly); got != want {
			t.Errorf("Easter %d = %s, want %s", y, got, want)
		}
	}
	br := Brazil{}
	// 2024 is a leap year; 2038 has the latest Corpus Christi (Easter on 25 April).
	for _, d := range []string{"2026-01-01", "2026-02-16", "2026-02-17", "2026-04-03", "2026-06-04", "2026-09-07", "2026-11-20", "2026-12-25",
		"2024-02-12", "2024-02-13", "2024-03-29", "2024-05-30", "2025-06-19", "2038-06-24"} {
		t0, _ := time.Parse(time.DateOnly, d)
		if !br.Holiday(t0.Year(), t0.Month(), t0.Day()) {
			t.Errorf("%s should be a holiday", d)
		}
	}
	for _, d := range []string{"2026-03-10", "2026-02-18", "2023-11-20", "2024-05-31", "2024-03-28", "2038-06-23"} {
		t0, _ := time.Parse(time.DateOnly, d)
		if br.Holiday(t0.Year(), t0.Month(), t0.Day()) {
			t.Errorf("%s should be a business day", d)
		}
	}
}

func TestRuleSetValidation(t *testing.T) {
	t.Parallel()
	reps := team(rep("ana"))
	good := `{"version":1,"fallbackOwner":"ana","rules":[{"id":"r1","pool":["ana"],"strategy":"least_loaded"}],"scoring":{"gradeA":50,"gradeB":20}}`
	if _, err := ParseRuleSet([]byte(good), reps, nil, nil); err != nil {
		t.Fatalf("good rule set: %v", err)
	}
	bad := []string{
		`{"rules":[],"scoring":{"gradeA":1,"gradeB":0}}`,
		`{"fallbackOwner":"ana","rules":[{"id":"r1","pool":["zé"],"strategy":"least_loaded"}]}`,
		`{"fallbackOwner":"ana","rules":[{"id":"r1","pool":["ana"],"strategy":"random"}]}`,
		`{"fallbackOwner":"ana","rules":[{"id":"r1","pool":["ana"],"strategy":"least_loaded"},{"id":"r1","pool":["ana"],"strategy":"least_loaded"}]}`,
		`{"fallbackOwner":"ana","rules":[{"id":"r1","pool":[],"strategy":"least_loaded"}]}`,
		`{"fallbackOwner":"ana","rules":[{"id":"r1","pool":["ana"],"strategy":"least_loaded","when":{"grades":["S"]}}]}`,
		`{"fallbackOwner":"ana","scoring":{"gradeA":10,"gradeB":20}}`,
		`{"fallbackOwner":"ana","scoring":{"points":[{"attribute":"email","equals":"x","points":1}]}}`,
		`{"fallbackOwner":"ana","unknown":1}`,
		`{"fallbackOwner":"mgr-nobody","rules":[{"id":"r1","pool":["ana"],"strategy":"least_loaded"}]}`,
		`{"fallbackOwner":"ana","rules":[{"id":"r1","pool":["ana"],"strategy":"least_loaded","fallbackOwner":"typo"}]}`,
	}
	for _, b := range bad {
		if _, err := ParseRuleSet([]byte(b), reps, nil, nil); err == nil {
			t.Errorf("accepted %s", b)
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSimulate(t *testing.T) {
	t.Parallel()
	roomy := func(r *Rep) { r.Capacity.MaxOpen = 100 }
	reps := team(rep("a", roomy, func(r *Rep) { r.Weight = 3 }), rep("b", roomy), rep("oc", roomy, func(r *Rep) { r.OnCall = true }))
	e := mustEngine(t, ruleset(Rule{ID: "rr", Pool: []string{"a", "b"}, Strategy: WeightedRoundRobin}), reps, nil)
	var leads []SimLead
	for i := range 40 {
		leads = append(leads, SimLead{Facts: spLead, At: tuesday10.Add(time.Duration(i) * time.Minute)})
	}
	leads = append(leads, SimLead{Facts: spLead, At: time.Date(2026, 3, 10, 23, 0, 0, 0, sp)}) // night: on call
	r := e.Simulate(leads)
	if r.Leads != 41 || r.ByPath[PathRule] != 40 || r.ByPath[PathOnCall] != 1 || r.Unassigned != 0 {
		t.Fatalf("report %+v", r)
	}
	want := map[string]OwnerShare{"a": {"a", 30, 30, 0}, "b": {"b", 10, 10, 0}, "oc": {"oc", 1, 0, 1}}
	for _, o := range r.Owners {
		if o != want[o.Owner] {
			t.Errorf("owner %+v, want %+v", o, want[o.Owner])
		}
	}
}

func TestBusinessClock(t *testing.T) {
	t.Parallel()
	h := rep("r").Hours
	at := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, sp) }
	tests := []struct {
		name string
		from time.Time
		add  time.Duration
		want time.Time
	}{
		{"inside hours", at(2026, 3, 10, 10, 0), 5 * time.Minute, at(2026, 3, 10, 10, 5)},
		{"before opening", at(2026, 3, 10, 7, 0), 5 * time.Minute, at(2026, 3, 10, 9, 5)},
		{"friday evening to monday", at(2026, 3, 13, 17, 58), 5 * time.Minute, at(2026, 3, 16, 9, 3)},
		{"over Tiradentes", at(2026, 4, 20, 17, 58), 5 * time.Minute, at(2026, 4, 22, 9, 3)},
		{"saturday night", at(2026, 3, 14, 23, 0), 30 * time.Minute, at(2026, 3, 16, 9, 30)},
		{"more than a day of work", at(2026, 3, 10, 17, 0), 10 * time.Hour, at(2026, 3, 11, 18, 0)},
		{"a minute past that", at(2026, 3, 10, 17, 0), 10*time.Hour + time.Minute, at(2026, 3, 12, 9, 1)},
	}
	for _, tt := range tests {
		if got := h.AddBusiness(tt.from, tt.add); !got.Equal(tt.want) {
			t.Errorf("%s: %s + %s = %s, want %s", tt.name, tt.from, tt.add, got.In(sp), tt.want)
		}
	}
}

func TestCustomCalendar(t *testing.T) {
	t.Parallel()
	def := CalendarDef{Name: "SP", Extends: "BR", Dates: []string{"2026-07-09"}} // Revolução Constitucionalista
	if err := def.Validate(); err != nil {
		t.Fatal(err)
	}
	cals := Calendars([]CalendarDef{def})
	paulista := Rep{ID: "p", Active: true, Weight: 1, Capacity: Capacity{MaxOpen: 5},
		Hours: WorkingHours{TimeZone: "America/Sao_Paulo", Calendar: "SP", Weekdays: []int{1, 2, 3, 4, 5}, Start: "09:00", End: "18:00"}}
	if err := paulista.Prepare(cals); err != nil {
		t.Fatal(err)
	}
	if err := paulista.Prepare(nil); err == nil {
		t.Fatal("an unknown calendar was accepted")
	}
	_ = paulista.Prepare(cals)
	carioca := rep("c")
	july9, july8 := time.Date(2026, 7, 9, 10, 0, 0, 0, sp), time.Date(2026, 7, 8, 10, 0, 0, 0, sp)
	if paulista.Hours.Working(july9) || !carioca.Hours.Working(july9) || !paulista.Hours.Working(july8) {
		t.Fatal("the SP calendar does not add its holiday on top of BR")
	}
	if !paulista.Hours.Working(time.Date(2026, 7, 10, 10, 0, 0, 0, sp)) || paulista.Hours.Working(time.Date(2026, 4, 21, 10, 0, 0, 0, sp)) {
		t.Fatal("SP must keep BR's holidays and nothing more")
	}
	for _, bad := range []CalendarDef{{Name: "BR"}, {Name: "x", Extends: "AR"}, {Name: "x", Dates: []string{"2026-13-01"}}, {Name: ""}} {
		if bad.Validate() == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
}

func TestFirstContactDueFollowsTheOwnersClock(t *testing.T) {
	t.Parallel()
	friday := time.Date(2026, 3, 13, 17, 58, 0, 0, sp)
	reps := team(rep("ana"), rep("oc", func(r *Rep) { r.OnCall = true }))
	rs := ruleset(Rule{ID: "r", Pool: []string{"ana"}, Strategy: LeastLoaded, AllowAfterHours: true})
	d := mustEngine(t, rs, reps, nil).Decide(spLead, nil, nil, friday)
	if want := time.Date(2026, 3, 16, 9, 3, 0, 0, sp); d.Path != PathRule || !d.FirstContactDueAt.Equal(want) {
		t.Errorf("rule: %s, want %s", d.FirstContactDueAt.In(sp), want)
	}
	night := time.Date(2026, 3, 13, 23, 0, 0, 0, sp)
	rs.Rules[0].AllowAfterHours, rs.FirstContactMinutes = false, 15
	d = mustEngine(t, rs, reps, nil).Decide(spLead, nil, nil, night)
	if d.Path != PathOnCall || !d.FirstContactDueAt.Equal(night.Add(15*time.Minute)) {
		t.Errorf("on call: %s %s", d.Path, d.FirstContactDueAt.In(sp))
	}
	rs.Rules[0].When.Countries = []string{"AR"}
	d = mustEngine(t, rs, reps, nil).Decide(spLead, nil, nil, night)
	if want := time.Date(2026, 3, 16, 9, 15, 0, 0, sp); d.Path != PathFallback || !d.FirstContactDueAt.Equal(want) {
		t.Errorf("fallback: %s %s, want %s", d.Path, d.FirstContactDueAt.In(sp), want)
	}
}
