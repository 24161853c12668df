package commission

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Export is one run of the finance export for a period.
type Export struct {
	ID          string     `json:"id"`
	Period      string     `json:"period"`
	Status      string     `json:"status"` // pending | completed | failed
	RequestedBy string     `json:"requestedBy"`
	RequestedAt time.Time  `json:"requestedAt"`
	CompletedAt *time.Time `json:"completedAt,omitempty"`
	CSVKey      string     `json:"csvKey,omitempty"`
	PayoutsKey  string     `json:"payoutsKey,omitempty"`
	ManifestKey string     `json:"manifestKey,omitempty"`
	Manifest    *Manifest  `json:"manifest,omitempty"`
	Error       string     `json:"error,omitempty"`
}

// ExportPrefix is where exports land in the bucket.
const ExportPrefix = "exports/commissions/"

func exportKeys(x Export) (csvKey, payoutsKey, manifestKey string) {
	dir := ExportPrefix + "period=" + x.Period + "/" + x.ID + "/"
	return dir + "commissions.csv", dir + "payouts.csv", dir + "manifest.json"
}

// RequestExport records an export of period and asks the exporter to run
// it; poll GetExport for the result.
func (s Service) RequestExport(ctx context.Context, p auth.Principal, period string) (Export, error) {
	if err := financeOnly(p); err != nil {
		return Export{}, err
	}
	if _, err := ParsePeriod(period); err != nil || period > PeriodOf(s.now()) {
		return Export{}, validation.Field("period", "invalid", "a month YYYY-MM, not in the future")
	}
	at := s.now()
	x := Export{ID: "exp_" + strings.ToLower(ulid.MustNew(ulid.Timestamp(at), rand.Reader).String()), Period: period,
		Status: "pending", RequestedBy: p.ActorID(), RequestedAt: at}
	if err := s.Store.PutExport(ctx, x); err != nil {
		return Export{}, err
	}
	return x, s.Bus.Put(ctx, EventExportRequested, x, at)
}

// ScheduledExport is the monthly export of the period before now; its id
// is fixed per period, so a repeated schedule run rewrites the same files.
func (s Service) ScheduledExport(now time.Time) Export {
	period := PreviousPeriod(now)
	return Export{ID: "scheduled-" + period, Period: period, Status: "pending", RequestedBy: "schedule", RequestedAt: now.UTC().Truncate(time.Microsecond)}
}

// GetExport returns an export (finance).
func (s Service) GetExport(ctx context.Context, p auth.Principal, id string) (Export, error) {
	if err := financeOnly(p); err != nil {
		return Export{}, err
	}
	return s.Store.Export(ctx, id)
}

// RunExport streams the period's ledger lines into a CSV in the bucket,
// then writes the manifest and marks the export completed. Memory stays
// flat: lines flow from the store through the CSV writer to the upload.
// progress, if set, is told every 100,000 rows.
func (s Service) RunExport(ctx context.Context, x Export, up Uploader, progress func(rows int)) (Export, error) {
	x.CSVKey, x.PayoutsKey, x.ManifestKey = exportKeys(x)
	var sum Summary
	err := up.Upload(ctx, x.CSVKey, "text/csv; charset=utf-8", func(w io.Writer) error {
		cw, err := NewCSVWriter(w)
		if err != nil {
			return err
		}
		rows := 0
		if err := s.Store.PeriodLines(ctx, x.Period, func(e Entry) error {
			if rows++; progress != nil && rows%100_000 == 0 {
				progress(rows)
			}
			return cw.Write(e)
		}); err != nil {
			return err
		}
		sum, err = cw.Close()
		return err
	})
	if err != nil {
		return s.failExport(ctx, x, err)
	}
	batches, err := s.Store.PeriodPayouts(ctx, x.Period)
	if err != nil {
		return s.failExport(ctx, x, err)
	}
	var payouts PayoutSummary
	if err := up.Upload(ctx, x.PayoutsKey, "text/csv; charset=utf-8", func(w io.Writer) error {
		payouts, err = WritePayoutsCSV(w, batches)
		return err
	}); err != nil {
		return s.failExport(ctx, x, err)
	}
	payouts.Key = x.PayoutsKey
	at := s.now()
	m := Manifest{ExportID: x.ID, Period: x.Period, Summary: sum, CSVKey: x.CSVKey, Columns: Columns, Payouts: payouts, Rounding: RoundingRule, GeneratedAt: at}
	err = up.Upload(ctx, x.ManifestKey, "application/json", func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	})
	if err != nil {
		return s.failExport(ctx, x, err)
	}
	x.Status, x.CompletedAt, x.Manifest, x.Error = "completed", &at, &m, ""
	if err := s.Store.PutExport(ctx, x); err != nil {
		return x, err
	}
	return x, s.Bus.Put(ctx, EventExportCompleted, x, at)
}

func (s Service) failExport(ctx context.Context, x Export, cause error) (Export, error) {
	x.Status, x.Error = "failed", cause.Error()
	if err := s.Store.PutExport(ctx, x); err != nil {
		return x, fmt.Errorf("export %s failed (%v) and its record could not be updated: %w", x.ID, cause, err)
	}
	return x, fmt.Errorf("export %s: %w", x.ID, cause)
}
