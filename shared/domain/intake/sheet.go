package intake

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// MaxSheetRows is the most data rows one uploaded spreadsheet may hold.
const MaxSheetRows = 1000

// SourceSheet is the source of a spreadsheet row that names none.
const SourceSheet = "spreadsheet"

// sheetText are a lead spreadsheet's text columns, named as the JSON
// paths of POST /v1/leads, each with where its cell goes.
var sheetText = map[string]func(*Submission, string){
	"externalRef":         func(s *Submission, v string) { s.ExternalRef = v },
	"contact.name":        func(s *Submission, v string) { s.Contact.Name = v },
	"contact.email":       func(s *Submission, v string) { s.Contact.Email = v },
	"contact.phone":       func(s *Submission, v string) { s.Contact.Phone = v },
	"company.name":        func(s *Submission, v string) { s.Company.Name = v },
	"company.domain":      func(s *Submission, v string) { s.Company.Domain = v },
	"company.taxId":       func(s *Submission, v string) { s.Company.TaxID = v },
	"company.size":        func(s *Submission, v string) { s.Company.Size = v },
	"company.industry":    func(s *Submission, v string) { s.Company.Industry = v },
	"location.country":    func(s *Submission, v string) { s.Location.Country = v },
	"location.state":      func(s *Submission, v string) { s.Location.State = v },
	"location.city":       func(s *Submission, v string) { s.Location.City = v },
	"location.postalCode": func(s *Submission, v string) { s.Location.PostalCode = v },
	"interest":            func(s *Submission, v string) { s.Interest = v },
	"source":              func(s *Submission, v string) { s.Source = v },
	"notes":               func(s *Submission, v string) { s.Notes = v },
}

// The columns read as more than text: an amount as a decimal ("1.234,56"
// or "1234.56") in the currency column's currency (BRL when empty), and
// consent as yes or no.
const (
	columnAmount   = "estimatedValue.amount"
	columnCurrency = "estimatedValue.currency"
	columnConsent  = "consent.lgpd"
)

