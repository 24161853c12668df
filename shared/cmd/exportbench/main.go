// Command exportbench measures the finance export for make bench: it
// streams -rows synthetic ledger lines through the real CSV writer and
// multipart upload into the stack's export bucket, or with -raw uploads the
// same number of bytes of filler (the baseline). It prints one JSON line;
// the caller reads peak RSS from the process's rusage.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/partnerleads/pipeline/shared/aws/s3store"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

// synthetic yields n lines for one period, in export order, without
// holding them: only the export's own memory is measured.
type synthetic struct {
	commission.Store
	n int
}

func (s synthetic) PeriodLines(_ context.Context, period string, each func(commission.Entry) error) error {
	at := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	for i := range s.n {
		id := fmt.Sprintf("01KBENCH%018d", i)
		e := commission.Entry{
			ID: id + ".7:accrual:1", PartnerID: "ptn_" + strconv.Itoa(i%200), LeadID: id, Period: period, Kind: commission.KindAccrual,
			Amount: int64(1000 + i%9000), Currency: "BRL", Base: int64(10000 + i%90000), RateBps: 1000, Calculated: int64(1000 + i%9000),
			PlanID: "gold", PlanVersion: 1 + i%3, TriggerID: id + ".7", TriggerKind: commission.TriggerWon,
			Explanation: "10.00% of the deal value 100.00 BRL", OccurredAt: at, State: commission.StateAccrued,
		}
		if err := each(e); err != nil {
			return err
		}
	}
	return nil
}

func (synthetic) PutExport(context.Context, commission.Export) error { return nil }

// PeriodPayouts: the benchmark measures the ledger CSV; its payout file is empty.
func (synthetic) PeriodPayouts(context.Context, string) ([]commission.Payout, error) { return nil, nil }

type noBus struct{}

func (noBus) Put(context.Context, string, any, time.Time) error { return nil }

func main() {
	rows := flag.Int("rows", 100_000, "ledger lines to export")
	raw := flag.Int64("raw", 0, "instead, upload this many bytes of filler (the baseline)")
	flag.Parse()
	ctx := context.Background()
	cfg, outs, err := stackinfo.Connect(ctx, stackinfo.DefaultStack)
	if err != nil {
		fail(err)
	}
	name, err := outs.Get("ExportBucketName")
	if err != nil {
		fail(err)
	}
	bucket := s3store.New(cfg, name, platform.PathStyleS3())
	start := time.Now()
	var bytes int64
	if *raw > 0 {
		bytes = *raw
		err = bucket.Upload(ctx, "bench/raw.bin", "application/octet-stream", func(w io.Writer) error {
			_, err := io.CopyN(w, zeros{}, *raw)
			return err
		})
	} else {
		svc := commission.Service{Store: synthetic{n: *rows}, Bus: noBus{}, Now: time.Now}
		var x commission.Export
		x, err = svc.RunExport(ctx, commission.Export{ID: "bench-" + strconv.Itoa(*rows), Period: "2026-11"}, countingUploader{bucket, &bytes}, nil)
		if err == nil && x.Manifest.Rows != *rows {
			err = fmt.Errorf("exported %d rows, want %d", x.Manifest.Rows, *rows)
		}
	}
	if err != nil {
		fail(err)
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]any{"rows": *rows, "bytes": bytes, "seconds": time.Since(start).Seconds()})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// countingUploader counts the CSVs' bytes, so the baseline uploads as many.
type countingUploader struct {
	up    commission.Uploader
	count *int64
}

func (c countingUploader) Upload(ctx context.Context, key, ct string, write func(io.Writer) error) error {
	return c.up.Upload(ctx, key, ct, func(w io.Writer) error {
		cw := &counter{w: w}
		err := write(cw)
		if ct != "application/json" {
			*c.count += cw.n // the ledger CSV and the payouts CSV
		}
		return err
	})
}

type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "exportbench:", err)
	os.Exit(1)
}
