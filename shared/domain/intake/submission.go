// Package intake turns a partner's POSTed lead into a stored lead: it parses,
// validates and normalises the request, enforces idempotency, deduplication
// and channel conflict, and reads leads back for their partner.
package intake

import (
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// MaxBodyBytes is the largest request body intake accepts.
const MaxBodyBytes = 16 << 10

// Submission is the body of POST /v1/leads. Pointers tell a missing object
// from an empty one.
type Submission struct {
	ExternalRef    string        `json:"externalRef,omitempty"`
	Contact        *ContactIn    `json:"contact"`
	Company        *CompanyIn    `json:"company"`
	Location       *LocationIn   `json:"location"`
	Interest       string        `json:"interest,omitempty"`
	Source         string        `json:"source,omitempty"`
	EstimatedValue *lead.Money   `json:"estimatedValue,omitempty"`
	Notes          string        `json:"notes,omitempty"`
	Consent        *lead.Consent `json:"consent"`
}

type ContactIn struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

type CompanyIn struct {
	Name     string `json:"name"`
	Domain   string `json:"domain,omitempty"`
	TaxID    string `json:"taxId,omitempty"`
	Size     string `json:"size,omitempty"`
	Industry string `json:"industry,omitempty"`
}

type LocationIn struct {
	Country    string `json:"country"`
	State      string `json:"state,omitempty"`
	City       string `json:"city,omitempty"`
	PostalCode string `json:"postalCode,omitempty"`
}

// Parse decodes a request body strictly (no unknown fields, no trailing
// data, a size limit) and returns the validated, normalised lead fields.
func Parse(body []byte) (Normalised, error) {
	if len(body) > MaxBodyBytes {
		return Normalised{}, ErrBodyTooLarge
	}
	var s Submission
	if err := validation.Decode(body, &s); err != nil {
		return Normalised{}, err
	}
	return s.Validate()
}
