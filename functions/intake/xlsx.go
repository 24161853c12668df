package main

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/thedatashed/xlsxreader"

	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// maxUnzipped bounds what a workbook may unpack to: a 1,000-row sheet
// is a few megabytes, and a small file that unpacks to gigabytes (a zip
// bomb) would take the function's memory.
const maxUnzipped = 16 << 20

// maxCells bounds the cells (and shared strings) a workbook may hold.
const maxCells = 2 * intake.MaxSheetRows * maxColumns

// checkWorkbook reads the workbook's sheets and shared strings once, as a
// stream, before anything is kept: it refuses one that unpacks too far,
// holds more rows or cells than a sheet of leads, or is damaged (the
// reader below skips what it cannot parse, which would store part of a
// file).
func checkWorkbook(body []byte) error {
	z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return validation.Field("file", "malformed_xlsx", "not an .xlsx workbook: %v", err)
	}
	var total uint64
	for _, f := range z.File {
		if total += f.UncompressedSize64; total > maxUnzipped {
			return validation.Field("file", "too_large", "the workbook unpacks to more than %d MiB", maxUnzipped>>20)
		}
	}
	for _, f := range z.File {
		sheet := strings.HasPrefix(f.Name, "xl/worksheets/") && strings.HasSuffix(f.Name, ".xml")
		if !sheet && !strings.EqualFold(f.Name, "xl/sharedStrings.xml") {
			continue
		}
		if err := countParts(f); err != nil {
			return err
		}
	}
	return nil
}

func countParts(f *zip.File) error {
	r, err := f.Open()
	if err != nil {
		return validation.Field("file", "malformed_xlsx", "%s: %v", f.Name, err)
	}
	defer r.Close()
	d := xml.NewDecoder(r)
	rows, cells := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return validation.Field("file", "malformed_xlsx", "%s is damaged: %v", f.Name, err)
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch el.Name.Local {
		case "row":
			rows++
		case "c", "si":
			cells++
		case "sst":
			for _, a := range el.Attr {
				if n, _ := strconv.Atoi(a.Value); (a.Name.Local == "count" || a.Name.Local == "uniqueCount") && n > maxCells {
					return validation.Field("file", "too_large", "the workbook declares %d strings", n)
				}
			}
		}
		if rows > 2*intake.MaxSheetRows || cells > maxCells {
			return validation.Field("file", "too_many_rows", "a file holds at most %d rows of at most %d columns", intake.MaxSheetRows, maxColumns)
		}
	}
}

// maxColumns bounds the columns read from a sheet.
const maxColumns = 256

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// readXLSX reads a workbook's first sheet as rows of text, each on the
// line Excel shows it on. xlsxreader only reads, with the standard library
// alone; a full workbook library would more than double this binary.
func readXLSX(body []byte) ([][]string, error) {
	if err := checkWorkbook(body); err != nil {
		return nil, err
	}
	book, err := xlsxreader.NewReader(body)
	if err != nil {
		return nil, validation.Field("file", "malformed_xlsx", "not an .xlsx workbook: %v", err)
	}
	if len(book.Sheets) == 0 {
		return nil, validation.Field("file", "empty_file", "the workbook has no sheet")
	}
	var records [][]string
	var failed error
	for row := range book.ReadRows(book.Sheets[0]) {
		if failed != nil {
			continue // drain: the reader stops once every row is sent
		}
		if row.Error != nil {
			failed = validation.Field("file", "malformed_xlsx", "row %d: %v", row.Index, row.Error)
			continue
		}
		for len(records) < row.Index-1 {
			records = append(records, nil)
		}
		var rec []string
		for _, c := range row.Cells {
			i := c.ColumnIndex()
			if i < 0 || i >= maxColumns {
				continue // far past any lead column
			}
			for len(rec) <= i {
				rec = append(rec, "")
			}
			rec[i] = c.Value
		}
		records = append(records, rec)
	}
	return records, failed
}
