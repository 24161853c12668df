package commission

import (
	"fmt"
	"time"
	_ "time/tzdata" // Lambda images may lack zone data

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// PeriodLayout is a ledger period: a calendar month, YYYY-MM.
const PeriodLayout = "2006-01"

// PeriodOf is the period an instant falls in.
func PeriodOf(t time.Time) string { return t.In(lead.BusinessZone()).Format(PeriodLayout) }

// DateOf is the calendar date of an instant, YYYY-MM-DD.
func DateOf(t time.Time) string { return t.In(lead.BusinessZone()).Format(lead.DateLayout) }

// ParsePeriod checks a YYYY-MM period.
func ParsePeriod(s string) (time.Time, error) {
	t, err := time.ParseInLocation(PeriodLayout, s, lead.BusinessZone())
	if err != nil || t.Year() < 2000 || t.Year() > 2200 {
		return time.Time{}, fmt.Errorf("period %q: want YYYY-MM", s)
	}
	return t, nil
}

// PreviousPeriod is the month before the one t falls in.
func PreviousPeriod(t time.Time) string {
	y, m, _ := t.In(lead.BusinessZone()).Date()
	return time.Date(y, m-1, 1, 12, 0, 0, 0, lead.BusinessZone()).Format(PeriodLayout)
}

// monthsBetween counts calendar months from a to b (dates or periods).
func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// daysBetween counts whole days from date a to date b (YYYY-MM-DD).
func daysBetween(a, b string) (int, error) {
	ta, err := time.Parse(lead.DateLayout, a)
	if err != nil {
		return 0, err
	}
	tb, err := time.Parse(lead.DateLayout, b)
	if err != nil {
		return 0, err
	}
	return int(tb.Sub(ta).Hours() / 24), nil
}
