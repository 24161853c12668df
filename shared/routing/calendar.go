package routing

import (
	"fmt"
	"time"
)

// Calendar knows which dates are not business days beyond weekends.
type Calendar interface {
	Holiday(year int, month time.Month, day int) bool
}

// Calendars are the business calendars by name. "BR" is built in; others
// come from DateCalendar.
var Calendars = map[string]Calendar{"BR": Brazil{}, "": NoHolidays{}}

// NoHolidays is a calendar of weekends only.
type NoHolidays struct{}

func (NoHolidays) Holiday(int, time.Month, int) bool { return false }

// DateCalendar is a calendar given as a list of "YYYY-MM-DD" dates.
type DateCalendar map[string]bool

func (c DateCalendar) Holiday(y int, m time.Month, d int) bool {
	return c[fmt.Sprintf("%04d-%02d-%02d", y, m, d)]
}

// Brazil is Brazil's national holidays, including the Easter-based ones
// (Carnival Monday and Tuesday, Good Friday, Corpus Christi) that businesses
// observe, and Consciência Negra (20 Nov), national since 2024.
type Brazil struct{}

func (Brazil) Holiday(y int, m time.Month, d int) bool {
	switch {
	case m == time.January && d == 1, m == time.April && d == 21, m == time.May && d == 1,
		m == time.September && d == 7, m == time.October && d == 12, m == time.November && d == 2,
		m == time.November && d == 15, m == time.December && d == 25,
		m == time.November && d == 20 && y >= 2024:
		return true
	}
	easter := Easter(y)
	date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	for _, offset := range []int{-48, -47, -2, 60} { // Carnival Mon, Tue; Good Friday; Corpus Christi
		if date.Equal(easter.AddDate(0, 0, offset)) {
			return true
		}
	}
	return false
}

// Easter returns Easter Sunday of year y (Gregorian; anonymous algorithm).
func Easter(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}
