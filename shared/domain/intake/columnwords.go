package intake

import (
	"slices"
	"strings"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"unicode"
)

// columnWords are the headings people give a lead column, lower case and
// without accents, in Portuguese and English.
var columnWords = map[string][]string{
	"externalRef":             {"referencia", "ref", "codigo", "id", "external ref", "reference"},
	"contact.name":            {"nome", "contato", "nome do contato", "responsavel", "name", "contact", "contact name"},
	"contact.email":           {"email", "e-mail", "email do contato"},
	"contact.phone":           {"telefone", "celular", "whatsapp", "fone", "phone", "mobile"},
	"company.name":            {"empresa", "razao social", "nome da empresa", "company", "company name"},
	"company.domain":          {"site", "dominio", "website", "domain"},
	"company.taxId":           {"cnpj", "cpf/cnpj", "tax id"},
	"company.size":            {"porte", "funcionarios", "size", "employees"},
	"company.industry":        {"setor", "segmento", "industry"},
	"location.country":        {"pais", "country"},
	"location.state":          {"estado", "uf", "state"},
	"location.city":           {"cidade", "municipio", "city"},
	"location.postalCode":     {"cep", "postal code", "zip"},
	"interest":                {"interesse", "produto", "interest", "product"},
	"source":                  {"origem", "source"},
	"estimatedValue.amount":   {"valor", "valor estimado", "value", "estimated value", "amount"},
	"estimatedValue.currency": {"moeda", "currency"},
	"notes":                   {"observacoes", "observacao", "obs", "notas", "notes"},
	"consent.lgpd":            {"consentimento", "lgpd", "consent"},
}

// GuessColumn is the column a heading names, or "" when none.
func GuessColumn(heading string) string {
	if slices.Contains(SheetColumns(), heading) {
		return heading
	}
	w := plainWords(heading)
	for col, words := range columnWords {
		if strings.EqualFold(col, w) || slices.Contains(words, w) {
			return col
		}
	}
	return ""
}

func plainWords(s string) string {
	// A chain keeps state between calls: one per call, as rows are read
	// concurrently.
	unaccent := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(unaccent, strings.ToLower(strings.TrimSpace(s)))
	if err != nil {
		return strings.ToLower(strings.TrimSpace(s))
	}
	return strings.Join(strings.FieldsFunc(out, func(r rune) bool { return r == '_' || unicode.IsSpace(r) }), " ")
}
