package metrics

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Day is one partner-day of counters.
type Day struct {
	PartnerID string   `json:"partnerId"`
	Date      string   `json:"date"`
	Counters  Counters `json:"counters"`
}

// Gauge is a partner's open leads by the date of their last update.
type Gauge struct {
	PartnerID string
	ByDate    map[string]int64
}

// Indicators are the numbers of one partner, or of every partner, over a
// period of days (From and To inclusive, São Paulo dates).
type Indicators struct {
	PartnerID   string       `json:"partnerId,omitempty"`
	From        string       `json:"from"`
	To          string       `json:"to"`
	Received    int64        `json:"received"`
	Won         int64        `json:"won"`
	Conversion  float64      `json:"conversion"` // won ÷ received in the period
	Touches     int64        `json:"touches"`    // contact attempts logged in the period
	Funnel      []StageCount `json:"funnel"`
	Response    Response     `json:"responseTime"`
	TimeInStage []StageTime  `json:"timeInStage"`
	Idle        IdleShare    `json:"noUpdate"`
	BySource    []SourceRow  `json:"bySource"`
	ByPartner   []PartnerRow `json:"byPartner"`
	Daily       []DayRow     `json:"daily"`
	Alerts      []Alert      `json:"alerts"`
}

// StageCount is how many leads entered a status in the period.
type StageCount struct {
	Status  lead.Status `json:"status"`
	Entered int64       `json:"entered"`
}

// Response is received → first contact.
type Response struct {
	Count          int64   `json:"count"`
	AverageSeconds float64 `json:"averageSeconds"`
	// MedianSeconds is the lower bound of the bucket holding the median:
	// exact to the minute below an hour.
	MedianSeconds int64 `json:"medianSeconds"`
}

// StageTime is the time leads that left a status in the period spent in it.
type StageTime struct {
	Status         lead.Status `json:"status"`
	Count          int64       `json:"count"`
	AverageSeconds float64     `json:"averageSeconds"`
}

// IdleShare is the share of open leads without an update for 3 and 7 days
// (by São Paulo date of the last update), now.
type IdleShare struct {
	Open          int64   `json:"open"`
	Over3Days     int64   `json:"over3Days"`
	Over7Days     int64   `json:"over7Days"`
	Over3DaysRate float64 `json:"over3DaysRate"`
	Over7DaysRate float64 `json:"over7DaysRate"`
}

type SourceRow struct {
	Source     string                `json:"source"`
	Received   int64                 `json:"received"`
	Won        int64                 `json:"won"`
	Conversion float64               `json:"conversion"`
	Entered    map[lead.Status]int64 `json:"entered"`
}

type PartnerRow struct {
	PartnerID       string  `json:"partnerId"`
	Received        int64   `json:"received"`
	Won             int64   `json:"won"`
	Conversion      float64 `json:"conversion"`
	ResponseAverage float64 `json:"responseAverageSeconds"`
	Open            int64   `json:"open"`
	Over7Days       int64   `json:"over7Days"`
}

// DayRow is one date's received leads and stage entries.
type DayRow struct {
	Date     string                `json:"date"`
	Received int64                 `json:"received"`
	Entered  map[lead.Status]int64 `json:"entered"`
}

