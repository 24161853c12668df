package intake_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

// fields are a row's or file's field errors as "field:code".
func fields(err error) []string {
	var ve *validation.Error
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Field+":"+f.Code)
	}
	return out
}

func TestReadSheetRefusesAFileThatIsNotASheetOfLeads(t *testing.T) {
	t.Parallel()
	header := []string{"contact.name", "contact.email", "company.name", "location.country", "consent.lgpd"}
	row := []string{"Ana", "ana@exemplo.com.br", "Exemplo", "BR", "sim"}
	many := [][]string{header}
	for range intake.MaxSheetRows + 1 {
		many = append(many, row)
	}
	cases := []struct {
		name    string
		records [][]string
		cols    []string
		want    string
	}{
		{"empty", nil, nil, "file:empty_file"},
		{"header only", [][]string{header}, nil, "file:no_rows"},
		{"blank rows only", [][]string{header, {"", " "}, {}}, nil, "file:no_rows"},
		{"unknown heading", [][]string{{"contact.name", "Favorite colour"}, row}, nil, "file:unknown_column"},
		{"heading named twice", [][]string{{"E-mail", "email"}, row}, nil, "file:repeated_column"},
		{"unknown mapped column", [][]string{header, row}, []string{"contact.name", "contact.shoe"}, "columns:unknown_column"},
		{"mapped twice", [][]string{header, row}, []string{"contact.name", "contact.name"}, "columns:repeated_column"},
		{"too many rows", many, nil, "file:too_many_rows"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rows, err := intake.ReadSheet(c.records, c.cols)
			if got := fields(err); !slices.Equal(got, []string{c.want}) || rows != nil {
				t.Fatalf("ReadSheet: rows %d, errors %v (%v); want only %s", len(rows), got, err, c.want)
			}
		})
	}
}

func TestReadSheetValidatesEachRowAsTheAPIDoes(t *testing.T) {
	t.Parallel()
	header := []string{"Nome", "E-mail", "Razão Social", "País", "Valor", "Moeda", "LGPD", ""}
	records := [][]string{header,
		{"Ana", "ana@exemplo.com.br", "Exemplo", "BR", "1.234,56", "", "sim", "ignored"},
		{"", "", "", "", "", "", "", ""}, // skipped, keeps its line
		{"Bia", "bia@exemplo.com.br", "Outra", "BR", "1234.5", "USD", "yes"},
		{"Caio", "not-an-email", "Mais", "BR", "muito", "", "talvez"},
		{"Duda", "duda@exemplo.com.br", "Quarta", "BR", "15000", "", "não"},
	}
	rows, err := intake.ReadSheet(records, nil)
	if err != nil {
		t.Fatalf("ReadSheet: %v", err)
	}
	var lines []int
	for _, r := range rows {
		lines = append(lines, r.Line)
	}
	if !slices.Equal(lines, []int{2, 4, 5, 6}) {
		t.Fatalf("lines %v, want 2 4 5 6 (the blank line 3 skipped)", lines)
	}
	if r := rows[0]; r.Err != nil || r.Lead.EstimatedValue == nil || *r.Lead.EstimatedValue != (lead.Money{Amount: 123456, Currency: "BRL"}) || r.Lead.Source != intake.SourceSheet || !r.Lead.Consent.LGPD {
		t.Fatalf("row 2: %+v err %v; want R$ 1.234,56 from a spreadsheet with consent", r.Lead, r.Err)
	}
	if r := rows[1]; r.Err != nil || r.Lead.EstimatedValue.Amount != 123450 || r.Lead.EstimatedValue.Currency != "USD" {
		t.Fatalf("row 4: %+v err %v; want 123450 USD", r.Lead.EstimatedValue, r.Err)
	}
	got := fields(rows[2].Err)
	for _, want := range []string{"estimatedValue.amount:invalid_amount", "consent.lgpd:invalid_choice", "contact.email:invalid_email"} {
		if !slices.Contains(got, want) {
			t.Fatalf("row 5 errors %v, want %s among them", got, want)
		}
	}
	if got := fields(rows[3].Err); !slices.Equal(got, []string{"consent.lgpd:consent_required"}) {
		t.Fatalf("row 6 errors %v, want consent required", got)
	}
}

