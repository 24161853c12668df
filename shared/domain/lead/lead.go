package lead

import "time"

// Lead is a partner's referral as the pipeline keeps it. Contact fields are
// personal data: they are never logged.
type Lead struct {
	ID          string `json:"id"`
	PartnerID   string `json:"partnerId"`
	ExternalRef string `json:"externalRef,omitempty"`
	// Source is how the lead reached the partner (form, whatsapp, …); the
	// indicators break conversion and volume down by it.
	Source string `json:"source,omitempty"`
	Status Status `json:"status"`
	// StatusSince is when the lead entered its status, for time in stage.
	StatusSince time.Time `json:"statusSince"`
	OwnerID     string    `json:"ownerId,omitempty"`
	// FirstContactDueAt is when the first-contact SLA runs out (set on
	// assignment, on the owner's business clock).
	FirstContactDueAt *time.Time `json:"firstContactDueAt,omitempty"`
	// FirstContactAt is when the lead first left assigned: the end of the
	// response time the indicators measure.
	FirstContactAt *time.Time `json:"firstContactAt,omitempty"`
	NextFollowUpAt *time.Time `json:"nextFollowUpAt,omitempty"`
	// Touches counts the attempts to reach the contact its owners logged.
	Touches        int       `json:"touches"`
	Score          int       `json:"score,omitempty"`
	Grade          string    `json:"grade,omitempty"`
	Version        int64     `json:"version"`
	ReceivedAt     time.Time `json:"receivedAt"`
	UpdatedAt      time.Time `json:"updatedAt"`
	Contact        Contact   `json:"contact"`
	Company        Company   `json:"company"`
	Location       Location  `json:"location"`
	Interest       string    `json:"interest,omitempty"`
	EstimatedValue *Money    `json:"estimatedValue,omitempty"`
	// Deal is set when the lead is won, and cleared if it is reopened.
	Deal    *Deal   `json:"deal,omitempty"`
	Notes   string  `json:"notes,omitempty"`
	Consent Consent `json:"consent"`
	// Identity holds the hashed, normalised identity keys the lead claims
	// against duplicates and channel conflict.
	Identity []IdentityKey `json:"-"`
	// HistoryHash is the hash of the newest history entry, so that the next
	// write can chain to it without reading the history.
	HistoryHash string `json:"-"`
}

type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

type Company struct {
	Name     string `json:"name"`
	Domain   string `json:"domain,omitempty"`
	TaxID    string `json:"taxId,omitempty"`
	Size     string `json:"size,omitempty"`
	Industry string `json:"industry,omitempty"`
}

type Location struct {
	Country    string `json:"country"`
	State      string `json:"state,omitempty"`
	City       string `json:"city,omitempty"`
	PostalCode string `json:"postalCode,omitempty"`
}

// Money is an amount in integer minor units of an ISO 4217 currency.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

type Consent struct {
	LGPD bool `json:"lgpd"`
}

// Actor is who made a change.
type Actor struct {
	ID   string `json:"id"`
	Role string `json:"role"`
}
