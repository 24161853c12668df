package intake_test

import (
	"errors"
	"testing"

	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/testkit/intaketest"
)

// FuzzParse: any input gives either a lead with consistent normalisation or
// a typed error, and never a panic. Seeds are in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte(intaketest.ValidBody))
	f.Add([]byte(`{"contact":{"name":"a","phone":"+5511912345678"},"company":{"name":"b"},"location":{"country":"BR"},"consent":{"lgpd":true}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := intake.Parse(body)
		if err != nil {
			var ve *validation.Error
			if !errors.As(err, &ve) && !errors.Is(err, intake.ErrBodyTooLarge) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		if n.Contact.Email == "" && n.Contact.Phone == "" {
			t.Fatal("accepted a lead nobody can reach")
		}
		if !n.Consent.LGPD {
			t.Fatal("accepted a lead without consent")
		}
		if len(n.Location.Country) != 2 {
			t.Fatalf("country %q is not alpha-2", n.Location.Country)
		}
		// Normalisation is idempotent: parsing the normalised form again
		// gives the same fingerprint.
		again, err := intake.Submission{
			ExternalRef: n.ExternalRef, Contact: &intake.ContactIn{Name: n.Contact.Name, Email: n.Contact.Email, Phone: n.Contact.Phone},
			Company:  &intake.CompanyIn{Name: n.Company.Name, Domain: n.Company.Domain, TaxID: n.Company.TaxID, Size: n.Company.Size, Industry: n.Company.Industry},
			Location: &intake.LocationIn{Country: n.Location.Country, State: n.Location.State, City: n.Location.City, PostalCode: n.Location.PostalCode},
			Interest: n.Interest, EstimatedValue: n.EstimatedValue, Notes: n.Notes, Consent: &n.Consent,
		}.Validate()
		if err != nil {
			t.Fatalf("normalised lead fails validation: %v", err)
		}
		if again.Fingerprint() != n.Fingerprint() {
			t.Fatal("normalisation is not idempotent")
		}
	})
}
