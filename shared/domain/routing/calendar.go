package routing

import (
	"fmt"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Calendar knows which dates are not business days beyond weekends.
type Calendar interface {
	Holiday(year int, month time.Month, day int) bool
}

// builtinCalendars are always available: "BR" (national holidays) and ""
// (weekends only). Admins add others as CalendarDefs.
var builtinCalendars = map[string]Calendar{"BR": Brazil{}, "": NoHolidays{}}

// CalendarDef is an admin-defined calendar: the holidays of a built-in one
// plus extra dates, e.g. São Paulo's city holidays on top of BR.
type CalendarDef struct {
	Name    string   `json:"name"`
	Extends string   `json:"extends"`
	Dates   []string `json:"dates"` // YYYY-MM-DD
}

// Validate checks a calendar definition.
func (c CalendarDef) Validate() error {
	var ve validation.Error
	if c.Name == "" || len(c.Name) > 32 || strings.ContainsAny(c.Name, "#/ ") {
		ve.Add("name", "invalid", "is required: up to 32 characters, no '#', '/' or spaces")
	}
	if _, ok := builtinCalendars[c.Name]; ok {
		ve.Add("name", "reserved", "%q is a built-in calendar", c.Name)
	}
	if _, ok := builtinCalendars[c.Extends]; !ok {
		ve.Add("extends", "invalid_enum", "must be BR or empty")
	}
	if len(c.Dates) > 1000 {
		ve.Add("dates", "too_long", "at most 1000 dates")
	}
	for i, d := range c.Dates {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			ve.Add(fmt.Sprintf("dates[%d]", i), "invalid_date", "must be YYYY-MM-DD")
		}
	}
	return ve.OrNil()
}

// Calendars resolves calendar names: the built-ins plus the given definitions.
func Calendars(defs []CalendarDef) map[string]Calendar {
	out := make(map[string]Calendar, len(builtinCalendars)+len(defs))
	for k, v := range builtinCalendars {
		out[k] = v
	}
	for _, d := range defs {
		dates := DateCalendar{}
		for _, x := range d.Dates {
			dates[x] = true
		}
		out[d.Name] = union{builtinCalendars[d.Extends], dates}
	}
	return out
}

type union [2]Calendar

func (u union) Holiday(y int, m time.Month, d int) bool {
	return u[0].Holiday(y, m, d) || u[1].Holiday(y, m, d)
}

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
	// The feasts that move with Easter fall between early February and late
	// June; the routing hot path asks every candidate rep's day, so the rest
	// of the year skips the date arithmetic.
	if m < time.February || m > time.June {
		return false
	}
	switch time.Date(y, m, d, 0, 0, 0, 0, time.UTC).YearDay() - Easter(y).YearDay() {
	case -48, -47, -2, 60: // Carnival Monday and Tuesday, Good Friday, Corpus Christi
		return true
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
