package lead

import (
	"fmt"
	"strconv"
	"time"
)

// Domain event types. Each has a JSON Schema in events/schemas/<type>.v<version>.json.
const (
	EventLeadCreated       = "lead.created"
	EventLeadAssigned      = "lead.assigned"
	EventLeadStatusChanged = "lead.status_changed"
	EventLeadStale         = "lead.stale"
	EventLeadRecalled      = "lead.recalled"
	EventLeadTouched       = "lead.touched"
)

// Event is a domain event as published on the bus and delivered to
// consumers. It carries ids and business attributes, never contact data:
// a consumer that needs the contact reads the lead with its own permissions.
type Event struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	Version    int       `json:"version"`
	LeadID     string    `json:"leadId"`
	PartnerID  string    `json:"partnerId"`
	Sequence   int64     `json:"sequence"`
	OccurredAt time.Time `json:"occurredAt"`
	Detail     any       `json:"detail"`
}

// EventID is deterministic (lead and sequence), so a stream retry publishes
// the same id and at-least-once consumers can drop the copy.
func EventID(leadID string, seq int64) string {
	return leadID + "." + strconv.FormatInt(seq, 10)
}

// CreatedDetail is the detail of lead.created.
type CreatedDetail struct {
	Status         Status `json:"status"`
	ExternalRef    string `json:"externalRef,omitempty"`
	Country        string `json:"country"`
	State          string `json:"state,omitempty"`
	CompanySize    string `json:"companySize,omitempty"`
	Industry       string `json:"industry,omitempty"`
	Interest       string `json:"interest,omitempty"`
	EstimatedValue *Money `json:"estimatedValue,omitempty"`
}

// CreatedEvent is the lead.created event of a newly stored lead.
func CreatedEvent(l Lead) Event {
	return Event{
		ID: EventID(l.ID, l.Version), Type: EventLeadCreated, Version: 1,
		LeadID: l.ID, PartnerID: l.PartnerID, Sequence: l.Version, OccurredAt: l.ReceivedAt,
		Detail: CreatedDetail{
			Status: l.Status, ExternalRef: l.ExternalRef, Country: l.Location.Country, State: l.Location.State,
			CompanySize: l.Company.Size, Industry: l.Company.Industry, Interest: l.Interest, EstimatedValue: l.EstimatedValue,
		},
	}
}

// AssignedDetail is the detail of lead.assigned.
type AssignedDetail struct {
	Status   Status `json:"status"`
	OwnerID  string `json:"ownerId"`
	Reassign bool   `json:"reassigned"`
	Reason   string `json:"reason,omitempty"`
	ByRole   string `json:"byRole"`
}

// StatusChangedDetail is the detail of lead.status_changed.
type StatusChangedDetail struct {
	From   Status `json:"from"`
	To     Status `json:"to"`
	Reason string `json:"reason,omitempty"`
	ByRole string `json:"byRole"`
	// Deal is the won deal, on a move to won only.
	Deal *Deal `json:"deal,omitempty"`
}

// StaleDetail is the detail of lead.stale: an open lead went without an
// update past an SLA deadline, and the ladder took a step.
type StaleDetail struct {
	Status    Status    `json:"status"`
	OwnerID   string    `json:"ownerId,omitempty"`
	Action    string    `json:"action"` // remind | escalate
	Step      int       `json:"step"`
	DueAt     time.Time `json:"dueAt"`
	IdleSince time.Time `json:"idleSince"`
}

// RecalledDetail is the detail of lead.recalled: the SLA ladder took the
// lead from its owner and routing gave it to another.
type RecalledDetail struct {
	Status    Status    `json:"status"`
	FromOwner string    `json:"fromOwnerId"`
	OwnerID   string    `json:"ownerId"`
	Step      int       `json:"step"`
	IdleSince time.Time `json:"idleSince"`
	Reason    string    `json:"reason"`
}

// TouchedDetail is the detail of lead.touched: the owner logged an attempt
// to reach the contact. The note stays internal.
type TouchedDetail struct {
	Status  Status    `json:"status"`
	OwnerID string    `json:"ownerId"`
	Channel string    `json:"channel"`
	Outcome string    `json:"outcome"`
	At      time.Time `json:"at"`
	Touches int       `json:"touches"`
}

// EventFor is the one domain event of a lead version: the change that
// produced version l.Version, described for consumers. Every stored version
// has exactly one event, so the per-lead sequence has no gaps.
func EventFor(l Lead, change Entry) (Event, error) {
	e := Event{
		ID: EventID(l.ID, change.Seq), Version: 1, LeadID: l.ID, PartnerID: l.PartnerID,
		Sequence: change.Seq, OccurredAt: change.At,
	}
	switch change.Change {
	case ChangeCreated:
		c := CreatedEvent(l)
		c.Sequence, c.ID, c.OccurredAt = change.Seq, e.ID, change.At
		return c, nil
	case ChangeAssigned, ChangeReassigned:
		e.Type = EventLeadAssigned
		e.Detail = AssignedDetail{Status: change.To, OwnerID: change.Owner, Reassign: change.Change == ChangeReassigned, Reason: change.Reason, ByRole: change.Actor.Role}
	case ChangeStatusChanged:
		e.Type = EventLeadStatusChanged
		d := StatusChangedDetail{From: change.From, To: change.To, Reason: change.Reason, ByRole: change.Actor.Role}
		if change.To == StatusWon {
			d.Deal = l.Deal
		}
		e.Detail = d
	case ChangeStale:
		e.Type = EventLeadStale
		d := StaleDetail{Status: change.To, OwnerID: l.OwnerID}
		if change.SLA != nil {
			d.Action, d.Step, d.DueAt, d.IdleSince = change.SLA.Action, change.SLA.Step, change.SLA.DueAt, change.SLA.IdleSince
		}
		e.Detail = d
	case ChangeRecalled:
		e.Type = EventLeadRecalled
		d := RecalledDetail{Status: change.To, OwnerID: change.Owner, Reason: change.Reason}
		if change.SLA != nil {
			d.FromOwner, d.Step, d.IdleSince = change.SLA.FromOwner, change.SLA.Step, change.SLA.IdleSince
		}
		e.Detail = d
	case ChangeTouched:
		e.Type = EventLeadTouched
		d := TouchedDetail{Status: change.To, OwnerID: change.Owner, Touches: l.Touches}
		if change.Touch != nil {
			d.Channel, d.Outcome, d.At = change.Touch.Channel, change.Touch.Outcome, change.Touch.At
		}
		e.Detail = d
	default:
		return Event{}, fmt.Errorf("lead %s version %d: unknown change %q", l.ID, change.Seq, change.Change)
	}
	return e, nil
}