// Compute turns counters into indicators. days must cover [from, to] and,
// for the weekly change test, the 9 weeks before today; gauges are now.
func Compute(partnerID, from, to, today string, days []Day, gauges []Gauge) Indicators {
	in := Indicators{PartnerID: partnerID, From: from, To: to, Funnel: []StageCount{}, TimeInStage: []StageTime{},
		BySource: []SourceRow{}, ByPartner: []PartnerRow{}, Daily: []DayRow{}, Alerts: []Alert{}}
	sum := Counters{}
	partners := map[string]*PartnerRow{}
	row := func(id string) *PartnerRow {
		if partners[id] == nil {
			partners[id] = &PartnerRow{PartnerID: id}
		}
		return partners[id]
	}
	byDate := map[string]*DayRow{}
	responses := map[string][2]int64{} // partner → count, seconds
	for _, d := range days {
		if d.Date < from || d.Date > to {
			continue
		}
		for k, v := range d.Counters {
			sum[k] += v
		}
		pr := row(d.PartnerID)
		pr.Received += d.Counters[Received]
		pr.Won += d.Counters[Entered(lead.StatusWon)]
		responses[d.PartnerID] = [2]int64{responses[d.PartnerID][0] + d.Counters[ResponseCount], responses[d.PartnerID][1] + d.Counters[ResponseSeconds]}
		dr := byDate[d.Date]
		if dr == nil {
			dr = &DayRow{Date: d.Date, Entered: map[lead.Status]int64{}}
			byDate[d.Date] = dr
		}
		dr.Received += d.Counters[Received]
		for _, s := range lead.Statuses {
			if n := d.Counters[Entered(s)]; n != 0 {
				dr.Entered[s] += n
			}
		}
	}
	in.Received, in.Won, in.Touches = sum[Received], sum[Entered(lead.StatusWon)], sum[Touches]
	in.Conversion = ratio(in.Won, in.Received)
	for _, s := range lead.Statuses {
		in.Funnel = append(in.Funnel, StageCount{Status: s, Entered: sum[Entered(s)]})
		if n := sum[LeftStage(s)]; n > 0 {
			in.TimeInStage = append(in.TimeInStage, StageTime{Status: s, Count: n, AverageSeconds: float64(sum[StageSeconds(s)]) / float64(n)})
		}
	}
	buckets := map[int]int64{}
	sources := map[string]*SourceRow{}
	for k, v := range sum {
		if i, ok := strings.CutPrefix(k, "response|b|"); ok {
			n, _ := strconv.Atoi(i)
			buckets[n] += v
		}
		if src, ok := strings.CutPrefix(k, "received|"); ok {
			sr := source(sources, src)
			sr.Received += v
		}
		if rest, ok := strings.CutPrefix(k, "entered|"); ok {
			if st, src, ok := strings.Cut(rest, "|"); ok {
				sr := source(sources, src)
				sr.Entered[lead.Status(st)] += v
				if lead.Status(st) == lead.StatusWon {
					sr.Won += v
				}
			}
		}
	}
	in.Response = Response{Count: sum[ResponseCount], MedianSeconds: median(buckets, sum[ResponseCount])}
	if sum[ResponseCount] > 0 {
		in.Response.AverageSeconds = float64(sum[ResponseSeconds]) / float64(sum[ResponseCount])
	}
	for _, sr := range sources {
		sr.Conversion = ratio(sr.Won, sr.Received)
		in.BySource = append(in.BySource, *sr)
	}
	slices.SortFunc(in.BySource, func(a, b SourceRow) int { return cmp.Compare(a.Source, b.Source) })

	cut3, cut7 := shift(today, -3), shift(today, -7)
	for _, g := range gauges {
		pr := row(g.PartnerID)
		for date, n := range g.ByDate {
			pr.Open += n
			in.Idle.Open += n
			if date <= cut3 {
				in.Idle.Over3Days += n
			}
			if date <= cut7 {
				in.Idle.Over7Days += n
				pr.Over7Days += n
			}
		}
	}
	in.Idle.Over3DaysRate, in.Idle.Over7DaysRate = ratio(in.Idle.Over3Days, in.Idle.Open), ratio(in.Idle.Over7Days, in.Idle.Open)

	for id, pr := range partners {
		pr.Conversion = ratio(pr.Won, pr.Received)
		if r := responses[id]; r[0] > 0 {
			pr.ResponseAverage = float64(r[1]) / float64(r[0])
		}
		in.ByPartner = append(in.ByPartner, *pr)
	}
	slices.SortFunc(in.ByPartner, func(a, b PartnerRow) int { return cmp.Compare(a.PartnerID, b.PartnerID) })
	for _, dr := range byDate {
		in.Daily = append(in.Daily, *dr)
	}
	slices.SortFunc(in.Daily, func(a, b DayRow) int { return cmp.Compare(a.Date, b.Date) })
	in.Alerts = WeeklyAlerts(days, today)
	return in
}

func source(m map[string]*SourceRow, src string) *SourceRow {
	if m[src] == nil {
		m[src] = &SourceRow{Source: src, Entered: map[lead.Status]int64{}}
	}
	return m[src]
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return math.Round(float64(a)/float64(b)*10000) / 10000
}

// shift moves a date by n days.
func shift(date string, n int) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}
