package commission

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/fault"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// DisputeState is where a dispute is: open until finance answers it.
type DisputeState string

const (
	DisputeOpen           DisputeState = "open"
	DisputeAccepted       DisputeState = "accepted"
	DisputePartlyAccepted DisputeState = "partly_accepted"
	DisputeRejected       DisputeState = "rejected"
)

var DisputeStates = []DisputeState{DisputeOpen, DisputeAccepted, DisputePartlyAccepted, DisputeRejected}

// DefaultDisputeWindowDays is how long after a period closes its partner
// may still dispute it, unless the deployment says otherwise.
const DefaultDisputeWindowDays = 60

var (
	ErrDisputeNotFound = fault.New(fault.NotFound, "not-found", "Not found", "no such dispute")
	ErrDisputeAnswered = fault.New(fault.Conflict, "dispute-answered", "Dispute answered",
		"finance has already answered this dispute differently; read it for the answer")
)

// Dispute is a partner contesting a ledger line, or a line it expected and
// did not get ("lead X was won and I got nothing"). Trail is its audit: one
// step per action, never changed.
type Dispute struct {
	ID        string        `json:"id"`
	PartnerID string        `json:"partnerId"`
	Period    string        `json:"period"`
	LineID    string        `json:"lineId,omitempty"`
	LineKind  EntryKind     `json:"lineKind,omitempty"`
	LeadID    string        `json:"leadId,omitempty"`
	Message   string        `json:"message"`
	Claimed   *lead.Money   `json:"claimed,omitempty"`
	State     DisputeState  `json:"state"`
	FiledAt   time.Time     `json:"filedAt"`
	Answer    *Answer       `json:"answer,omitempty"`
	Trail     []DisputeStep `json:"trail"`
}

// Answer is finance's decision. Accepting makes an adjustment line
// (AdjustmentID) in the period the answer is given, so closed periods stay
// as they were paid and the correction is paid with the next batch.
type Answer struct {
	Decision     DisputeState `json:"decision"`
	Amount       *lead.Money  `json:"amount,omitempty"`
	Reason       string       `json:"reason"`
	AdjustmentID string       `json:"adjustmentId,omitempty"`
	At           time.Time    `json:"at"`
}

// DisputeStep is one audited action on a dispute.
type DisputeStep struct {
	At      time.Time `json:"at"`
	Action  string    `json:"action"` // filed | answered
	ByRole  string    `json:"byRole"`
	ActorID string    `json:"actorId,omitempty"` // internal views only
}

// DisputeFiling is what a partner sends.
type DisputeFiling struct {
	Period  string      `json:"period"`
	LineID  string      `json:"lineId"`
	LeadID  string      `json:"leadId"`
	Message string      `json:"message"`
	Claimed *lead.Money `json:"claimed"`
}

// DisputeAnswer is what finance sends.
type DisputeAnswer struct {
	Decision DisputeState `json:"decision"`
	Amount   *lead.Money  `json:"amount"`
	Reason   string       `json:"reason"`
}

// DisputeView is a dispute with the diff of its partner-month, narrowed to
// what the dispute is about, so finance sees at once whether the ledger
// matches the plan.
type DisputeView struct {
	Dispute
	Diff DisputeDiff `json:"diff"`
}

// DisputeDiff is the part of the period's Diff about the dispute.
type DisputeDiff struct {
	// LedgerMatches: the whole partner-month equals the recomputation.
	LedgerMatches bool       `json:"ledgerMatches"`
	Differences   []DiffRow  `json:"differences"`
	Adjustments   []DiffLine `json:"adjustments"`
}

// DisputeID is one id per partner, period and subject, so a resent filing
// finds the dispute it made.
func DisputeID(partnerID, period, lineID, leadID string) string {
	sum := sha256.Sum256([]byte(partnerID + "\x00" + period + "\x00" + lineID + "\x00" + leadID))
	return "dsp-" + hex.EncodeToString(sum[:12])
}

