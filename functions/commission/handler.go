package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/edge/emf"
)

// processor is what the handler needs from the commission service.
type processor interface {
	Process(ctx context.Context, t commission.Trigger) (commission.Outcome, error)
}

// announcer publishes commission events.
type announcer interface {
	Put(ctx context.Context, detailType string, detail any, at time.Time) error
}

// mailer alerts finance.
type mailer interface {
	Send(ctx context.Context, to, subject, text string) error
}

// handler applies deal events to the ledger, then announces each line on
// the bus and alerts finance by email. Delivery is at least once: the
// ledger counts a repeated event once, and a retry re-announces the same
// lines (same ids), so nothing is lost if announcing fails.
type handler struct {
	svc          processor
	bus          announcer
	mail         mailer
	financeEmail string
	log          *slog.Logger
	meter        *emf.Meter
}

func (h handler) Handle(ctx context.Context, ev events.EventBridgeEvent) error {
	t, ok, err := trigger(ev)
	if err != nil {
		h.log.ErrorContext(ctx, "malformed event", "eventbridgeId", ev.ID, "detailType", ev.DetailType)
		return nil // cannot succeed on retry
	}
	if !ok {
		return nil
	}
	out, err := h.svc.Process(ctx, t)
	var mismatch *commission.CurrencyMismatchError
	switch {
	case errors.As(err, &mismatch), errors.Is(err, commission.ErrNoPlan), errors.Is(err, commission.ErrNotWon), errors.Is(err, lead.ErrDealRequired):
		// Retrying cannot fix these: finance must look.
		h.log.WarnContext(ctx, "commission not computed", "eventId", t.ID, "leadId", t.LeadID, "partnerId", t.PartnerID, "reason", err.Error())
		return h.alert(ctx, "Commission needs attention: "+t.LeadID, fmt.Sprintf("Event %s (%s) for lead %s of partner %s accrued nothing: %v.\n", t.ID, t.Kind, t.LeadID, t.PartnerID, err))
	case err != nil:
		h.log.ErrorContext(ctx, "commission failed", "eventId", t.ID, "leadId", t.LeadID, "error", err.Error())
		return fmt.Errorf("process %s: %w", t.ID, err) // async retry, then the DLQ
	}
	h.log.InfoContext(ctx, "commission applied", "eventId", t.ID, "leadId", t.LeadID, "partnerId", t.PartnerID,
		"kind", t.Kind, "lines", len(out.Entries), "duplicate", out.Duplicate, "skipped", out.Skipped)
	h.meter.Put(amounts(out)...)
	var accrued []string
	for _, e := range out.Entries {
		typ := commission.EventCommissionAccrued
		if e.Amount < 0 {
			typ = commission.EventCommissionClawedBack
		}
		if err := h.bus.Put(ctx, typ, e, e.OccurredAt); err != nil {
			return fmt.Errorf("announce %s: %w", e.ID, err)
		}
		accrued = append(accrued, fmt.Sprintf("- %s %s %s: %s (plan %s v%d)", e.Kind, commission.Decimal(e.Amount, e.Currency), e.Currency, e.Explanation, e.PlanID, e.PlanVersion))
	}
	if t.Kind == commission.TriggerWon && len(accrued) > 0 && !out.Duplicate {
		return h.alert(ctx, "Commission accrued on a won deal: "+t.LeadID, fmt.Sprintf("Lead %s of partner %s was won.\n\n%s\n", t.LeadID, t.PartnerID, strings.Join(accrued, "\n")))
	}
	return nil
}

func (h handler) alert(ctx context.Context, subject, text string) error {
	if h.financeEmail == "" {
		return nil
	}
	if err := h.mail.Send(ctx, h.financeEmail, subject, text); err != nil {
		return fmt.Errorf("alert finance: %w", err)
	}
	return nil
}

// amounts are the commission totals a new outcome adds to the ledger, in
// cents of any currency (the ledger, not this metric, is the money of record).
func amounts(out commission.Outcome) []emf.Value {
	if out.Duplicate || len(out.Entries) == 0 {
		return nil
	}
	var accrued, clawedBack int64
	for _, e := range out.Entries {
		if e.Amount < 0 {
			clawedBack -= e.Amount
		} else {
			accrued += e.Amount
		}
	}
	return []emf.Value{
		{Name: emf.CommissionAccruedCents, Value: float64(accrued), Unit: emf.UnitNone},
		{Name: emf.CommissionClawedBackCents, Value: float64(clawedBack), Unit: emf.UnitNone},
	}
}

// trigger reads the commission input an event carries, if any.
func trigger(ev events.EventBridgeEvent) (commission.Trigger, bool, error) {
	switch ev.DetailType {
	case commission.EventDealCancelled, commission.EventDealRevenueConfirmed:
		var d commission.DealEvent
		if err := json.Unmarshal(ev.Detail, &d); err != nil || d.LeadID == "" || d.ID == "" {
			return commission.Trigger{}, false, fmt.Errorf("malformed %s", ev.DetailType)
		}
		return d.Trigger(), true, nil
	case lead.EventLeadStatusChanged:
		var e lead.Event
		if err := json.Unmarshal(ev.Detail, &e); err != nil || e.LeadID == "" {
			return commission.Trigger{}, false, fmt.Errorf("malformed %s", ev.DetailType)
		}
		t, ok := commission.TriggerFor(e)
		return t, ok, nil
	}
	return commission.Trigger{}, false, nil
}
