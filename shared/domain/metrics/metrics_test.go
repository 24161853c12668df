package metrics_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/metrics"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

var sp = lead.BusinessZone()

func at(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, sp) }

// journey replays a lead's life through the domain functions and applies
// every version to the store, twice (as a retried stream would).
type journey struct {
	t     *testing.T
	store *memstore.Metrics
	l     lead.Lead
}

func newJourney(t *testing.T, store *memstore.Metrics, id, partner, source string, received time.Time) *journey {
	j := &journey{t: t, store: store}
	l := lead.Lead{ID: id, PartnerID: partner, Source: source, Status: lead.StatusNew, Version: 1, ReceivedAt: received, UpdatedAt: received, StatusSince: received}
	e := lead.Entry{LeadID: id, Seq: 1, At: received, Change: lead.ChangeCreated, To: lead.StatusNew}.Seal("")
	l.HistoryHash = e.Hash
	j.apply(nil, l, e)
	// Routed at once.
	a := routing.Assignment{Lead: l, Now: received, Decision: routing.Decision{Chosen: "rep"}, Entry: lead.Entry{
		LeadID: id, Seq: 2, At: received, Change: lead.ChangeAssigned, From: lead.StatusNew, To: lead.StatusAssigned}.Seal(l.HistoryHash)}
	j.apply(&l, a.Next(), a.Entry)
	return j
}

func (j *journey) apply(before *lead.Lead, after lead.Lead, e lead.Entry) {
	j.t.Helper()
	for range 2 {
		if err := j.store.Apply(context.Background(), after.ID, after.Version, metrics.Project(before, after, e)); err != nil {
			j.t.Fatal(err)
		}
	}
	j.l = after
}

func (j *journey) to(s lead.Status, when time.Time) *journey {
	j.t.Helper()
	c := lead.StatusChange{To: s, At: when, Actor: lead.Actor{ID: "rep", Role: "rep"}, Reason: "r"}
	if s == lead.StatusWon {
		c.Deal = &lead.Deal{Value: lead.Money{Amount: 100, Currency: "BRL"}, ContractStart: "2026-03-05"}
	}
	before := j.l
	next, e, err := lead.ChangeStatus(before, c)
	if err != nil {
		j.t.Fatal(err)
	}
	j.apply(&before, next, e)
	return j
}

func (j *journey) touch(when time.Time) *journey {
	j.t.Helper()
	before := j.l
	next, e, err := lead.LogTouch(before, lead.Touch{Channel: "call", Outcome: "no_answer"}, "", lead.Actor{ID: "rep", Role: "rep"}, when)
	if err != nil {
		j.t.Fatal(err)
	}
	j.apply(&before, next, e)
	return j
}

