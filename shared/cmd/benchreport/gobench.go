package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// goBenchmarks runs the in-process handler benchmarks and compares each
// with BenchmarkHelloInvoke from the same package and run.
func goBenchmarks(ctx context.Context) ([]row, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", ".", "-benchmem", "-count", "1", "./functions/intake", "./shared/domain/routing", "./shared/domain/notify", "./shared/domain/commission")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go test -bench: %w\n%s", err, out.String())
	}
	type result struct{ ns, bytes, allocs float64 }
	res := map[string]result{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 8 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := strings.TrimPrefix(f[0][:strings.LastIndex(f[0], "-")], "Benchmark")
		ns, _ := strconv.ParseFloat(f[2], 64)
		by, _ := strconv.ParseFloat(f[4], 64)
		al, _ := strconv.ParseFloat(f[6], 64)
		res[name] = result{ns, by, al}
	}
	base, ok := res["HelloInvoke"]
	if !ok {
		return nil, fmt.Errorf("no BenchmarkHelloInvoke result in:\n%s", out.String())
	}
	in, ok := res["IntakeCreateInvoke"]
	if !ok {
		return nil, fmt.Errorf("no BenchmarkIntakeCreateInvoke result")
	}
	up, ok := res["UploadInvoke"]
	if !ok {
		return nil, fmt.Errorf("no BenchmarkUploadInvoke result")
	}
	dec, ok := res["Decide"]
	if !ok {
		return nil, fmt.Errorf("no BenchmarkDecide result")
	}
	goal := "goal ≥ 100,000/s: met"
	if 1e9/dec.ns < 100_000 {
		goal = "goal ≥ 100,000/s: NOT met"
	}
	sr, okSR := res["SignAndRender"]
	nt, okNT := res["NotifyRenderAndSign"]
	if !okSR || !okNT {
		return nil, fmt.Errorf("no notifier benchmark results")
	}
	ap, ok := res["Apply"]
	if !ok {
		return nil, fmt.Errorf("no BenchmarkApply result")
	}
	return []row{
		{"Commission calculation (ns/op)", fmt.Sprintf("%.0f", ap.ns), fmt.Sprintf("%.0f", base.ns), ratio(ap.ns, base.ns),
			fmt.Sprintf("a won deal on a marginal 3-tier plan with caps; %.0f allocs/op", ap.allocs)},
		{"Notifier msgs/s, in-process: sign + render", fmt.Sprintf("%.0f", 1e9/sr.ns), fmt.Sprintf("%.0f", 1e9/base.ns), ratio(1e9/sr.ns, 1e9/base.ns), "event JSON, HMAC with two secrets (rotation), pt-BR email, Slack message"},
		{"Notifier msgs/s, in-process: full fan-out", fmt.Sprintf("%.0f", 1e9/nt.ns), fmt.Sprintf("%.0f", 1e9/base.ns), ratio(1e9/nt.ns, 1e9/base.ns), "webhook + email + Slack per event, HTTP to a loopback receiver"},
		{"Routing decisions/s, in-process", fmt.Sprintf("%.0f", 1e9/dec.ns), fmt.Sprintf("%.0f", 1e9/base.ns), ratio(1e9/dec.ns, 1e9/base.ns),
			"200 reps, 50 rules, full explanation; baseline: hello invokes/s; " + goal},
		{"Routing allocs per decision", fmt.Sprintf("%.0f", dec.allocs), fmt.Sprintf("%.0f", base.allocs), ratio(dec.allocs, base.allocs), fmt.Sprintf("%.0f B/op", dec.bytes)},
		{"Intake POST, in-process (ns/op)", fmt.Sprintf("%.0f", in.ns), fmt.Sprintf("%.0f", base.ns), ratio(in.ns, base.ns),
			"event JSON → validate, normalise, dedupe, store (in-memory fake) → response JSON"},
		{"Spreadsheet upload of 1,000 rows, in-process (ms)", fmt.Sprintf("%.1f", up.ns/1e6), fmt.Sprintf("%.1f", 1000*in.ns/1e6), ratio(up.ns, 1000*in.ns),
			"CSV with 10% repeats and 5% invalid, read, validated and stored (in-memory fake); baseline: 1,000 intake POSTs of the same run"},
		{"Intake POST, in-process (allocs/op)", fmt.Sprintf("%.0f", in.allocs), fmt.Sprintf("%.0f", base.allocs), ratio(in.allocs, base.allocs), fmt.Sprintf("%.0f B/op vs %.0f B/op", in.bytes, base.bytes)},
	}, nil
}
