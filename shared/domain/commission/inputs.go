package commission

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Event types on the bus for commissions. Their source is
// partnerleads.commissions.
const (
	EventDealCancelled        = "deal.cancelled"
	EventDealRevenueConfirmed = "deal.revenue_confirmed"
	EventCommissionAccrued    = "commission.accrued"
	EventCommissionClawedBack = "commission.clawed_back"
	EventExportRequested      = "export.requested"
	EventExportCompleted      = "export.completed"
)

// DealEvent is a finance or CRM/ERP input about a won deal, as published.
type DealEvent struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	LeadID     string    `json:"leadId"`
	PartnerID  string    `json:"partnerId"`
	OccurredAt time.Time `json:"occurredAt"`
	// cancelled
	Date   string `json:"date,omitempty"`
	Reason string `json:"reason,omitempty"`
	// revenue confirmed
	Month     string      `json:"month,omitempty"`
	Amount    *lead.Money `json:"amount,omitempty"`
	Reference string      `json:"reference,omitempty"`
	By        string      `json:"by"`
	// Deal is the won deal it is about and Seq the lead's version when it
	// was reported: the ledger applies it to that deal only (Trigger.Seq).
	Deal *lead.Deal `json:"deal,omitempty"`
	Seq  int64      `json:"seq,omitempty"`
}

// Trigger is the engine's input for the event.
func (d DealEvent) Trigger() Trigger {
	t := Trigger{ID: d.ID, LeadID: d.LeadID, PartnerID: d.PartnerID, At: d.OccurredAt, Date: d.Date, Month: d.Month, Revenue: d.Amount, Reference: d.Reference,
		Deal: d.Deal, Seq: d.Seq}
	if d.Type == EventDealCancelled {
		t.Kind = TriggerCancelled
	} else {
		t.Kind = TriggerRevenue
	}
	return t
}

// TriggerFor is the engine's input for a lead event, if it is one.
func TriggerFor(ev lead.Event) (Trigger, bool) {
	if ev.Type != lead.EventLeadStatusChanged {
		return Trigger{}, false
	}
	var d lead.StatusChangedDetail
	b, _ := json.Marshal(ev.Detail)
	if json.Unmarshal(b, &d) != nil {
		return Trigger{}, false
	}
	t := Trigger{ID: ev.ID, LeadID: ev.LeadID, PartnerID: ev.PartnerID, At: ev.OccurredAt, Deal: d.Deal, Seq: ev.Sequence}
	switch {
	case d.To == lead.StatusWon:
		t.Kind = TriggerWon
	case d.From == lead.StatusWon:
		t.Kind = TriggerReopened
	case d.To == lead.StatusQualified:
		t.Kind = TriggerQualified
	default:
		return Trigger{}, false
	}
	return t, true
}

// wonLead reads a lead a deal input is about; it must be won.
func (s Service) wonLead(ctx context.Context, p auth.Principal, leadID string) (lead.Lead, error) {
	if err := financeOnly(p); err != nil {
		return lead.Lead{}, err
	}
	l, err := s.Leads.Get(ctx, leadID)
	if err != nil {
		return lead.Lead{}, err
	}
	if l.Status != lead.StatusWon || l.Deal == nil {
		return lead.Lead{}, ErrNotWon
	}
	return l, nil
}

// Cancel reports that the customer of a won deal cancelled on date. A
// repeat has the same id and changes nothing.
func (s Service) Cancel(ctx context.Context, p auth.Principal, leadID, date, reason string) (DealEvent, error) {
	l, err := s.wonLead(ctx, p, leadID)
	if err != nil {
		return DealEvent{}, err
	}
	var ve validation.Error
	if _, err := time.Parse(lead.DateLayout, date); err != nil {
		ve.Add("date", "invalid", "must be a date, YYYY-MM-DD")
	} else if date < l.Deal.ContractStart || date > DateOf(s.now()) {
		ve.Add("date", "out_of_range", "must be between the contract start (%s) and today", l.Deal.ContractStart)
	}
	if len(reason) > 500 {
		ve.Add("reason", "too_long", "at most 500 characters")
	}
	if err := ve.OrNil(); err != nil {
		return DealEvent{}, err
	}
	// One id per won deal: a repeated request is the same event, a deal won
	// again after a reopen can be cancelled again.
	ev := DealEvent{ID: leadID + ".cancelled." + itoa(l.Version), Type: EventDealCancelled, LeadID: leadID, PartnerID: l.PartnerID,
		OccurredAt: s.now(), Date: date, Reason: strings.TrimSpace(reason), By: p.ActorID(), Deal: l.Deal, Seq: l.Version}
	return ev, s.Bus.Put(ctx, ev.Type, ev, ev.OccurredAt)
}

// ConfirmRevenue reports a paid invoice for one month of a recurring deal.
// One confirmation per lead and month: a repeat changes nothing.
func (s Service) ConfirmRevenue(ctx context.Context, p auth.Principal, leadID, month string, amount lead.Money, reference string) (DealEvent, error) {
	l, err := s.wonLead(ctx, p, leadID)
	if err != nil {
		return DealEvent{}, err
	}
	var ve validation.Error
	if m, err := time.Parse(PeriodLayout, month); err != nil || month < l.Deal.ContractStart[:7] || m.After(s.now()) {
		ve.Add("month", "invalid", "a month YYYY-MM from the contract start (%s) to now", l.Deal.ContractStart[:7])
	}
	if amount.Amount <= 0 || len(amount.Currency) != 3 {
		ve.Add("amount", "invalid", "a positive amount in minor units with an ISO 4217 currency")
	}
	if len(reference) > 100 {
		ve.Add("reference", "too_long", "at most 100 characters")
	}
	if err := ve.OrNil(); err != nil {
		return DealEvent{}, err
	}
	ev := DealEvent{ID: leadID + ".revenue." + month, Type: EventDealRevenueConfirmed, LeadID: leadID, PartnerID: l.PartnerID,
		OccurredAt: s.now(), Month: month, Amount: &amount, Reference: strings.TrimSpace(reference), By: p.ActorID(), Deal: l.Deal, Seq: l.Version}
	return ev, s.Bus.Put(ctx, ev.Type, ev, ev.OccurredAt)
}
