package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/edge/emf"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
)

// maxSheetBytes bounds an uploaded spreadsheet (1,000 rows of leads with
// long notes fit).
const maxSheetBytes = 4 << 20

type uploadRow struct {
	Line     int              `json:"line"`
	Outcome  string           `json:"outcome"`
	LeadID   string           `json:"leadId,omitempty"`
	Replayed bool             `json:"replayed,omitempty"`
	SameAs   int              `json:"sameAs,omitempty"`
	Problem  *httpapi.Problem `json:"problem,omitempty"`
}

// upload answers POST /v1/leads/upload: a partner's spreadsheet of leads,
// each row submitted as POST /v1/leads would and reported on its own.
func (h handler) upload(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	body, err := r.Body(maxSheetBytes)
	if err != nil {
		return httpapi.Response{}, err
	}
	var records [][]string
	switch r.MediaType() {
	case "text/csv":
		records, err = readCSV(body)
	case xlsxType:
		records, err = readXLSX(body)
	default:
		return httpapi.Response{}, httpapi.UnsupportedMediaType("send text/csv or an .xlsx workbook (" + xlsxType + ")")
	}
	if err != nil {
		return httpapi.Response{}, err
	}
	if r.Query("preview") == "true" {
		return httpapi.JSON(http.StatusOK, preview(records)), nil
	}
	var cols []string
	if c := r.Query("columns"); c != "" {
		cols = strings.Split(c, ",")
	}
	rows, err := intake.ReadSheet(records, cols)
	if err != nil {
		return httpapi.Response{}, err
	}
	results, err := h.leads.Upload(ctx, r.Principal, rows)
	if err != nil && len(results) == 0 {
		return httpapi.Response{}, err
	}
	counts := map[string]int{}
	for _, o := range intake.RowOutcomes {
		counts[o] = 0
	}
	out, replayed := make([]uploadRow, len(results)), 0
	for i, res := range results {
		counts[res.Outcome]++
		if res.Replayed {
			replayed++
		}
		out[i] = uploadRow{Line: res.Line, Outcome: res.Outcome, LeadID: res.LeadID, Replayed: res.Replayed, SameAs: res.SameAs}
		if res.Err != nil {
			p := httpapi.ProblemFor(res.Err)
			out[i].Problem = &p
		}
		if res.Outcome == intake.RowFailed {
			h.log.ErrorContext(ctx, "upload row failed", "line", res.Line, "error", res.Err)
		}
	}
	h.meter.Put(emf.Count(emf.LeadsAccepted, counts[intake.RowAccepted]-replayed),
		emf.Count(emf.LeadsDuplicate, counts[intake.RowDuplicate]+counts[intake.RowConflict]),
		emf.Count(emf.LeadsRejected, counts[intake.RowInvalid]))
	return httpapi.JSON(http.StatusOK, map[string]any{"rows": len(out), "counts": counts, "replayed": replayed, "results": out}), nil
}

// sheetPreview is a file's header, the columns it seems to name, and its
// first rows: what a person maps before sending.
type sheetPreview struct {
	Header  []string   `json:"header"`
	Columns []string   `json:"columns"`
	Sample  [][]string `json:"sample"`
	Rows    int        `json:"rows"`
	Fields  []string   `json:"fields"` // every column a file may have
}

const previewRows = 5

func preview(records [][]string) sheetPreview {
	p := sheetPreview{Header: []string{}, Columns: []string{}, Sample: [][]string{}, Fields: intake.SheetColumns()}
	if len(records) == 0 {
		return p
	}
	p.Header, p.Columns = append([]string{}, records[0]...), intake.GuessColumns(records[0])
	for _, rec := range records[1:] {
		if intake.BlankRow(rec) {
			continue
		}
		if p.Rows++; len(p.Sample) < previewRows {
			p.Sample = append(p.Sample, rec)
		}
	}
	return p
}

// sheetBounds refuses a file past the rows or columns a sheet of leads
// may have, before it is all in memory; rows counts the non-blank ones.
func sheetBounds(line, columns int, rows *int, blank bool) error {
	if columns > maxColumns {
		return validation.Field("file", "too_many_columns", "line %d has %d columns; a sheet of leads has at most %d", line, columns, maxColumns)
	}
	if !blank {
		if *rows++; *rows > intake.MaxSheetRows+1 {
			return validation.Field("file", "too_many_rows", "a file holds at most %d rows", intake.MaxSheetRows)
		}
	}
	return nil
}

// readCSV reads a CSV as exported by spreadsheets: comma or semicolon
// separated (the header line tells), UTF-8 or Windows-1252.
func readCSV(body []byte) ([][]string, error) {
	if !utf8.Valid(body) {
		b, err := charmap.Windows1252.NewDecoder().Bytes(body)
		if err != nil {
			return nil, validation.Field("file", "malformed_csv", "the file is neither UTF-8 nor Windows-1252 text")
		}
		body = b
	}
	cr := csv.NewReader(bytes.NewReader(body))
	cr.FieldsPerRecord = -1
	first, _, _ := bytes.Cut(body, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	var records [][]string
	rows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return records, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, validation.Field("file", "malformed_csv", "line %d: %v", pe.Line, pe.Err)
		}
		if err != nil {
			return nil, validation.Field("file", "malformed_csv", "%v", err)
		}
		line, _ := cr.FieldPos(0)
		if err := sheetBounds(line, len(rec), &rows, intake.BlankRow(rec)); err != nil {
			return nil, err
		}
		// The reader skips empty lines: keep each record on its line.
		for len(records) < line-1 {
			records = append(records, nil)
		}
		records = append(records, rec)
	}
}
