package main

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/testkit/chaos"
)

// binaries compares every function's bootstrap with the hello bootstrap:
// file size, and cold init (process start until it asks the Runtime API for
// its first event), measured in turn against a fake Runtime API on loopback.
func binaries(ctx context.Context, build string, starts int) ([]row, error) {
	entries, err := os.ReadDir(build)
	if err != nil {
		return nil, fmt.Errorf("%w (run make build)", err)
	}
	var fns []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "hello" {
			fns = append(fns, e.Name())
		}
	}
	sizeOf := func(fn string) (int64, error) {
		st, err := os.Stat(filepath.Join(build, fn, "bootstrap"))
		if err != nil {
			return 0, fmt.Errorf("%w (run make build)", err)
		}
		return st.Size(), nil
	}
	hs, err := sizeOf("hello")
	if err != nil {
		return nil, err
	}
	env, err := placeholderEnv()
	if err != nil {
		return nil, err
	}
	times := map[string][]time.Duration{}
	for i := range starts {
		// hello between every function, so drift on this noisy machine
		// touches both sides of each ratio alike.
		for _, fn := range fns {
			for _, f := range []string{fn, "hello"} {
				d, err := coldInit(ctx, filepath.Join(build, f, "bootstrap"), env)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", f, err)
				}
				times[f] = append(times[f], d)
			}
		}
		if (i+1)%10 == 0 {
			fmt.Fprintf(os.Stderr, "    %d/%d starts each\n", i+1, starts)
		}
	}
	mh := median(times["hello"])
	var rows []row
	for _, fn := range fns {
		size, err := sizeOf(fn)
		if err != nil {
			return nil, err
		}
		m := median(times[fn])
		rows = append(rows,
			row{fmt.Sprintf("%s binary size (MiB)", fn), fmt.Sprintf("%.1f", mib(size)), fmt.Sprintf("%.1f", mib(hs)), ratio(float64(size), float64(hs)), "stripped, -trimpath, CGO off; baseline: hello"},
			row{fmt.Sprintf("%s cold init, median (ms)", fn), ms(m), ms(mh), ratio(float64(m), float64(mh)), fmt.Sprintf("process start → first /invocation/next; %d starts each, interleaved with hello", starts)})
	}
	return rows, nil
}

func coldInit(ctx context.Context, bin string, env []string) (time.Duration, error) {
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
	cmd.Env = append([]string{"AWS_LAMBDA_RUNTIME_API=" + ln.Addr().String(), "_HANDLER=bootstrap"}, env...)
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

// placeholderEnv is every variable any function in the synthesized stack
// reads, so a new function needs nothing here: literals as synthesized,
// references (tables, queues, buckets) as placeholders, since nothing is
// called before the first event.
func placeholderEnv() ([]string, error) {
	tpl, err := chaos.ReadTemplate("infra/cdk.out", "PartnerLeads")
	if err != nil {
		return nil, err
	}
	vars := map[string]string{"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}
	for _, f := range slices.Concat(slices.Collect(maps.Values(tpl.Functions)), slices.Collect(maps.Values(tpl.PeopleOnly))) {
		for k, v := range f.Env {
			switch {
			case v.Literal != "":
				vars[k] = v.Literal
			case strings.HasSuffix(k, "_URL"):
				vars[k] = "http://127.0.0.1:1/bench"
			default:
				vars[k] = "bench"
			}
		}
	}
	env := make([]string, 0, len(vars))
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	slices.Sort(env)
	return env, nil
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