// disputeDeadline is the last instant a period may be disputed.
func disputeDeadline(period string, windowDays int) time.Time {
	start, _ := ParsePeriod(period)
	return start.AddDate(0, 1, windowDays)
}

// FileDispute records a partner's dispute and tells the partner's channels
// it was received. Filing the same subject again answers the open dispute
// (created false); once answered, ErrDisputeAnswered.
func (s Service) FileDispute(ctx context.Context, p auth.Principal, in DisputeFiling) (Dispute, bool, error) {
	if p.Role != auth.RolePartner {
		return Dispute{}, false, auth.ErrForbidden
	}
	in.LineID, in.LeadID, in.Message = strings.TrimSpace(in.LineID), strings.TrimSpace(in.LeadID), strings.TrimSpace(in.Message)
	now := s.now()
	var ve validation.Error
	if _, err := ParsePeriod(in.Period); err != nil {
		ve.Add("period", "invalid", "want YYYY-MM")
	} else if in.Period > PeriodOf(now) {
		ve.Add("period", "in_the_future", "at most the current period, %s", PeriodOf(now))
	} else if end := disputeDeadline(in.Period, s.disputeWindow()); now.After(end) {
		ve.Add("period", "window_closed", "%s could be disputed until %s (%d days after it closed)", in.Period, DateOf(end.Add(-time.Second)), s.disputeWindow())
	}
	if in.LineID == "" && in.LeadID == "" {
		ve.Add("lineId", "required", "name the line you dispute, or with leadId the lead whose line is missing")
	}
	if in.Message == "" || len(in.Message) > 1000 {
		ve.Add("message", "invalid", "is required, at most 1000 characters")
	}
	if c := in.Claimed; c != nil && (c.Amount == 0 || max(c.Amount, -c.Amount) > maxAdjustment || len(c.Currency) != 3) {
		ve.Add("claimed", "invalid", "a signed amount in minor units, not zero, and a 3-letter currency")
	}
	if err := ve.OrNil(); err != nil {
		return Dispute{}, false, err
	}
	d := Dispute{PartnerID: p.PartnerID, Period: in.Period, LineID: in.LineID, LeadID: in.LeadID, Message: in.Message,
		Claimed: in.Claimed, State: DisputeOpen, FiledAt: now,
		Trail: []DisputeStep{{At: now, Action: "filed", ByRole: string(p.Role), ActorID: p.ActorID()}}}
	if d.Claimed != nil {
		d.Claimed.Currency = strings.ToUpper(d.Claimed.Currency)
	}
	if err := s.checkSubject(ctx, &d); err != nil {
		return Dispute{}, false, err
	}
	d.ID = DisputeID(d.PartnerID, d.Period, d.LineID, d.LeadID)
	stored, created, err := s.Store.FileDispute(ctx, d)
	if err != nil {
		return Dispute{}, false, err
	}
	if stored.State != DisputeOpen {
		return Dispute{}, false, ErrDisputeAnswered
	}
	if err := s.announce(ctx, stored); err != nil { // again on a resend, in case the first announcement failed
		return Dispute{}, false, err
	}
	return partnerDispute(stored), created, nil
}

// checkSubject makes sure the line is the partner's, in that period, and
// the lead is the partner's; a line names its lead.
func (s Service) checkSubject(ctx context.Context, d *Dispute) error {
	if d.LineID != "" {
		lines, err := s.Store.Lines(ctx, d.PartnerID, d.Period)
		if err != nil {
			return err
		}
		found := false
		for _, l := range lines {
			if l.ID == d.LineID {
				found, d.LineKind = true, l.Kind
				if d.LeadID == "" {
					d.LeadID = l.LeadID
				} else if l.LeadID != d.LeadID {
					return validation.Field("leadId", "mismatch", "line %s is about lead %q", l.ID, l.LeadID)
				}
			}
		}
		if !found {
			return validation.Field("lineId", "not_found", "your ledger for %s has no line %s", d.Period, d.LineID)
		}
	}
	if d.LeadID != "" {
		l, err := s.Leads.Get(ctx, d.LeadID)
		switch {
		case errors.Is(err, lead.ErrNotFound) || (err == nil && l.PartnerID != d.PartnerID):
			return validation.Field("leadId", "not_found", "you have no lead %s", d.LeadID)
		case err != nil:
			return err
		}
	}
	return nil
}

