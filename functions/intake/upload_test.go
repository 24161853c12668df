package main

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// sheetCSV is a file of n rows: every 20th from the 20th has a bad e-mail
// (5%), and the 5th and 15th of every 10 repeat the row before, whole or
// under another contact name (10%).
func sheetCSV(n int, emailDomain string) string {
	var b strings.Builder
	b.WriteString("contact.name,contact.email,company.name,location.country,consent.lgpd\n")
	for i := range n {
		k, email := i, ""
		if i%20 == 4 {
			k = i - 1
		}
		email = fmt.Sprintf("c%d@%s", k, emailDomain)
		switch {
		case i%20 == 19:
			email = "sem-arroba"
		case i%20 == 14:
			email = fmt.Sprintf("c%d@%s", i-1, emailDomain)
		}
		fmt.Fprintf(&b, "Contato %d,%s,Empresa %d,BR,sim\n", k, email, k)
	}
	return b.String()
}

func counts(t *testing.T, m map[string]any) string {
	t.Helper()
	c, _ := m["counts"].(map[string]any)
	return fmt.Sprintf("accepted %v duplicate %v conflict %v invalid %v failed %v replayed %v",
		c["accepted"], c["duplicate"], c["conflict"], c["invalid"], c["failed"], m["replayed"])
}

func TestUploadOfAThousandRowsCountsEachOutcomeExactly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	file := sheetCSV(1000, "exemplo.com.br")
	csv := map[string]string{"content-type": "text/csv; charset=utf-8"}
	code, m, _ := f.do(t, "POST", "/v1/leads/upload", "a", file, csv)
	if want := "accepted 850 duplicate 100 conflict 0 invalid 50 failed 0 replayed 0"; code != 200 || counts(t, m) != want {
		t.Fatalf("first upload: %d %s, want %s", code, counts(t, m), want)
	}
	if n := len(f.store.AllLeads()); n != 850 {
		t.Fatalf("%d leads stored, want 850", n)
	}
	rows := m["results"].([]any)
	first, whole, renamed, bad := rows[3].(map[string]any), rows[4].(map[string]any), rows[14].(map[string]any), rows[19].(map[string]any)
	if whole["outcome"] != "duplicate" || whole["sameAs"] != float64(5) || whole["leadId"] != first["leadId"] || first["leadId"] == nil {
		t.Fatalf("line 6 repeats line 5 whole: got %v (line 5: %v)", whole, first)
	}
	if renamed["outcome"] != "duplicate" || renamed["leadId"] == nil || renamed["sameAs"] != nil {
		t.Fatalf("line 16 is the lead of line 15 under another name: got %v", renamed)
	}
	p, _ := bad["problem"].(map[string]any)
	if bad["line"] != float64(21) || bad["outcome"] != "invalid" || !strings.Contains(fmt.Sprint(p["errors"]), "contact.email") {
		t.Fatalf("line 21 has a bad e-mail: got %v", bad)
	}
	if !strings.Contains(f.metrics.String(), `"LeadsAccepted":850`) {
		t.Fatalf("metrics %s, want 850 accepted", f.metrics.String())
	}

	code, m, _ = f.do(t, "POST", "/v1/leads/upload", "a", file, csv)
	if want := "accepted 850 duplicate 100 conflict 0 invalid 50 failed 0 replayed 850"; code != 200 || counts(t, m) != want {
		t.Fatalf("the same file again: %d %s, want %s", code, counts(t, m), want)
	}
	if n := len(f.store.AllLeads()); n != 850 {
		t.Fatalf("%d leads after the second upload, want still 850", n)
	}
	code, m, _ = f.do(t, "POST", "/v1/leads/upload", "b", sheetCSV(3, "exemplo.com.br"), csv)
	if want := "accepted 0 duplicate 0 conflict 3 invalid 0 failed 0 replayed 0"; code != 200 || counts(t, m) != want {
		t.Fatalf("another partner sends the same companies: %d %s, want %s", code, counts(t, m), want)
	}
}

