package commission

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"io"
	"strconv"
	"time"
)

// PayoutColumns is the payout file's header: one row per batch, what a
// bank or Pix batch tool needs to pay it. Add columns at the end only.
var PayoutColumns = []string{
	"payout_id", "partner_id", "state", "currency", "total_minor", "total", "lines", "through", "created_at", "paid_at",
}

// PayoutSummary is what the manifest says of the payout file.
type PayoutSummary struct {
	Key    string           `json:"key"`
	Rows   int              `json:"rows"`
	Totals map[string]int64 `json:"totals"` // paid batches, minor units per currency
	SHA256 string           `json:"sha256"`
}

// WritePayoutsCSV writes batches as RFC 4180 CSV (UTF-8, CRLF), cells
// neutralised as in the ledger CSV.
func WritePayoutsCSV(w io.Writer, batches []Payout) (PayoutSummary, error) {
	h := sha256.New()
	cw := csv.NewWriter(io.MultiWriter(w, h))
	cw.UseCRLF = true
	sum := PayoutSummary{Totals: map[string]int64{}}
	if err := cw.Write(PayoutColumns); err != nil {
		return PayoutSummary{}, err
	}
	for _, po := range batches {
		paidAt := ""
		if po.PaidAt != nil {
			paidAt = po.PaidAt.UTC().Format(time.RFC3339Nano)
		}
		row := []string{po.ID, po.PartnerID, string(po.State), po.Currency, strconv.FormatInt(po.Total, 10), Decimal(po.Total, po.Currency),
			strconv.Itoa(po.Lines), po.Through, po.CreatedAt.UTC().Format(time.RFC3339Nano), paidAt}
		for i := range row {
			row[i] = Neutralize(row[i])
		}
		if err := cw.Write(row); err != nil {
			return PayoutSummary{}, err
		}
		sum.Rows++
		if po.State == PayoutPaid {
			sum.Totals[po.Currency] += po.Total
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return PayoutSummary{}, err
	}
	sum.SHA256 = hex.EncodeToString(h.Sum(nil))
	return sum, nil
}