// SheetColumns lists the columns a lead spreadsheet may name.
func SheetColumns() []string {
	out := []string{columnAmount, columnCurrency, columnConsent}
	for k := range sheetText {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// maxCents bounds a spreadsheet amount (R$ 1 trillion).
const maxCents = 100_000_000_000_000

// decimalCents reads an amount as cents. With both "," and "." the last
// one is the decimal mark; with one of them, a mark followed by three
// digits groups thousands ("15.000", "1,234,567") and any other is the
// decimal mark ("1234,5", or "1358.0000000000002" as Excel writes a
// number, rounded to the cent).
func decimalCents(v string) (int64, error) {
	bad := errors.New("must be an amount such as 15.000,00")
	mark := strings.LastIndexAny(v, ",.")
	whole, frac := v, ""
	if mark >= 0 {
		sep := v[mark]
		other := byte(',')
		if sep == ',' {
			other = '.'
		}
		thousands := !strings.ContainsRune(v, rune(other)) && len(v)-mark-1 == 3
		if !thousands {
			whole, frac = v[:mark], v[mark+1:]
			sep = other
		}
		groups := strings.Split(whole, string(sep))
		for i, g := range groups {
			if i > 0 && len(g) != 3 || g == "" {
				return 0, bad
			}
		}
		whole = strings.Join(groups, "")
	}
	n, err := strconv.ParseUint(whole, 10, 62)
	if err != nil || strings.ContainsAny(whole, "+-") {
		return 0, bad
	}
	cents := n * 100
	if frac != "" {
		f, err := strconv.ParseFloat("0."+frac, 64)
		if err != nil || strings.ContainsAny(frac, "+-eE") {
			return 0, bad
		}
		cents += uint64(math.Round(f * 100))
	}
	if n > maxCents/100 || cents > maxCents {
		return 0, errors.New("is larger than any deal")
	}
	return int64(cents), nil
}

// SheetRow is one data row of a spreadsheet: the lead it makes, or Err
// with its fields' problems.
type SheetRow struct {
	Line int // the file's line, the header being line 1
	Lead Normalised
	Err  error
}

// Columns names a spreadsheet's columns from its header line (see
// GuessColumns), refusing a heading that names no column or one named
// before.
func Columns(header []string) ([]string, error) {
	if BlankRow(header) {
		return nil, validation.Field("file", "no_header", "the first line must name the columns")
	}
	cols := GuessColumns(header)
	for i, c := range cols {
		name := heading(header[i])
		switch {
		case c != "" || name == "":
		case GuessColumn(name) != "":
			return nil, validation.Field("file", "repeated_column", "column %d %q names %s again", i+1, name, GuessColumn(name))
		default:
			return nil, validation.Field("file", "unknown_column", "column %d %q is not a lead field; name it as one of %s", i+1, name, strings.Join(SheetColumns(), ", "))
		}
	}
	return cols, nil
}

// GuessColumns names each heading's column: our column names, or the
// words people head them with in Portuguese or English ("E-mail", "CNPJ",
// "Razão social"). A heading that names none, or one an earlier heading
// took, is "" (ignored).
func GuessColumns(header []string) []string {
	cols := make([]string, len(header))
	for i, name := range header {
		if c := GuessColumn(heading(name)); c != "" && !slices.Contains(cols[:i], c) {
			cols[i] = c
		}
	}
	return cols
}

func heading(s string) string { return strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")) }

// checkColumns refuses an unknown column or one named twice.
func checkColumns(cols []string) error {
	for i, c := range cols {
		switch {
		case c == "":
		case !slices.Contains(SheetColumns(), c):
			return validation.Field("columns", "unknown_column", "%q is not a lead field", c)
		case slices.Contains(cols[:i], c):
			return validation.Field("columns", "repeated_column", "%q names two columns", c)
		}
	}
	return nil
}

// ReadSheet reads a lead spreadsheet, its header line first. cols names
// its columns (nil: named from the header, see Columns). A file that is
// not a sheet of leads (no header, an unknown or repeated column, no rows,
// too many) is refused whole; each row is then validated as POST /v1/leads
// would, and rows with every cell empty are skipped.
func ReadSheet(records [][]string, cols []string) ([]SheetRow, error) {
	if len(records) == 0 {
		return nil, validation.Field("file", "empty_file", "the file has no header line")
	}
	var err error
	if cols == nil {
		cols, err = Columns(records[0])
	} else {
		err = checkColumns(cols)
	}
	if err != nil {
		return nil, err
	}
	var rows []SheetRow
	for i, rec := range records[1:] {
		if BlankRow(rec) {
			continue
		}
		if len(rows) == MaxSheetRows {
			return nil, validation.Field("file", "too_many_rows", "a file holds at most %d rows", MaxSheetRows)
		}
		cells := map[string]string{}
		for j, v := range rec {
			if j < len(cols) && cols[j] != "" {
				cells[cols[j]] = strings.TrimSpace(v)
			}
		}
		rows = append(rows, sheetRow(i+2, cells))
	}
	if len(rows) == 0 {
		return nil, validation.Field("file", "no_rows", "the file has a header but no rows")
	}
	return rows, nil
}

func sheetRow(line int, cells map[string]string) SheetRow {
	s := Submission{Contact: &ContactIn{}, Company: &CompanyIn{}, Location: &LocationIn{}, Consent: &lead.Consent{}, Source: SourceSheet}
	var cellErrs validation.Error
	for name, v := range cells {
		if set, ok := sheetText[name]; ok && v != "" {
			set(&s, v)
		}
	}
	if v := cells[columnAmount]; v != "" {
		if cents, err := decimalCents(v); err != nil {
			cellErrs.Add(columnAmount, "invalid_amount", "%v", err)
		} else {
			s.EstimatedValue = &lead.Money{Amount: cents, Currency: cmp.Or(cells[columnCurrency], "BRL")}
		}
	}
	switch strings.ToLower(cells[columnConsent]) {
	case "sim", "s", "yes", "y", "true", "1", "x":
		s.Consent.LGPD = true
	case "não", "nao", "n", "no", "false", "0", "":
	default:
		cellErrs.Add(columnConsent, "invalid_choice", "must be sim or não (yes or no)")
	}
	n, err := s.Validate()
	if len(cellErrs.Fields) > 0 {
		var ve *validation.Error
		if errors.As(err, &ve) {
			cellErrs.Fields = append(cellErrs.Fields, ve.Fields...)
		}
		err = &cellErrs
	}
	return SheetRow{Line: line, Lead: n, Err: err}
}

// BlankRow reports whether every cell of a row is empty.
func BlankRow(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}
