package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"
)

// binaries compares the intake bootstrap with the hello bootstrap: file size,
// and cold init (process start until it asks the Runtime API for its first
// event), measured alternately against a fake Runtime API on loopback.
func binaries(ctx context.Context, build string, starts int) ([]row, error) {
	intake, hello := filepath.Join(build, "intake", "bootstrap"), filepath.Join(build, "hello", "bootstrap")
	si, err := os.Stat(intake)
	if err != nil {
		return nil, fmt.Errorf("%w (run make build)", err)
	}
	sh, err := os.Stat(hello)
	if err != nil {
		return nil, fmt.Errorf("%w (run make build)", err)
	}
	var ti, th []time.Duration
	for range starts {
		d, err := coldInit(ctx, intake)
		if err != nil {
			return nil, fmt.Errorf("intake: %w", err)
		}
		ti = append(ti, d)
		if d, err = coldInit(ctx, hello); err != nil {
			return nil, fmt.Errorf("hello: %w", err)
		}
		th = append(th, d)
	}
	mi, mh := median(ti), median(th)
	return []row{
		{"Intake binary size (MiB)", fmt.Sprintf("%.1f", mib(si.Size())), fmt.Sprintf("%.1f", mib(sh.Size())), ratio(float64(si.Size()), float64(sh.Size())), "stripped, -trimpath, CGO off"},
		{"Intake cold init, median (ms)", ms(mi), ms(mh), ratio(float64(mi), float64(mh)), fmt.Sprintf("process start → first /invocation/next; %d starts each, interleaved", starts)},
	}, nil
}

func coldInit(ctx context.Context, bin string) (time.Duration, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	ready := make(chan time.Time, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case ready <- time.Now():
		default:
		}
		<-r.Context().Done() // hold the long poll until the process is killed
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = []string{
		"AWS_LAMBDA_RUNTIME_API=" + ln.Addr().String(),
		"AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=bench", "AWS_SECRET_ACCESS_KEY=bench",
		"LEADS_TABLE=bench", "DIRECTORY_TABLE=bench", "RATE_LIMITS_TABLE=bench", "_HANDLER=bootstrap",
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	select {
	case at := <-ready:
		return at.Sub(start), nil
	case <-ctx.Done():
		return 0, fmt.Errorf("%s never asked for an event", bin)
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p)
	return s[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
func mib(n int64) float64       { return float64(n) / (1 << 20) }
