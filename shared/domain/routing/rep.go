package routing

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Rep is a sales user leads can be routed to.
type Rep struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Email       string       `json:"email,omitempty"` // for assignment notices; never logged
	Active      bool         `json:"active"`
	Weight      int          `json:"weight"`
	Tier        string       `json:"tier,omitempty"` // "senior" takes score-tier A leads
	Territories []string     `json:"territories,omitempty"`
	Skills      Skills       `json:"skills"`
	Capacity    Capacity     `json:"capacity"`
	Hours       WorkingHours `json:"workingHours"`
	OutOfOffice []Period     `json:"outOfOffice,omitempty"`
	OnCall      bool         `json:"onCall"`
}

// Skills narrow what a rep takes; an empty list means any.
type Skills struct {
	Industries []string `json:"industries,omitempty"`
	Sizes      []string `json:"sizes,omitempty"`
	Products   []string `json:"products,omitempty"`
	Languages  []string `json:"languages,omitempty"`
}

// Capacity bounds a rep's load. DailyCap 0 means no daily cap.
type Capacity struct {
	MaxOpen  int `json:"maxOpen"`
	DailyCap int `json:"dailyCap,omitempty"`
}

// WorkingHours are weekly hours in the rep's time zone, minus the holidays
// of the rep's calendar.
type WorkingHours struct {
	TimeZone string `json:"timeZone"`
	Calendar string `json:"calendar"`
	Weekdays []int  `json:"weekdays"` // 0 = Sunday … 6 = Saturday
	Start    string `json:"start"`    // "09:00"
	End      string `json:"end"`      // "18:00"

	loc        *time.Location
	cal        Calendar
	start, end int // minutes after midnight
}

// Period is an out-of-office interval [From, To).
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Prepare validates a rep and resolves its time zone and calendar (from
// calendars, e.g. Calendars(defs); nil means the built-ins only); call it
// once after decoding.
func (r *Rep) Prepare(calendars map[string]Calendar) error {
	var ve validation.Error
	if r.ID == "" || len(r.ID) > 64 || strings.ContainsAny(r.ID, "#/ ") {
		ve.Add("id", "invalid", "is required: up to 64 characters, no '#', '/' or spaces")
	}
	if r.Weight < 1 || r.Weight > 100 {
		ve.Add("weight", "out_of_range", "must be from 1 to 100")
	}
	if r.Capacity.MaxOpen < 1 || r.Capacity.DailyCap < 0 {
		ve.Add("capacity", "out_of_range", "maxOpen must be at least 1 and dailyCap not negative")
	}
	if r.Tier != "" && r.Tier != "senior" && r.Tier != "standard" {
		ve.Add("tier", "invalid_enum", "must be senior or standard")
	}
	if err := r.Hours.prepare(calendars); err != nil {
		ve.Add("workingHours", "invalid", "%s", err.Error())
	}
	for i, p := range r.OutOfOffice {
		if !p.To.After(p.From) {
			ve.Add(fmt.Sprintf("outOfOffice[%d]", i), "invalid", "to must be after from")
		}
	}
	return ve.OrNil()
}

func (h *WorkingHours) prepare(calendars map[string]Calendar) error {
	loc, err := time.LoadLocation(h.TimeZone)
	if err != nil || h.TimeZone == "" {
		return fmt.Errorf("unknown time zone %q", h.TimeZone)
	}
	if calendars == nil {
		calendars = builtinCalendars
	}
	cal, ok := calendars[h.Calendar]
	if !ok {
		return fmt.Errorf("unknown calendar %q", h.Calendar)
	}
	h.cal = cal
	s, err1 := clock(h.Start)
	e, err2 := clock(h.End)
	if err1 != nil || err2 != nil || e <= s {
		return fmt.Errorf("start and end must be HH:MM with start before end")
	}
	for _, d := range h.Weekdays {
		if d < 0 || d > 6 {
			return fmt.Errorf("weekdays are 0 (Sunday) to 6 (Saturday)")
		}
	}
	h.loc, h.start, h.end = loc, s, e
	return nil
}

func clock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Working reports whether t falls in the rep's working hours on a business day.
func (h WorkingHours) Working(t time.Time) bool {
	if h.loc == nil {
		return false
	}
	lt := t.In(h.loc)
	if !h.businessDay(lt) {
		return false
	}
	m := lt.Hour()*60 + lt.Minute()
	return m >= h.start && m < h.end
}

func (h WorkingHours) businessDay(lt time.Time) bool {
	return slices.Contains(h.Weekdays, int(lt.Weekday())) && !h.cal.Holiday(lt.Year(), lt.Month(), lt.Day())
}

// AddBusiness returns the instant d of working time after t: the SLA clock
// runs only inside working hours, on business days of the calendar.
func (h WorkingHours) AddBusiness(t time.Time, d time.Duration) time.Time {
	if h.loc == nil || len(h.Weekdays) == 0 {
		return t.Add(d)
	}
	lt := t.In(h.loc)
	for range 800 { // more than two years of days: a calendar with no business day ends here
		day := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, h.loc)
		open, closing := day.Add(time.Duration(h.start)*time.Minute), day.Add(time.Duration(h.end)*time.Minute)
		if h.businessDay(day) && lt.Before(closing) {
			if lt.Before(open) {
				lt = open
			}
			if left := closing.Sub(lt); d <= left {
				return lt.Add(d)
			} else {
				d -= left
			}
		}
		lt = day.AddDate(0, 0, 1)
	}
	return t.Add(d)
}

// AddBusinessDays returns the same local time n business days after t. A
// t outside business days counts from the next business day's opening.
func (h WorkingHours) AddBusinessDays(t time.Time, n int) time.Time {
	if h.loc == nil || len(h.Weekdays) == 0 {
		return t.AddDate(0, 0, n)
	}
	lt := t.In(h.loc)
	if !h.businessDay(lt) {
		lt = h.AddBusiness(lt, 0)
	}
	for range 800 {
		if n <= 0 {
			return lt
		}
		lt = lt.AddDate(0, 0, 1)
		if h.businessDay(lt) {
			n--
		}
	}
	return t.AddDate(0, 0, n)
}

// Prepare resolves the time zone and calendar of standalone hours (nil
// calendars: the built-ins only).
func (h *WorkingHours) Prepare(calendars map[string]Calendar) error { return h.prepare(calendars) }

// Day is the rep's local date, which daily caps count by.
func (h WorkingHours) Day(t time.Time) string {
	if h.loc == nil {
		return t.UTC().Format(time.DateOnly)
	}
	return t.In(h.loc).Format(time.DateOnly)
}

// Away reports whether the rep is out of office at t.
func (r Rep) Away(t time.Time) bool {
	for _, p := range r.OutOfOffice {
		if !t.Before(p.From) && t.Before(p.To) {
			return true
		}
	}
	return false
}

// covers reports whether a rep's territories include the lead's place.
// "BR" covers the whole country, "BR-SP" one state.
func (r Rep) covers(country, state string) bool {
	if len(r.Territories) == 0 {
		return true
	}
	for _, t := range r.Territories {
		if t == country || (state != "" && t == country+"-"+state) {
			return true
		}
	}
	return false
}

func anyOrContains(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }
