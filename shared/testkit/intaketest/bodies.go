// Package intaketest holds request fixtures shared by the intake parser
// tests, the Lambda handler tests and the end-to-end suite, so all three
// check the same cases.
package intaketest

import (
	"encoding/json"
	"strings"

	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// ValidBody is a complete, valid submission; cases below edit copies of it.
const ValidBody = `{
  "externalRef": "crm-42",
  "contact": {"name": "Maria Silva", "email": "Maria.Silva@Example.com.BR", "phone": "(11) 91234-5678"},
  "company": {"name": "Exemplo Ltda", "domain": "https://www.Example.com.br/contato", "taxId": "11.222.333/0001-81", "size": "10-49", "industry": "6201-5/01"},
  "location": {"country": "bra", "state": "sp", "city": "São Paulo", "postalCode": "01310100"},
  "interest": "ERP",
  "estimatedValue": {"amount": 1500000, "currency": "brl"},
  "notes": "prefers WhatsApp",
  "consent": {"lgpd": true}
}`

// edit returns ValidBody with one change applied to its decoded form.
func edit(f func(m map[string]any)) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(ValidBody), &m); err != nil {
		panic(err)
	}
	f(m)
	b, _ := json.Marshal(m)
	return string(b)
}

func obj(m map[string]any, k string) map[string]any { return m[k].(map[string]any) }

// Invalid is a malformed body and the field and code it must be refused with.
// Code "too_large" means the body-size limit instead of a field error.
type Invalid struct{ Name, Body, Field, Code string }

// InvalidBodies lists malformed submissions and the field and code each must
// report. The end-to-end suite sends the same list through the deployed API.
func InvalidBodies() []Invalid {
	big := strings.Repeat("x", intake.MaxBodyBytes)
	return []Invalid{
		{"not json", `hello`, "", validation.CodeMalformed},
		{"truncated json", `{"contact":`, "", validation.CodeMalformed},
		{"array body", `[1,2]`, "", validation.CodeMalformed},
		{"trailing data", ValidBody + `{}`, "", validation.CodeMalformed},
		{"empty object", `{}`, "contact", "required"},
		{"unknown top-level field", edit(func(m map[string]any) { m["score"] = 10 }), "score", "unknown_field"},
		{"unknown nested field", edit(func(m map[string]any) { obj(m, "contact")["fax"] = "1" }), "fax", "unknown_field"},
		{"contact wrong type", edit(func(m map[string]any) { m["contact"] = "Maria" }), "contact", "wrong_type"},
		{"email wrong type", edit(func(m map[string]any) { obj(m, "contact")["email"] = 12 }), "contact.email", "wrong_type"},
		{"amount wrong type", edit(func(m map[string]any) { obj(m, "estimatedValue")["amount"] = "10" }), "estimatedValue.amount", "wrong_type"},
		{"amount fractional", edit(func(m map[string]any) { obj(m, "estimatedValue")["amount"] = 10.5 }), "estimatedValue.amount", "wrong_type"},
		{"consent wrong type", edit(func(m map[string]any) { obj(m, "consent")["lgpd"] = "yes" }), "consent.lgpd", "wrong_type"},
		{"missing contact", edit(func(m map[string]any) { delete(m, "contact") }), "contact", "required"},
		{"missing company", edit(func(m map[string]any) { delete(m, "company") }), "company", "required"},
		{"missing location", edit(func(m map[string]any) { delete(m, "location") }), "location", "required"},
		{"missing name", edit(func(m map[string]any) { delete(obj(m, "contact"), "name") }), "contact.name", "required"},
		{"blank company name", edit(func(m map[string]any) { obj(m, "company")["name"] = "  " }), "company.name", "required"},
		{"no email nor phone", edit(func(m map[string]any) { c := obj(m, "contact"); delete(c, "email"); delete(c, "phone") }), "contact", "unreachable"},
		{"bad email", edit(func(m map[string]any) { obj(m, "contact")["email"] = "maria@" }), "contact.email", "invalid_email"},
		{"email with display name", edit(func(m map[string]any) { obj(m, "contact")["email"] = "Maria <m@example.com>" }), "contact.email", "invalid_email"},
		{"bad phone", edit(func(m map[string]any) { obj(m, "contact")["phone"] = "12345" }), "contact.phone", "invalid_phone"},
		{"phone letters", edit(func(m map[string]any) { obj(m, "contact")["phone"] = "call me maybe" }), "contact.phone", "invalid_phone"},
		{"bad cnpj check digits", edit(func(m map[string]any) { obj(m, "company")["taxId"] = "11.222.333/0001-82" }), "company.taxId", "invalid_cnpj"},
		{"cnpj all same digit", edit(func(m map[string]any) { obj(m, "company")["taxId"] = "00000000000000" }), "company.taxId", "invalid_cnpj"},
		{"cnpj too short", edit(func(m map[string]any) { obj(m, "company")["taxId"] = "1122233300018" }), "company.taxId", "invalid_cnpj"},
		{"bad domain", edit(func(m map[string]any) { obj(m, "company")["domain"] = "not a domain" }), "company.domain", "invalid_domain"},
		{"bad size", edit(func(m map[string]any) { obj(m, "company")["size"] = "huge" }), "company.size", "invalid_enum"},
		{"bad country", edit(func(m map[string]any) { obj(m, "location")["country"] = "XX" }), "location.country", "invalid_country"},
		{"country name", edit(func(m map[string]any) { obj(m, "location")["country"] = "Brasil" }), "location.country", "invalid_country"},
		{"bad UF", edit(func(m map[string]any) { obj(m, "location")["state"] = "ZZ" }), "location.state", "invalid_state"},
		{"bad CEP", edit(func(m map[string]any) { obj(m, "location")["postalCode"] = "123" }), "location.postalCode", "invalid_postal_code"},
		{"negative amount", edit(func(m map[string]any) { obj(m, "estimatedValue")["amount"] = -1 }), "estimatedValue.amount", "out_of_range"},
		{"bad currency", edit(func(m map[string]any) { obj(m, "estimatedValue")["currency"] = "REAIS" }), "estimatedValue.currency", "invalid_currency"},
		{"no consent", edit(func(m map[string]any) { obj(m, "consent")["lgpd"] = false }), "consent.lgpd", "consent_required"},
		{"missing consent", edit(func(m map[string]any) { delete(m, "consent") }), "consent.lgpd", "consent_required"},
		{"notes too long", edit(func(m map[string]any) { m["notes"] = strings.Repeat("n", 2001) }), "notes", "too_long"},
		{"oversized body", `{"notes":"` + big + `"}`, "", "too_large"},
	}
}
