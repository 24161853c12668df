package lead

import (
	"strconv"
	"time"
)

// Domain event types. Each has a JSON Schema in events/schemas/<type>.v<version>.json.
const (
	EventLeadCreated = "lead.created"
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
