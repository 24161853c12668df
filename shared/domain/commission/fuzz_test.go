package commission

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzCSVWriter: whatever text a ledger line carries (explanations, ids),
// the export stays well-formed RFC 4180 that reads back to the same cells,
// no cell can start a spreadsheet formula, and the same line gives the
// same bytes.
func FuzzCSVWriter(f *testing.F) {
	f.Add("=HYPERLINK(\"http://x\")", "lead-1", int64(-1500))
	f.Add("line one\r\nline \"two\"", "+cmd|' /C calc'!A0", int64(0))
	f.Add("@SUM(A1:A2)", "\t-1", int64(9223372036854775807))
	f.Add("-15.00", "ptn,1", int64(-9223372036854775808))
	f.Fuzz(func(t *testing.T, explanation, id string, amount int64) {
		e := Entry{ID: id, PartnerID: "p", LeadID: id, Period: "2026-03", Kind: KindAccrual, Amount: amount, Currency: "BRL",
			PlanID: id, PlanVersion: 1, TriggerID: id, Explanation: explanation, OccurredAt: time.Unix(1773147600, 0), State: StateAccrued}
		write := func() []byte {
			var b bytes.Buffer
			w, err := NewCSVWriter(&b)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(e); err != nil {
				t.Fatal(err)
			}
			if _, err := w.Close(); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}
		out := write()
		if !bytes.Equal(out, write()) {
			t.Fatal("the same line gave different bytes")
		}
		r := csv.NewReader(bytes.NewReader(out))
		r.FieldsPerRecord = len(Columns)
		rows, err := r.ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("the export does not read back: %v (%d rows)\n%q", err, len(rows), out)
		}
		for i, cell := range rows[1] {
			if cell != "" && !plainNumber.MatchString(cell) && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Fatalf("column %s starts a formula: %q", Columns[i], cell)
			}
		}
		// Line breaks inside a cell are written as LF, and read back so.
		want := Neutralize(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(explanation))
		if got := rows[1][slices.Index(Columns, "explanation")]; got != want {
			t.Fatalf("explanation %q read back as %q, want %q", explanation, got, want)
		}
	})
}
