package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
)

type exportRun struct {
	Rows    int     `json:"rows"`
	Bytes   int64   `json:"bytes"`
	Seconds float64 `json:"seconds"`
	RSSMiB  float64 `json:"-"`
}

// runExportBench runs the exportbench binary once and reads its peak RSS.
func runExportBench(ctx context.Context, bin string, args ...string) (exportRun, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return exportRun{}, fmt.Errorf("%s %v: %w", bin, args, err)
	}
	var r exportRun
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return exportRun{}, fmt.Errorf("exportbench output %q: %w", out.String(), err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.RSSMiB = float64(ru.Maxrss) / 1024 // Linux reports KiB
	}
	return r, nil
}

// exportBench streams 100,000 and 1,000,000 ledger lines to the emulator's
// bucket; the baseline uploads as many bytes of filler the same way.
func exportBench(ctx context.Context) ([]row, error) {
	bin := filepath.Join(".local", "bin", "exportbench")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./shared/cmd/exportbench").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build exportbench: %w\n%s", err, out)
	}
	var rows []row
	for _, n := range []int{100_000, 1_000_000} {
		r, err := runExportBench(ctx, bin, "-rows", strconv.Itoa(n))
		if err != nil {
			return nil, err
		}
		base, err := runExportBench(ctx, bin, "-raw", strconv.FormatInt(r.Bytes, 10))
		if err != nil {
			return nil, err
		}
		label := fmt.Sprintf("%dk", n/1000)
		rows = append(rows,
			row{"Export " + label + " rows: rows/s", fmt.Sprintf("%.0f", float64(n)/r.Seconds), fmt.Sprintf("%.0f", float64(n)/base.Seconds),
				ratio(float64(n)/r.Seconds, float64(n)/base.Seconds), fmt.Sprintf("CSV + sha256 + multipart upload of %.0f MiB to the emulator's S3; baseline: uploading as many bytes of filler", float64(r.Bytes)/(1<<20))},
			row{"Export " + label + " rows: peak RSS (MiB)", fmt.Sprintf("%.0f", r.RSSMiB), fmt.Sprintf("%.0f", base.RSSMiB), ratio(r.RSSMiB, base.RSSMiB), "whole process; limit ~128 MiB: memory stays flat with size"},
		)
	}
	return rows, nil
}
