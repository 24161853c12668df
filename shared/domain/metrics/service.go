package metrics

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/fault"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Store keeps the counters.
type Store interface {
	// Apply adds the deltas of one lead version, once: a version already
	// applied, or older than one applied, changes nothing.
	Apply(ctx context.Context, leadID string, version int64, deltas []Delta) error
	// Days returns the partner's day counters from..to; partnerID "" means
	// every partner.
	Days(ctx context.Context, partnerID, from, to string) ([]Day, error)
	// Gauges returns the open-lead gauges of a partner, or of every partner.
	Gauges(ctx context.Context, partnerID string) ([]Gauge, error)
	PutReport(ctx context.Context, r Report) error
	// GetReport returns ErrNoReport when there is none.
	GetReport(ctx context.Context, partnerID, week string) (Report, error)
}

// StaleLeads lists open leads without an update since a time, oldest first:
// ids and statuses only, never contact data. partnerID "" means every partner.
type StaleLeads interface {
	Stale(ctx context.Context, partnerID string, before time.Time, limit int) ([]StaleLead, error)
}

type StaleLead struct {
	LeadID    string      `json:"leadId"`
	PartnerID string      `json:"partnerId"`
	Status    lead.Status `json:"status"`
	OwnerID   string      `json:"ownerId,omitempty"`
	UpdatedAt time.Time   `json:"updatedAt"`
	IdleDays  int         `json:"idleDays"`
}

// Report is a partner's weekly report.
type Report struct {
	PartnerID   string     `json:"partnerId"`
	Week        string     `json:"week"` // its Monday
	GeneratedAt time.Time  `json:"generatedAt"`
	Indicators  Indicators `json:"indicators"`
	// EmailedAt is when the report went to the partner, so a re-run of
	// the same week does not mail it again.
	EmailedAt *time.Time `json:"emailedAt,omitempty"`
}

// ErrNoReport: no weekly report for that partner and week.
var ErrNoReport = fault.New(fault.NotFound, "not-found", "Not found", "no report for that week")

// Service answers indicator reads: partners see only their own numbers;
// managers and admins every partner's, or one's.
type Service struct {
	Store Store
	Stale StaleLeads
	Now   func() time.Time
	// Partner is what a partner may see of the sales side (the owner).
	Partner lead.PartnerView
}

// Query selects a period (São Paulo dates, inclusive; default the last 30
// days) and, for managers, a partner.
type Query struct {
	PartnerID string
	From, To  string
}

// MaxDays bounds one query's period.
const MaxDays = 366

func (s Service) scope(p auth.Principal, partnerID string) (string, error) {
	switch {
	case p.Role == auth.RolePartner && (partnerID == "" || partnerID == p.PartnerID):
		return p.PartnerID, nil
	case p.Role == auth.RolePartner:
		return "", auth.ErrForbidden
	case p.Has(auth.RoleManager, auth.RoleAdmin):
		return partnerID, nil
	default:
		return "", auth.ErrForbidden
	}
}

// Indicators computes the numbers a principal may see for q.
func (s Service) Indicators(ctx context.Context, p auth.Principal, q Query) (Indicators, error) {
	partnerID, err := s.scope(p, q.PartnerID)
	if err != nil {
		return Indicators{}, err
	}
	today := Date(s.Now())
	from, to, err := period(q.From, q.To, today)
	if err != nil {
		return Indicators{}, err
	}
	return s.compute(ctx, partnerID, from, to, today)
}

func (s Service) compute(ctx context.Context, partnerID, from, to, today string) (Indicators, error) {
	// The weekly change test needs the 9 weeks before today as well.
	days, err := s.Store.Days(ctx, partnerID, min(from, shift(today, -7*(BaselineWeeks+2))), max(to, today))
	if err != nil {
		return Indicators{}, fmt.Errorf("read day counters: %w", err)
	}
	gauges, err := s.Store.Gauges(ctx, partnerID)
	if err != nil {
		return Indicators{}, fmt.Errorf("read gauges: %w", err)
	}
	return Compute(partnerID, from, to, today, days, gauges), nil
}

func period(from, to, today string) (string, string, error) {
	var ve validation.Error
	if to == "" {
		to = today
	}
	if from == "" {
		from = shift(to, -29)
	}
	f, err1 := time.Parse(time.DateOnly, from)
	t, err2 := time.Parse(time.DateOnly, to)
	switch {
	case err1 != nil:
		ve.Add("from", "invalid_date", "must be YYYY-MM-DD")
	case err2 != nil:
		ve.Add("to", "invalid_date", "must be YYYY-MM-DD")
	case t.Before(f):
		ve.Add("to", "invalid", "must not be before from")
	case t.Sub(f) > MaxDays*24*time.Hour:
		ve.Add("from", "too_long", "a period is at most %d days", MaxDays)
	}
	return from, to, ve.OrNil()
}

// StaleList lists the open leads a principal may see without an update for
// at least days days.
func (s Service) StaleList(ctx context.Context, p auth.Principal, partnerID string, days int) ([]StaleLead, error) {
	partnerID, err := s.scope(p, partnerID)
	if err != nil {
		return nil, err
	}
	if days < 1 || days > 365 {
		return nil, validation.Field("days", "out_of_range", "must be from 1 to 365")
	}
	now := s.Now()
	out, err := s.Stale.Stale(ctx, partnerID, now.AddDate(0, 0, -days), 200)
	if err != nil {
		return nil, fmt.Errorf("list stale leads: %w", err)
	}
	for i := range out {
		out[i].IdleDays = int(now.Sub(out[i].UpdatedAt).Hours() / 24)
		if p.Has(auth.RolePartner) && !s.Partner.ShowOwner {
			out[i].OwnerID = ""
		}
	}
	return out, nil
}

// Weekly builds and stores a partner's report of the last complete week.
func (s Service) Weekly(ctx context.Context, partnerID string) (Report, error) {
	now := s.Now()
	today := Date(now)
	monday := LastWeek(today)
	in, err := s.compute(ctx, partnerID, monday, shift(monday, 6), today)
	if err != nil {
		return Report{}, err
	}
	r := Report{PartnerID: partnerID, Week: monday, GeneratedAt: now.UTC().Truncate(time.Second), Indicators: in}
	switch old, err := s.Store.GetReport(ctx, partnerID, monday); {
	case err == nil:
		r.EmailedAt = old.EmailedAt // rebuilt, but already mailed
	case !errors.Is(err, ErrNoReport):
		return Report{}, fmt.Errorf("read report: %w", err)
	}
	if err := s.Store.PutReport(ctx, r); err != nil {
		return Report{}, fmt.Errorf("store report: %w", err)
	}
	return r, nil
}

// MarkEmailed records that the partner got its report.
func (s Service) MarkEmailed(ctx context.Context, r Report) error {
	at := s.Now().UTC().Truncate(time.Second)
	r.EmailedAt = &at
	if err := s.Store.PutReport(ctx, r); err != nil {
		return fmt.Errorf("record the report mailed: %w", err)
	}
	return nil
}

// GetReport returns a stored weekly report the principal may see.
func (s Service) GetReport(ctx context.Context, p auth.Principal, partnerID, week string) (Report, error) {
	partnerID, err := s.scope(p, partnerID)
	if err != nil {
		return Report{}, err
	}
	if partnerID == "" {
		return Report{}, validation.Field("partnerId", "required", "name the partner whose report you want")
	}
	return s.Store.GetReport(ctx, partnerID, week)
}
