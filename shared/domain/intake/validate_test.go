package intake_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/testkit/intaketest"
)

func TestParseNormalises(t *testing.T) {
	t.Parallel()
	n, err := intake.Parse([]byte(intaketest.ValidBody))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	checks := map[string][2]string{
		"email":      {n.Contact.Email, "maria.silva@example.com.br"},
		"phone":      {n.Contact.Phone, "+5511912345678"},
		"country":    {n.Location.Country, "BR"},
		"state":      {n.Location.State, "SP"},
		"postalCode": {n.Location.PostalCode, "01310-100"},
		"domain":     {n.Company.Domain, "example.com.br"},
		"taxId":      {n.Company.TaxID, "11222333000181"},
		"currency":   {n.EstimatedValue.Currency, "BRL"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	if len(n.Identity) != 4 {
		t.Errorf("identity keys = %d, want 4", len(n.Identity))
	}
}

func TestFingerprintIgnoresFormatting(t *testing.T) {
	t.Parallel()
	a, _ := intake.Parse([]byte(intaketest.ValidBody))
	b, _ := intake.Parse([]byte(strings.NewReplacer("(11) 91234-5678", "+55 11 91234 5678", "bra", "BR").Replace(intaketest.ValidBody)))
	c, _ := intake.Parse([]byte(strings.Replace(intaketest.ValidBody, "ERP", "CRM", 1)))
	if a.Fingerprint() != b.Fingerprint() {
		t.Error("the same lead written differently has another fingerprint")
	}
	if a.Fingerprint() == c.Fingerprint() {
		t.Error("a different lead has the same fingerprint")
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	for _, tt := range intaketest.InvalidBodies() {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			_, err := intake.Parse([]byte(tt.Body))
			if tt.Code == "too_large" {
				if !errors.Is(err, intake.ErrBodyTooLarge) {
					t.Fatalf("err = %v, want intake.ErrBodyTooLarge", err)
				}
				return
			}
			var ve *validation.Error
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want *validation.Error", err)
			}
			for _, f := range ve.Fields {
				if f.Field == tt.Field && f.Code == tt.Code {
					return
				}
			}
			t.Fatalf("errors %+v lack %s/%s", ve.Fields, tt.Field, tt.Code)
		})
	}
}

func TestCNPJ(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"11.222.333/0001-81", "11222333000181", true},
		{"11444777000161", "11444777000161", true},
		{"12.ABC.345/01DE-35", "12ABC34501DE35", true}, // alphanumeric CNPJ (2026)
		{"12.abc.345/01de-35", "12ABC34501DE35", true},
		{"12.ABC.345/01DE-36", "", false},
		{"11.222.333/0001-8A", "", false},
		{"11_222_333_0001_81", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := intake.NormaliseCNPJ(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("intake.NormaliseCNPJ(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCountry(t *testing.T) {
	t.Parallel()
	tests := map[string]string{"BR": "BR", "br": "BR", "BRA": "BR", "usa": "US", "PT": "PT", "XX": "", "EU": "", "419": "", "B1": "", "": ""}
	for in, want := range tests {
		got, ok := intake.NormaliseCountry(in)
		if got != want || ok != (want != "") {
			t.Errorf("intake.NormaliseCountry(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