func TestUploadRefusesAFileItCannotReadAndStoresNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	csv := map[string]string{"content-type": "text/csv"}
	// The sheet cut off mid-row.
	damaged := workbook(t, `<worksheet `+mainNS+`><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>contact.name</t></is></c></row><row r="2"><c r="A2" t="inl`, `<sst `+mainNS+`/>`)
	cases := []struct {
		name, who, body string
		headers         map[string]string
		code            int
		want            string
	}{
		// Valid rows before the broken line: a reader that stored as it went would keep them.
		{"broken quotes", "a", sheetCSV(3, "q.com.br") + "\"Ana,ana@x.com.br,Empresa,BR,sim\n", csv, 422, "malformed_csv"},
		{"unknown column", "a", "contact.name,cor favorita\nAna,azul\n", csv, 422, "unknown_column"},
		{"no rows", "a", "contact.name,contact.email\n", csv, 422, "no_rows"},
		{"not a workbook", "a", "PK\x03\x04 nothing", map[string]string{"content-type": xlsxType}, 422, "malformed_xlsx"},
		{"neither csv nor xlsx", "a", "{}", map[string]string{"content-type": "application/json"}, 415, "unsupported-media-type"},
		{"not a partner", "manager", sheetCSV(2, "x.com.br"), csv, 403, "forbidden"},
		{"a workbook that unpacks to gigabytes", "a", zipBomb(t), map[string]string{"content-type": xlsxType}, 422, "too_large"},
		{"a damaged workbook", "a", damaged, map[string]string{"content-type": xlsxType}, 422, "malformed_xlsx"},
		{"a workbook declaring a billion strings", "a", workbook(t, `<worksheet `+mainNS+`><sheetData/></worksheet>`, `<sst `+mainNS+` count="1000000000000"/>`),
			map[string]string{"content-type": xlsxType}, 422, "too_large"},
		{"more than 1,000 rows", "a", sheetCSV(1001, "x.com.br"), csv, 422, "too_many_rows"},
		{"a blank header", "a", ",,\n" + sheetCSV(2, "x.com.br"), csv, 422, "no_header"},
		{"too many columns", "a", strings.Repeat("a,", 300) + "\n", csv, 422, "too_many_columns"},
	}
	for _, c := range cases {
		code, m, resp := f.do(t, "POST", "/v1/leads/upload", c.who, c.body, c.headers)
		if code != c.code || !strings.Contains(resp.Body, c.want) {
			t.Errorf("%s: %d %v, want %d naming %s", c.name, code, m, c.code, c.want)
		}
	}
	if n := len(f.store.AllLeads()); n != 0 {
		t.Fatalf("%d leads stored from refused files, want 0", n)
	}
}