// TestHandComputedFixture checks every indicator against numbers worked out
// by hand (in the comments).
func TestHandComputedFixture(t *testing.T) {
	t.Parallel()
	store := memstore.NewMetrics()
	newJourney(t, store, "L1", "p1", "form", at(2, 10, 0)).
		to(lead.StatusContacted, at(2, 10, 7)). // response 7 min
		to(lead.StatusQualified, at(3, 10, 0)). // contacted 23h53m = 85980 s
		to(lead.StatusProposal, at(4, 10, 0)).  // qualified 86400 s
		to(lead.StatusWon, at(5, 10, 0))        // proposal 86400 s
	newJourney(t, store, "L2", "p1", "", at(2, 11, 0)). // no source: api
								touch(at(2, 11, 10)).                    // a call nobody answered: no contact yet
								to(lead.StatusContacted, at(2, 11, 30)). // response 30 min
								to(lead.StatusLost, at(3, 12, 0))        // contacted 24h30m = 88200 s
	newJourney(t, store, "L3", "p1", "whatsapp", at(3, 9, 0)) // assigned, untouched since 3 March
	newJourney(t, store, "X1", "p2", "form", at(2, 9, 0))     // another partner's

	svc := metrics.Service{Store: store, Now: func() time.Time { return at(10, 12, 0) }}
	partner := auth.Principal{Role: auth.RolePartner, PartnerID: "p1"}
	in, err := svc.Indicators(context.Background(), partner, metrics.Query{From: "2026-03-01", To: "2026-03-10"})
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("partner", in.PartnerID, "p1")
	check("received", in.Received, int64(3))
	check("won", in.Won, int64(1))
	check("conversion", in.Conversion, 0.3333)
	check("touches", in.Touches, int64(1))
	entered := map[lead.Status]int64{}
	for _, f := range in.Funnel {
		entered[f.Status] = f.Entered
	}
	for s, n := range map[lead.Status]int64{lead.StatusNew: 3, lead.StatusAssigned: 3, lead.StatusContacted: 2, lead.StatusQualified: 1,
		lead.StatusProposal: 1, lead.StatusWon: 1, lead.StatusLost: 1, lead.StatusJunk: 0} {
		check("entered "+string(s), entered[s], n)
	}
	check("responses", in.Response.Count, int64(2))
	check("average response", in.Response.AverageSeconds, 1110.0) // (420 + 1800) / 2
	check("median response", in.Response.MedianSeconds, int64(420))
	stage := map[lead.Status]metrics.StageTime{}
	for _, s := range in.TimeInStage {
		stage[s.Status] = s
	}
	check("time in new", stage[lead.StatusNew].AverageSeconds, 0.0)
	check("left new", stage[lead.StatusNew].Count, int64(3))
	check("time in assigned", stage[lead.StatusAssigned].AverageSeconds, 1110.0)
	check("time in contacted", stage[lead.StatusContacted].AverageSeconds, 87090.0) // (85980 + 88200) / 2
	check("time in qualified", stage[lead.StatusQualified].AverageSeconds, 86400.0)
	check("time in proposal", stage[lead.StatusProposal].AverageSeconds, 86400.0)
	// Open now: L3 only, last updated 3 March; today is 10 March.
	check("open", in.Idle.Open, int64(1))
	check("over 3 days", in.Idle.Over3Days, int64(1))
	check("over 7 days", in.Idle.Over7Days, int64(1))
	check("over 7 days rate", in.Idle.Over7DaysRate, 1.0)
	src := map[string]metrics.SourceRow{}
	for _, r := range in.BySource {
		src[r.Source] = r
	}
	check("sources", len(in.BySource), 3)
	check("form received", src["form"].Received, int64(1))
	check("form conversion", src["form"].Conversion, 1.0)
	check("api conversion", src["api"].Conversion, 0.0)
	check("whatsapp assigned", src["whatsapp"].Entered[lead.StatusAssigned], int64(1))
	check("partner rows", len(in.ByPartner), 1)
	days := map[string]int64{}
	for _, d := range in.Daily {
		days[d.Date] = d.Received
	}
	check("received 2 March", days["2026-03-02"], int64(2))
	check("received 3 March", days["2026-03-03"], int64(1))

	// A manager sees both partners, or one.
	mgr := auth.Principal{Role: auth.RoleManager, SubjectID: "m"}
	all, err := svc.Indicators(context.Background(), mgr, metrics.Query{From: "2026-03-01", To: "2026-03-10"})
	if err != nil || all.Received != 4 || len(all.ByPartner) != 2 || all.Idle.Open != 2 {
		t.Fatalf("manager, all partners: received %d, partners %d, open %d, %v", all.Received, len(all.ByPartner), all.Idle.Open, err)
	}
	one, err := svc.Indicators(context.Background(), mgr, metrics.Query{PartnerID: "p2", From: "2026-03-01", To: "2026-03-10"})
	if err != nil || one.Received != 1 {
		t.Fatalf("manager, p2: %d %v", one.Received, err)
	}
}