func TestEveryHeadingWordNamesOneColumn(t *testing.T) {
	t.Parallel()
	cols := intake.SheetColumns()
	for _, c := range cols {
		if got := intake.GuessColumn(c); got != c {
			t.Errorf("GuessColumn(%q) = %q, want itself", c, got)
		}
	}
	for heading, want := range map[string]string{"  E-MAIL ": "contact.email", "Razão social": "company.name", "CNPJ": "company.taxId",
		"Observações": "notes", "cep": "location.postalCode", "UF": "location.state", "valor_estimado": "estimatedValue.amount", "Favorite colour": ""} {
		if got := intake.GuessColumn(heading); got != want {
			t.Errorf("GuessColumn(%q) = %q, want %q", heading, got, want)
		}
	}
	if got := intake.GuessColumns([]string{"Nome", "nome", "Email"}); !slices.Equal(got, []string{"contact.name", "", "contact.email"}) {
		t.Errorf("GuessColumns gave %v; a second 'nome' must be left for the person to map", got)
	}
	if n := len(cols); n != 19 {
		t.Errorf("%d sheet columns (%s): a new lead field needs its column and its heading words", n, strings.Join(cols, ","))
	}
}

func TestSheetAmountsReadAsPeopleAndExcelWriteThem(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{
		"15.000,00": 1500000, "15000.00": 1500000, "15.000": 1500000, "1,234,567": 123456700, "1.234,5": 123450,
		"1234,56": 123456, "1358.0000000000002": 135800, "0.30000000000000004": 30, "1234.567": 123456700, "15000": 1500000,
		"1,2,3": -1, ".": -1, "abc": -1, "12.34.5": -1, "-5": -1, "1e9": -1, "999999999999999": -1,
	} {
		rows, err := intake.ReadSheet([][]string{{"contact.name", "contact.email", "company.name", "location.country", "consent.lgpd", "estimatedValue.amount"},
			{"Ana", "ana@exemplo.com.br", "Exemplo", "BR", "sim", in}}, nil)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		r := rows[0]
		switch {
		case want < 0 && !slices.Contains(fields(r.Err), "estimatedValue.amount:invalid_amount"):
			t.Errorf("%q read as %+v (%v), want refused", in, r.Lead.EstimatedValue, r.Err)
		case want >= 0 && (r.Err != nil || r.Lead.EstimatedValue == nil || r.Lead.EstimatedValue.Amount != want):
			t.Errorf("%q read as %+v (%v), want %d cents", in, r.Lead.EstimatedValue, r.Err, want)
		}
	}
}

func TestUploadStoresRowsLinkedByIdentityInFileOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Another partner holds line 2's e-mail. Line 4 shares line 2's
	// domain and line 3's phone: the three are one identity and go in file
	// order, so line 3 is new and line 4 repeats it, whatever the workers'
	// timing (grouped by line 2 alone, line 4 would race line 3).
	records := [][]string{{"contact.name", "contact.email", "contact.phone", "company.name", "company.domain", "location.country", "consent.lgpd"},
		{"Ana", "ana@um.com.br", "", "Um", "um.com.br", "BR", "sim"},
		{"Bia", "bia@dois.com.br", "+5511912340002", "Dois", "", "BR", "sim"},
		{"Caio", "caio@tres.com.br", "+5511912340002", "Tres", "um.com.br", "BR", "sim"},
	}
	for range 30 {
		rows, err := intake.ReadSheet(records, nil)
		if err != nil {
			t.Fatal(err)
		}
		svc := intake.NewService(memstore.New(), intake.DefaultConfig, time.Now)
		held, err := intake.ReadSheet([][]string{records[0], {"Ana", "ana@um.com.br", "", "Um", "", "BR", "sim"}}, nil)
		if err != nil || held[0].Err != nil {
			t.Fatal(err, held)
		}
		if _, err := svc.Submit(ctx, auth.Principal{Role: auth.RolePartner, PartnerID: "p0"}, held[0].Lead, ""); err != nil {
			t.Fatal(err)
		}
		res, err := svc.Upload(ctx, auth.Principal{Role: auth.RolePartner, PartnerID: "p1"}, rows)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range res {
			got = append(got, r.Outcome)
		}
		if !slices.Equal(got, []string{"conflict", "accepted", "duplicate"}) {
			t.Fatalf("outcomes %v, want line 2 another partner's, line 3 new, line 4 a repeat of it", got)
		}
	}
}

func TestUploadOutOfTimeFailsTheRowsItCouldNotStore(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second) // under the reserve
	defer cancel()
	st := memstore.New()
	rows, _ := intake.ReadSheet([][]string{{"contact.name", "contact.email", "company.name", "location.country", "consent.lgpd"},
		{"Ana", "ana@um.com.br", "Um", "BR", "sim"}}, nil)
	res, err := intake.NewService(st, intake.DefaultConfig, time.Now).Upload(ctx, auth.Principal{Role: auth.RolePartner, PartnerID: "p1"}, rows)
	if err != nil || len(res) != 1 || res[0].Outcome != intake.RowFailed || !errors.Is(res[0].Err, intake.ErrUploadOutOfTime) {
		t.Fatalf("an upload with no time left: %+v, %v; want the row failed, to send again", res, err)
	}
	if n := len(st.AllLeads()); n != 0 {
		t.Fatalf("%d leads stored with no time left", n)
	}
}