func TestUploadReadsSpreadsheetsAsPeopleSaveThem(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// Excel in Portuguese saves CSV with semicolons in Windows-1252.
	latin, err := charmap.Windows1252.NewEncoder().String("Nome;E-mail;Razão Social;País;LGPD\nJoão;joao@acme.com.br;Ação Ltda;BR;sim\n")
	if err != nil {
		t.Fatal(err)
	}
	code, m, _ := f.do(t, "POST", "/v1/leads/upload", "a", latin, map[string]string{"content-type": "text/csv"})
	if code != 200 || counts(t, m) != "accepted 1 duplicate 0 conflict 0 invalid 0 failed 0 replayed 0" {
		t.Fatalf("semicolons in Windows-1252: %d %s %v", code, counts(t, m), m)
	}
	if ls := f.store.AllLeads(); len(ls) != 1 || ls[0].Company.Name != "Ação Ltda" || ls[0].Source != "spreadsheet" {
		t.Fatalf("stored %+v, want Ação Ltda from a spreadsheet", ls)
	}

	book := xlsx(t, [][]string{{"Empresa", "Contato", "Email", "Pais", "Consentimento"}, nil, {"Beta SA", "Bia", "bia@beta.com.br", "BR", "sim"}})
	x := map[string]string{"content-type": xlsxType}
	code, m, _ = f.do(t, "POST", "/v1/leads/upload?preview=true", "a", book, x)
	if code != 200 || fmt.Sprint(m["columns"]) != "[company.name contact.name contact.email location.country consent.lgpd]" || m["rows"] != float64(1) {
		t.Fatalf("preview: %d %v", code, m)
	}
	if n := len(f.store.AllLeads()); n != 1 {
		t.Fatalf("a preview stored leads: %d, want still 1", n)
	}
	code, m, _ = f.do(t, "POST", "/v1/leads/upload", "a", book, x)
	rows, _ := m["results"].([]any)
	if code != 200 || len(rows) != 1 || rows[0].(map[string]any)["line"] != float64(3) || rows[0].(map[string]any)["outcome"] != "accepted" {
		t.Fatalf("xlsx upload: %d %v, want line 3 accepted (row 2 is empty)", code, m)
	}
	// Lines as the file has them: an empty line and a note over two lines
	// before the bad row.
	code, m, _ = f.do(t, "POST", "/v1/leads/upload", "a", "contact.name,contact.email,company.name,location.country,consent.lgpd,notes\n\n"+
		"Lia,lia@linhas.com.br,Linhas,BR,sim,\"uma\nduas\"\nMia,sem-arroba,Mais,BR,sim,\n", map[string]string{"content-type": "text/csv"})
	if rows, _ := m["results"].([]any); code != 200 || len(rows) != 2 || rows[0].(map[string]any)["line"] != float64(3) || rows[1].(map[string]any)["line"] != float64(5) {
		t.Fatalf("lines: %d %v, want the rows on lines 3 and 5", code, m)
	}
	// The person maps the columns: the second is the company, the first ignored.
	code, m, _ = f.do(t, "POST", "/v1/leads/upload?columns=,company.name,contact.name,location.country,consent.lgpd",
		"a", "x,Firma,Quem,Land,ok\n1,Gama,Gil,BR,sim\n", map[string]string{"content-type": "text/csv"})
	if code != 200 || counts(t, m) != "accepted 0 duplicate 0 conflict 0 invalid 1 failed 0 replayed 0" ||
		!strings.Contains(fmt.Sprint(m["results"]), "contact") {
		t.Fatalf("mapped upload without a way to reach the contact: %d %s %v", code, counts(t, m), m)
	}
}

// zipBomb is a small zip whose sheet unpacks to more than maxUnzipped.
func zipBomb(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, err := z.Create("xl/worksheets/sheet1.xml")
	if err == nil {
		_, err = w.Write(make([]byte, maxUnzipped+1))
	}
	if err == nil {
		err = z.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// xlsx is a minimal workbook of one sheet holding rows as shared strings,
// as Excel writes them.
func xlsx(t *testing.T, rows [][]string) string {
	t.Helper()
	var strs []string
	var sheet strings.Builder
	for i, r := range rows {
		fmt.Fprintf(&sheet, `<row r="%d">`, i+1)
		for j, v := range r {
			var esc bytes.Buffer
			_ = xml.EscapeText(&esc, []byte(v))
			strs = append(strs, "<si><t>"+esc.String()+"</t></si>")
			fmt.Fprintf(&sheet, `<c r="%c%d" t="s"><v>%d</v></c>`, 'A'+j, i+1, len(strs)-1)
		}
		sheet.WriteString("</row>")
	}
	return workbook(t, `<worksheet `+mainNS+`><sheetData>`+sheet.String()+`</sheetData></worksheet>`,
		fmt.Sprintf(`<sst %s count="%d">%s</sst>`, mainNS, len(strs), strings.Join(strs, "")))
}

const mainNS = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`

// workbook zips a sheet and its shared strings with the parts around them.
func workbook(t *testing.T, sheet, sst string) string {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name, body string) {
		w, err := z.Create(name)
		if err == nil {
			_, err = w.Write([]byte(xml.Header + body))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	put("[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)
	put("xl/workbook.xml", `<workbook `+mainNS+` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Leads" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`)
	put("xl/styles.xml", `<styleSheet `+mainNS+`/>`)
	put("xl/sharedStrings.xml", sst)
	put("xl/worksheets/sheet1.xml", sheet)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}
