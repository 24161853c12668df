package metrics

import (
	"math"
	"slices"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Alert flags a partner whose last complete week differs sharply from the
// 8 weeks before it.
type Alert struct {
	PartnerID string  `json:"partnerId"`
	Metric    string  `json:"metric"` // received | won
	Week      string  `json:"week"`   // its Monday
	Value     int64   `json:"value"`
	Mean      float64 `json:"baselineMean"`
	Threshold float64 `json:"threshold"`
	Direction string  `json:"direction"` // up | down
}

// LastWeek is the Monday of the last complete week (Monday to Sunday)
// before the date today; today itself if it is not a date.
func LastWeek(today string) string {
	t, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return today
	}
	return t.AddDate(0, 0, -((int(t.Weekday())+6)%7)-7).Format(time.DateOnly)
}

// BaselineWeeks is how many weeks the change test compares against.
const BaselineWeeks = 8

// WeeklyAlerts is the change test: for each partner and metric, x is the
// last complete week (Monday to Sunday) before today, μ and σ the mean and
// standard deviation of the 8 weeks before it (weeks without leads count as
// 0). It flags |x − μ| > 3·max(σ, √μ, 1): three standard deviations, never
// tighter than Poisson noise (√μ) or one lead. It needs a full baseline: a
// partner younger than 9 weeks is never flagged.
func WeeklyAlerts(days []Day, today string) []Alert {
	monday, err := time.Parse(time.DateOnly, LastWeek(today))
	if err != nil {
		return nil
	}
	end := monday.AddDate(0, 0, 7)
	weekOf := func(date string) int { // 0: last week, 1: the one before …; -1: this week
		d, err := time.Parse(time.DateOnly, date)
		if err != nil || !d.Before(end) {
			return -1
		}
		return (int(end.Sub(d).Hours()/24) - 1) / 7
	}
	type series struct {
		weeks [BaselineWeeks + 1][2]int64
		first string
	}
	per := map[string]*series{}
	for _, d := range days {
		s := per[d.PartnerID]
		if s == nil {
			s = &series{first: d.Date}
			per[d.PartnerID] = s
		}
		s.first = min(s.first, d.Date)
		if w := weekOf(d.Date); w >= 0 && w <= BaselineWeeks {
			s.weeks[w][0] += d.Counters[Received]
			s.weeks[w][1] += d.Counters[Entered(lead.StatusWon)]
		}
	}
	var out []Alert
	// A partner needs data in the oldest baseline week to be judged.
	youngest := monday.AddDate(0, 0, -7*BaselineWeeks+7).Format(time.DateOnly)
	for id, s := range per {
		if s.first >= youngest {
			continue
		}
		for m, name := range []string{"received", "won"} {
			var mean, sq float64
			for w := 1; w <= BaselineWeeks; w++ {
				mean += float64(s.weeks[w][m])
			}
			mean /= BaselineWeeks
			for w := 1; w <= BaselineWeeks; w++ {
				sq += math.Pow(float64(s.weeks[w][m])-mean, 2)
			}
			sd := math.Sqrt(sq / BaselineWeeks)
			threshold := 3 * max(sd, math.Sqrt(mean), 1)
			x := float64(s.weeks[0][m])
			if math.Abs(x-mean) > threshold {
				dir := "up"
				if x < mean {
					dir = "down"
				}
				out = append(out, Alert{PartnerID: id, Metric: name, Week: monday.Format(time.DateOnly), Value: s.weeks[0][m],
					Mean: math.Round(mean*100) / 100, Threshold: math.Round(threshold*100) / 100, Direction: dir})
			}
		}
	}
	slices.SortFunc(out, func(a, b Alert) int {
		if a.PartnerID != b.PartnerID {
			if a.PartnerID < b.PartnerID {
				return -1
			}
			return 1
		}
		if a.Metric < b.Metric {
			return -1
		}
		return 1
	})
	if out == nil {
		out = []Alert{}
	}
	return out
}