func TestScopeAndPeriod(t *testing.T) {
	t.Parallel()
	svc := metrics.Service{Store: memstore.NewMetrics(), Now: func() time.Time { return at(10, 12, 0) }}
	ctx := context.Background()
	cases := []struct {
		name string
		p    auth.Principal
		q    metrics.Query
		err  error
	}{
		{"a partner asking for another's numbers", auth.Principal{Role: auth.RolePartner, PartnerID: "p1"}, metrics.Query{PartnerID: "p2"}, auth.ErrForbidden},
		{"a rep", auth.Principal{Role: auth.RoleRep, SubjectID: "r"}, metrics.Query{}, auth.ErrForbidden},
		{"finance", auth.Principal{Role: auth.RoleFinance, SubjectID: "f"}, metrics.Query{}, auth.ErrForbidden},
		{"a partner's own, by default period", auth.Principal{Role: auth.RolePartner, PartnerID: "p1"}, metrics.Query{}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := svc.Indicators(ctx, c.p, c.q)
			if !errors.Is(err, c.err) {
				t.Fatalf("got %v, want %v", err, c.err)
			}
		})
	}
	mgr := auth.Principal{Role: auth.RoleManager, SubjectID: "m"}
	for _, q := range []metrics.Query{{From: "2026-13-01"}, {From: "2026-03-05", To: "2026-03-01"}, {From: "2024-01-01", To: "2026-03-01"}} {
		if _, err := svc.Indicators(ctx, mgr, q); err == nil {
			t.Errorf("%+v: no validation error", q)
		}
	}
}

func TestWeeklyAlerts(t *testing.T) {
	t.Parallel()
	today := "2026-03-11" // a Wednesday: last complete week is 2–8 March
	week := func(partner string, weeksBack int, received, won int64) metrics.Day {
		d := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -7*weeksBack).Format(time.DateOnly)
		return metrics.Day{PartnerID: partner, Date: d, Counters: metrics.Counters{metrics.Received: received, metrics.Entered(lead.StatusWon): won}}
	}
	series := func(partner string, baseline, last int64, weeks int) []metrics.Day {
		out := []metrics.Day{week(partner, 0, last, 0)}
		for w := 1; w <= weeks; w++ {
			out = append(out, week(partner, w, baseline, 0))
		}
		return out
	}
	cases := []struct {
		name string
		days []metrics.Day
		want string // direction, or "" for no alert
	}{
		{"steady", series("p", 10, 12, 8), ""},
		{"tripled", series("p", 10, 30, 8), "up"},
		{"dried up", series("p", 20, 0, 8), "down"},
		{"within Poisson noise of a small baseline", series("p", 1, 4, 8), ""},
		{"too young to judge", series("p", 10, 30, 5), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := metrics.WeeklyAlerts(c.days, today)
			switch {
			case c.want == "" && len(got) != 0:
				t.Fatalf("unexpected alerts %+v", got)
			case c.want != "" && (len(got) != 1 || got[0].Direction != c.want || got[0].Metric != "received" || got[0].Week != "2026-03-02"):
				t.Fatalf("got %+v, want one %s alert on received for 2026-03-02", got, c.want)
			}
		})
	}
}

type staleStub []metrics.StaleLead

func (s staleStub) Stale(context.Context, string, time.Time, int) ([]metrics.StaleLead, error) {
	return slices.Clone(s), nil
}

// A partner's stale list says which of its leads are idle, not who sits on
// them (unless the deployment opts in); a manager's says who.
func TestStaleListHidesTheOwnerFromPartners(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	stub := staleStub{{LeadID: "L1", PartnerID: "p1", Status: lead.StatusContacted, OwnerID: "rep-ana", UpdatedAt: now.AddDate(0, 0, -9)}}
	partner := auth.Principal{Role: auth.RolePartner, PartnerID: "p1"}
	manager := auth.Principal{Role: auth.RoleManager, SubjectID: "m"}
	for _, c := range []struct {
		who   auth.Principal
		view  lead.PartnerView
		owner string
	}{
		{partner, lead.PartnerView{}, ""},
		{partner, lead.PartnerView{ShowOwner: true}, "rep-ana"},
		{manager, lead.PartnerView{}, "rep-ana"},
	} {
		s := metrics.Service{Stale: stub, Now: func() time.Time { return now }, Partner: c.view}
		got, err := s.StaleList(context.Background(), c.who, "p1", 7)
		if err != nil || len(got) != 1 || got[0].OwnerID != c.owner || got[0].IdleDays != 9 {
			t.Errorf("%s (show owner %v): %+v %v, want owner %q", c.who.Role, c.view.ShowOwner, got, err, c.owner)
		}
	}
}
