package intake

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/currency"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Normalised is a validated submission in canonical form.
type Normalised struct {
	ExternalRef    string
	Contact        lead.Contact
	Company        lead.Company
	Location       lead.Location
	Interest       string
	Source         string
	EstimatedValue *lead.Money
	Notes          string
	Consent        lead.Consent
	Identity       []lead.IdentityKey
}

// Fingerprint identifies the request's content for idempotency: two bodies
// that normalise to the same lead have the same fingerprint.
func (n Normalised) Fingerprint() string {
	b, _ := json.Marshal(n) // plain fields only: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ParseLead reads a submission as the lead it would become, for what-if
// routing (routing.LeadParser).
func ParseLead(body []byte, id string, at time.Time) (lead.Lead, error) {
	n, err := Parse(body)
	if err != nil {
		return lead.Lead{}, err
	}
	return n.Lead(id, "simulation", at), nil
}

// Lead is the new lead these fields make, received at now.
func (n Normalised) Lead(id, partnerID string, now time.Time) lead.Lead {
	return lead.Lead{
		ID: id, PartnerID: partnerID, ExternalRef: n.ExternalRef, Status: lead.StatusNew,
		Version: 1, ReceivedAt: now, UpdatedAt: now, StatusSince: now, Source: n.Source,
		Contact: n.Contact, Company: n.Company, Location: n.Location, Interest: n.Interest,
		EstimatedValue: n.EstimatedValue, Notes: n.Notes, Consent: n.Consent, Identity: n.Identity,
	}
}

// Sources are how a lead reached the partner; the indicators break volume
// and conversion down by them.
var Sources = []string{"api", "form", "spreadsheet", "whatsapp", "event", "referral", "other"}

// SourceAPI is the source of a lead that does not name one.
const SourceAPI = "api"

// CompanySizes are employee bands.
var CompanySizes = []string{"1-9", "10-49", "50-99", "100-499", "500+"}

var (
	postalBR = regexp.MustCompile(`^\d{5}-?\d{3}$`)
	ufBR     = map[string]bool{
		"AC": true, "AL": true, "AP": true, "AM": true, "BA": true, "CE": true, "DF": true,
		"ES": true, "GO": true, "MA": true, "MT": true, "MS": true, "MG": true, "PA": true,
		"PB": true, "PR": true, "PE": true, "PI": true, "RJ": true, "RN": true, "RS": true,
		"RO": true, "RR": true, "SC": true, "SP": true, "SE": true, "TO": true,
	}
)

// Validate checks every field, collecting all problems, and normalises email
// (lower case), phone (E.164), country (ISO 3166-1 alpha-2), company domain
// and tax id.
func (s Submission) Validate() (Normalised, error) {
	var (
		n  Normalised
		ve validation.Error
	)
	text := func(field, v string, max int, required bool) string {
		v = strings.TrimSpace(v)
		switch {
		case v == "" && required:
			ve.Add(field, "required", "is required")
		case !utf8.ValidString(v):
			ve.Add(field, "invalid_text", "is not valid UTF-8")
		case utf8.RuneCountInString(v) > max:
			ve.Add(field, "too_long", "must be at most %d characters", max)
		}
		return v
	}

	n.ExternalRef = text("externalRef", s.ExternalRef, 128, false)
	n.Interest = text("interest", s.Interest, 200, false)
	n.Source = cmp.Or(s.Source, SourceAPI)
	if !slices.Contains(Sources, n.Source) {
		ve.Add("source", "invalid_enum", "must be one of %s", strings.Join(Sources, ", "))
	}
	n.Notes = text("notes", s.Notes, 2000, false)

	if s.Location == nil {
		ve.Add("location", "required", "is required")
	} else {
		n.Location = normaliseLocation(*s.Location, &ve, text)
	}

	if s.Contact == nil {
		ve.Add("contact", "required", "is required")
	} else {
		c := *s.Contact
		n.Contact.Name = text("contact.name", c.Name, 200, true)
		if strings.TrimSpace(c.Email) == "" && strings.TrimSpace(c.Phone) == "" {
			ve.Add("contact", "unreachable", "an email or a phone is required")
		}
		if c.Email != "" {
			if email, ok := normaliseEmail(c.Email); ok {
				n.Contact.Email = email
			} else {
				ve.Add("contact.email", "invalid_email", "is not a valid email address")
			}
		}
		if c.Phone != "" {
			if phone, ok := normalisePhone(c.Phone, n.Location.Country); ok {
				n.Contact.Phone = phone
			} else {
				ve.Add("contact.phone", "invalid_phone", "is not a valid phone number for the lead's country")
			}
		}
	}

	if s.Company == nil {
		ve.Add("company", "required", "is required")
	} else {
		c := *s.Company
		n.Company.Name = text("company.name", c.Name, 200, true)
		n.Company.Industry = text("company.industry", c.Industry, 100, false)
		if c.Domain != "" {
			if d, ok := normaliseDomain(c.Domain); ok {
				n.Company.Domain = d
			} else {
				ve.Add("company.domain", "invalid_domain", "is not a valid domain name")
			}
		}
		if c.TaxID != "" {
			if id, ok := NormaliseCNPJ(c.TaxID); ok {
				n.Company.TaxID = id
			} else {
				ve.Add("company.taxId", "invalid_cnpj", "is not a valid CNPJ (check digits do not match)")
			}
		}
		if c.Size != "" {
			if !contains(CompanySizes, c.Size) {
				ve.Add("company.size", "invalid_enum", "must be one of %s", strings.Join(CompanySizes, ", "))
			}
			n.Company.Size = c.Size
		}
	}

	if v := s.EstimatedValue; v != nil {
		if v.Amount < 0 {
			ve.Add("estimatedValue.amount", "out_of_range", "must not be negative")
		}
		cur, err := currency.ParseISO(v.Currency)
		if err != nil || len(v.Currency) != 3 {
			ve.Add("estimatedValue.currency", "invalid_currency", "must be an ISO 4217 code such as BRL")
		} else {
			n.EstimatedValue = &lead.Money{Amount: v.Amount, Currency: cur.String()}
		}
	}

	if s.Consent == nil || !s.Consent.LGPD {
		ve.Add("consent.lgpd", "consent_required", "the contact's LGPD consent must be true")
	} else {
		n.Consent = *s.Consent
	}

	if err := ve.OrNil(); err != nil {
		return Normalised{}, err
	}
	n.Identity = identityKeys(n, defaultFreeMail)
	return n, nil
}

func normaliseLocation(l LocationIn, ve *validation.Error, text func(string, string, int, bool) string) lead.Location {
	out := lead.Location{
		City:       text("location.city", l.City, 100, false),
		PostalCode: text("location.postalCode", l.PostalCode, 16, false),
		State:      strings.ToUpper(text("location.state", l.State, 64, false)),
	}
	country, ok := NormaliseCountry(l.Country)
	if !ok {
		ve.Add("location.country", "invalid_country", "must be an ISO 3166-1 country code such as BR")
		return out
	}
	out.Country = country
	if country == "BR" {
		if out.State != "" && !ufBR[out.State] {
			ve.Add("location.state", "invalid_state", "must be a Brazilian UF such as SP")
		}
		if out.PostalCode != "" {
			if !postalBR.MatchString(out.PostalCode) {
				ve.Add("location.postalCode", "invalid_postal_code", "must be a CEP such as 01310-100")
			} else {
				digits := strings.ReplaceAll(out.PostalCode, "-", "")
				out.PostalCode = digits[:5] + "-" + digits[5:]
			}
		}
	}
	return out
}

func normaliseEmail(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	addr, err := mail.ParseAddress(raw)
	if err != nil || addr.Address != raw || addr.Name != "" || len(raw) > 254 {
		return "", false
	}
	at := strings.LastIndexByte(raw, '@')
	if _, ok := normaliseDomain(raw[at+1:]); !ok {
		return "", false
	}
	return strings.ToLower(raw), true
}

func normalisePhone(raw, country string) (string, bool) {
	if country == "" {
		country = "BR"
	}
	if len(raw) > 32 {
		return "", false
	}
	num, err := phonenumbers.Parse(raw, country)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", false
	}
	return phonenumbers.Format(num, phonenumbers.E164), true
}

var hostLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// normaliseDomain accepts a bare domain or a URL and returns the lower-case
// host without "www.".
func normaliseDomain(raw string) (string, bool) {
	d := strings.ToLower(strings.TrimSpace(raw))
	for _, p := range []string{"https://", "http://"} {
		d = strings.TrimPrefix(d, p)
	}
	if i := strings.IndexAny(d, "/?#"); i >= 0 {
		d = d[:i]
	}
	d = strings.TrimSuffix(strings.TrimPrefix(d, "www."), ".")
	labels := strings.Split(d, ".")
	if len(d) > 253 || len(labels) < 2 {
		return "", false
	}
	for _, l := range labels {
		if !hostLabel.MatchString(l) {
			return "", false
		}
	}
	return d, true
}

// identityKeys are the claims a lead makes: its email, company domain
// (unless a free mailbox provider's), tax id and phone.
func identityKeys(n Normalised, freeMail FreeMail) []lead.IdentityKey {
	var keys []lead.IdentityKey
	add := func(kind, v string) {
		if v != "" {
			keys = append(keys, lead.NewIdentityKey(kind, v))
		}
	}
	add(lead.IdentityEmail, n.Contact.Email)
	if !freeMail[n.Company.Domain] {
		add(lead.IdentityDomain, n.Company.Domain)
	}
	add(lead.IdentityTaxID, n.Company.TaxID)
	add(lead.IdentityPhone, n.Contact.Phone)
	return keys
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