// AnswerDispute records finance's decision; accepting, wholly or in part,
// adds the adjustment line in the same write. A resent answer changes
// nothing; a different answer to an answered dispute is ErrDisputeAnswered.
func (s Service) AnswerDispute(ctx context.Context, p auth.Principal, id string, in DisputeAnswer) (Dispute, error) {
	if err := financeOnly(p); err != nil {
		return Dispute{}, err
	}
	d, err := s.Store.Dispute(ctx, id)
	if err != nil {
		return Dispute{}, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	var ve validation.Error
	switch in.Decision {
	case DisputeAccepted:
		if in.Amount == nil {
			in.Amount = d.Claimed
		}
		if in.Amount == nil {
			ve.Add("amount", "required", "the partner claimed no amount: say how much the adjustment is")
		}
	case DisputePartlyAccepted:
		if in.Amount == nil {
			ve.Add("amount", "required", "the part accepted, as a signed amount in minor units")
		} else if c := d.Claimed; c != nil && (in.Amount.Amount*c.Amount <= 0 || max(in.Amount.Amount, -in.Amount.Amount) >= max(c.Amount, -c.Amount)) {
			ve.Add("amount.amount", "out_of_range", "a part of the %d claimed: the same sign, less in size", c.Amount)
		}
	case DisputeRejected:
		if in.Amount != nil {
			ve.Add("amount", "not_allowed", "a rejection adds no line")
		}
	default:
		ve.Add("decision", "invalid_enum", "one of accepted, partly_accepted, rejected")
	}
	switch {
	case in.Reason == "":
		ve.Add("reason", "required", "the partner reads it")
	case len(in.Reason) > 500:
		ve.Add("reason", "too_long", "at most 500 characters")
	}
	if err := ve.OrNil(); err != nil {
		return Dispute{}, err
	}
	if d.State != DisputeOpen {
		return s.answeredBefore(ctx, d, in)
	}
	now := s.now()
	a := &Answer{Decision: in.Decision, Reason: in.Reason, At: now}
	var line *Entry
	if in.Amount != nil {
		e, err := s.adjustmentLine(ctx, p, "dispute."+d.ID, d.ID, Adjustment{PartnerID: d.PartnerID, Period: PeriodOf(now), LeadID: d.LeadID,
			Amount: *in.Amount, Reason: fmt.Sprintf("dispute %s of %s: %s", d.ID, d.Period, in.Reason)})
		if err != nil {
			return Dispute{}, err
		}
		line, a.Amount, a.AdjustmentID = &e, &lead.Money{Amount: e.Amount, Currency: e.Currency}, e.ID
	}
	d.State, d.Answer = in.Decision, a
	d.Trail = append(d.Trail, DisputeStep{At: now, Action: "answered", ByRole: string(p.Role), ActorID: p.ActorID()})
	switch err := s.Store.AnswerDispute(ctx, d, line); {
	case errors.Is(err, ErrConflict): // answered meanwhile
		cur, err := s.Store.Dispute(ctx, id)
		if err != nil {
			return Dispute{}, err
		}
		return s.answeredBefore(ctx, cur, in)
	case err != nil:
		return Dispute{}, err
	}
	return d, s.announce(ctx, d)
}

// answeredBefore answers a resent answer with the dispute as answered (and
// announces it again, in case that failed the first time).
func (s Service) answeredBefore(ctx context.Context, d Dispute, in DisputeAnswer) (Dispute, error) {
	a := d.Answer
	if a == nil || a.Decision != in.Decision || a.Reason != in.Reason || (in.Amount != nil && (a.Amount == nil || a.Amount.Amount != in.Amount.Amount)) {
		return Dispute{}, ErrDisputeAnswered
	}
	return d, s.announce(ctx, d)
}

// Disputes lists disputes oldest first: a partner its own, finance the
// queue (state "open", the default) or the answered ones ("answered"), of
// every partner or the one named.
func (s Service) Disputes(ctx context.Context, p auth.Principal, partnerID, state string) ([]Dispute, error) {
	partnerID, err := ledgerReader(p, partnerID)
	if err != nil {
		return nil, err
	}
	if state == "" {
		state = "open"
	}
	if state != "open" && state != "answered" && state != "all" {
		return nil, validation.Field("state", "invalid_enum", "one of open, answered, all")
	}
	ds, err := s.Store.Disputes(ctx, partnerID, state)
	if err != nil {
		return nil, err
	}
	if p.Role == auth.RolePartner {
		for i := range ds {
			ds[i] = partnerDispute(ds[i])
		}
	}
	return ds, nil
}

// DisputeWithDiff is one dispute and the diff of its partner-month.
func (s Service) DisputeWithDiff(ctx context.Context, p auth.Principal, id string) (DisputeView, error) {
	if _, err := ledgerReader(p, ""); err != nil {
		return DisputeView{}, err
	}
	d, err := s.Store.Dispute(ctx, id)
	if err != nil {
		return DisputeView{}, err
	}
	if p.Role == auth.RolePartner {
		if d.PartnerID != p.PartnerID {
			return DisputeView{}, ErrDisputeNotFound
		}
		d = partnerDispute(d)
	}
	full, err := s.Diff(ctx, p, d.PartnerID, d.Period)
	if err != nil {
		return DisputeView{}, err
	}
	v := DisputeView{Dispute: d, Diff: DisputeDiff{LedgerMatches: len(full.Differences) == 0, Differences: []DiffRow{}, Adjustments: full.Adjustments}}
	for _, r := range full.Differences {
		if (d.LeadID != "" && r.LeadID == d.LeadID) || (d.LeadID == "" && r.LeadID == "" && r.Kind == d.LineKind) {
			v.Diff.Differences = append(v.Diff.Differences, r)
		}
	}
	return v, nil
}

// partnerDispute is what the partner sees: who in finance acted is not.
func partnerDispute(d Dispute) Dispute {
	trail := make([]DisputeStep, len(d.Trail))
	for i, st := range d.Trail {
		st.ActorID = ""
		trail[i] = st
	}
	d.Trail = trail
	return d
}

// announce puts the dispute's latest step in the partner's feed and on the
// bus, from where it reaches the partner's webhooks and email. Both are
// idempotent by event id, so announcing again is harmless.
func (s Service) announce(ctx context.Context, d Dispute) error {
	ev := DisputeEvent(d)
	if err := s.Feed.AppendFeed(ctx, ev); err != nil {
		return err
	}
	return s.Bus.Put(ctx, ev.Type, ev, ev.OccurredAt)
}

// DisputeEvent is the event of a dispute's latest step.
func DisputeEvent(d Dispute) lead.Event {
	ev := lead.Event{ID: d.ID + ".filed", Type: lead.EventDisputeFiled, Version: 1, LeadID: d.LeadID, PartnerID: d.PartnerID,
		Sequence: 1, OccurredAt: d.FiledAt}
	detail := lead.DisputeDetail{DisputeID: d.ID, Period: d.Period, LineID: d.LineID, State: string(d.State)}
	if n := len(d.Trail); n > 0 {
		detail.ByRole = d.Trail[n-1].ByRole
	}
	if a := d.Answer; a != nil {
		ev.ID, ev.Type, ev.Sequence, ev.OccurredAt = d.ID+".answered", lead.EventDisputeAnswered, 2, a.At
		detail.Amount, detail.Reason, detail.AdjustmentID = a.Amount, a.Reason, a.AdjustmentID
	}
	ev.Detail = detail
	return ev
}

func (s Service) disputeWindow() int {
	if s.DisputeWindowDays > 0 {
		return s.DisputeWindowDays
	}
	return DefaultDisputeWindowDays
}
