package commission

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"hash"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Columns is the export's header, in order. Changing it is a breaking
// change for finance's spreadsheets: add columns at the end only.
var Columns = []string{
	"entry_id", "period", "partner_id", "lead_id", "kind", "state", "currency", "amount_minor", "amount",
	"base_minor", "rate_bps", "calculated_minor", "plan_id", "plan_version", "trigger_event_id", "trigger_kind",
	"reverses", "occurred_at", "explanation", "earned_in",
}

// CSVWriter streams ledger lines as RFC 4180 CSV (UTF-8, CRLF) and keeps
// what the manifest needs: rows, totals per currency, plan versions and
// the SHA-256 of every byte written. The same lines in the same order give
// byte-identical output.
type CSVWriter struct {
	csv    *csv.Writer
	sum    hash.Hash
	rows   int
	totals map[string]int64
	plans  map[string]bool
	row    []string
}

func NewCSVWriter(w io.Writer) (*CSVWriter, error) {
	h := sha256.New()
	c := &CSVWriter{csv: csv.NewWriter(io.MultiWriter(w, h)), sum: h, totals: map[string]int64{}, plans: map[string]bool{}, row: make([]string, len(Columns))}
	c.csv.UseCRLF = true
	return c, c.csv.Write(Columns)
}

// Write adds one line.
func (c *CSVWriter) Write(e Entry) error {
	r := c.row
	r[0], r[1], r[2], r[3], r[4], r[5], r[6] = e.ID, e.Period, e.PartnerID, e.LeadID, string(e.Kind), string(e.State), e.Currency
	r[7], r[8] = itoa(e.Amount), Decimal(e.Amount, e.Currency)
	r[9], r[10], r[11] = itoa(e.Base), itoa(e.RateBps), itoa(e.Calculated)
	r[12], r[13], r[14], r[15] = e.PlanID, strconv.Itoa(e.PlanVersion), e.TriggerID, string(e.TriggerKind)
	r[16], r[17], r[18], r[19] = e.Reverses, e.OccurredAt.UTC().Format(time.RFC3339Nano), e.Explanation, e.EarnedIn
	for i := range r {
		r[i] = Neutralize(lineBreaks.Replace(r[i]))
	}
	c.rows++
	c.totals[e.Currency] += e.Amount
	c.plans[e.PlanID+"@"+strconv.Itoa(e.PlanVersion)] = true
	return c.csv.Write(r)
}

// Summary is what was written, once flushed.
type Summary struct {
	Rows         int              `json:"rows"`
	Totals       map[string]int64 `json:"totals"` // minor units per currency
	SHA256       string           `json:"sha256"`
	PlanVersions []string         `json:"planVersions"`
}

// Close flushes and summarises.
func (c *CSVWriter) Close() (Summary, error) {
	c.csv.Flush()
	if err := c.csv.Error(); err != nil {
		return Summary{}, err
	}
	plans := make([]string, 0, len(c.plans))
	for p := range c.plans {
		plans = append(plans, p)
	}
	slices.Sort(plans)
	return Summary{Rows: c.rows, Totals: c.totals, SHA256: hex.EncodeToString(c.sum.Sum(nil)), PlanVersions: plans}, nil
}

// lineBreaks makes every line break inside a cell a plain LF: a CSV reader
// would otherwise read a lone CR, or a CRLF, back as something else.
var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n")

var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// Neutralize defuses spreadsheet formula injection: a cell that begins
// with =, +, -, @, tab or CR gets a leading apostrophe, so spreadsheets show
// it as text. Plain numbers ("-1500", "-15.00") are left alone: they cannot
// be formulas, and finance needs negative amounts as numbers.
func Neutralize(cell string) string {
	if cell == "" || plainNumber.MatchString(cell) {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + cell
	}
	return cell
}

// Manifest describes one export and lets finance check it.
type Manifest struct {
	ExportID string `json:"exportId"`
	Period   string `json:"period"`
	Summary
	CSVKey  string   `json:"csvKey"`
	Columns []string `json:"columns"`
	// Payouts describes payouts.csv: the batches created in the period.
	Payouts     PayoutSummary `json:"payouts"`
	Rounding    string        `json:"rounding"`
	GeneratedAt time.Time     `json:"generatedAt"`
}

// RoundingRule is stated in every manifest.
const RoundingRule = "integer minor units; each amount is rounded once, half away from zero"
