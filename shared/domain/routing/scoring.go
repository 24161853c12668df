package routing

import (
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Facts are the lead attributes routing and scoring look at.
type Facts struct {
	LeadID, PartnerID       string
	Country, State          string
	Industry, Size, Product string
	ValueMinor              int64 // estimated value in minor units, 0 if none
	Completeness            float64
	Score                   int
	Grade                   string
	// Exclude is a rep who must not get the lead: the owner a recall takes
	// it from.
	Exclude string
}

// FactsOf extracts the routing facts of a lead.
func FactsOf(l lead.Lead) Facts {
	f := Facts{
		LeadID: l.ID, PartnerID: l.PartnerID, Country: l.Location.Country, State: l.Location.State,
		Industry: l.Company.Industry, Size: l.Company.Size, Product: l.Interest,
	}
	if l.EstimatedValue != nil {
		f.ValueMinor = l.EstimatedValue.Amount
	}
	filled := 0
	for _, v := range []string{l.Contact.Email, l.Contact.Phone, l.Company.Domain, l.Company.TaxID, l.Company.Size,
		l.Company.Industry, l.Location.State, l.Location.City, l.Interest} {
		if v != "" {
			filled++
		}
	}
	if l.EstimatedValue != nil {
		filled++
	}
	f.Completeness = float64(filled) / 10
	return f
}

// Scoring is a configurable points model over lead attributes.
type Scoring struct {
	Points             []PointRule `json:"points,omitempty"`
	ValueBands         []ValueBand `json:"valueBands,omitempty"`
	CompletenessPoints int         `json:"completenessPoints,omitempty"` // awarded in proportion to filled fields
	GradeA             int         `json:"gradeA"`                       // score ≥ GradeA is A
	GradeB             int         `json:"gradeB"`                       // score ≥ GradeB is B, else C
}

// PointRule awards points when an attribute equals a value. Attributes:
// industry, size, product, country, state, partner.
type PointRule struct {
	Attribute string `json:"attribute"`
	Equals    string `json:"equals"`
	Points    int    `json:"points"`
}

// ValueBand awards points when the estimated value is at least MinMinor.
// The highest band reached counts.
type ValueBand struct {
	MinMinor int64 `json:"minMinor"`
	Points   int   `json:"points"`
}

var scoringAttributes = map[string]func(Facts) string{
	"industry": func(f Facts) string { return f.Industry },
	"size":     func(f Facts) string { return f.Size },
	"product":  func(f Facts) string { return f.Product },
	"country":  func(f Facts) string { return f.Country },
	"state":    func(f Facts) string { return f.State },
	"partner":  func(f Facts) string { return f.PartnerID },
}

// Apply sets f.Score and f.Grade.
func (s Scoring) Apply(f *Facts) {
	score := 0
	for _, p := range s.Points {
		if get := scoringAttributes[p.Attribute]; get != nil && get(*f) == p.Equals {
			score += p.Points
		}
	}
	best := 0
	for _, b := range s.ValueBands {
		if f.ValueMinor >= b.MinMinor && b.Points > best {
			best = b.Points
		}
	}
	score += best + int(float64(s.CompletenessPoints)*f.Completeness+0.5)
	f.Score = score
	switch {
	case score >= s.GradeA:
		f.Grade = "A"
	case score >= s.GradeB:
		f.Grade = "B"
	default:
		f.Grade = "C"
	}
}
