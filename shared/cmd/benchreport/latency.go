package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/aws/deployed"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/testkit/loadgen"
)

// emulatorLatency times POST /v1/leads (unique, accepted leads) against POST
// /hello on the bench stack, interleaved so both see the same noise.
func emulatorLatency(ctx context.Context, n int) ([]row, error) {
	st, err := deployed.Open(ctx, stackinfo.DefaultStack)
	if err != nil {
		return nil, err
	}
	helloBase, err := helloAPI(ctx, st)
	if err != nil {
		return nil, err
	}
	base := st.Base
	_, iss, err := st.Admin.CreatePartner(ctx, "bench")
	if err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: 30 * time.Second}
	post := func(url, token, body string) (time.Duration, int, error) {
		d, code, _, err := timedPost(ctx, client, url, token, "application/json", body)
		return d, code, err
	}
	run := fmt.Sprintf("%d", time.Now().UnixNano())
	var li, lh []time.Duration
	for i := range n {
		body := fmt.Sprintf(`{"contact":{"name":"Bench","email":"b%[1]s-%[2]d@r%[1]s.bench.example"},"company":{"name":"Bench"},"location":{"country":"BR"},"consent":{"lgpd":true}}`, run, i)
		d, code, err := post(base+"/v1/leads", iss.Token, body)
		if err != nil || code != 201 {
			return nil, fmt.Errorf("POST /v1/leads: %d %v", code, err)
		}
		li = append(li, d)
		if d, code, err = post(helloBase+"/hello", "", body); err != nil || code != 200 {
			return nil, fmt.Errorf("POST /hello: %d %v", code, err)
		}
		lh = append(lh, d)
		if (i+1)%20 == 0 {
			fmt.Fprintf(os.Stderr, "    %d/%d requests each\n", i+1, n)
		}
	}
	p50i, p50h := percentile(li, 0.5), percentile(lh, 0.5)
	p99i, p99h := percentile(li, 0.99), percentile(lh, 0.99)
	note := fmt.Sprintf("%d sequential requests each, interleaved; every invoke is a fresh process on the emulator", n)
	return []row{
		{"POST /v1/leads on the emulator, p50 (ms)", ms(p50i), ms(p50h), ratio(float64(p50i), float64(p50h)), note},
		{"POST /v1/leads on the emulator, p99 (ms)", ms(p99i), ms(p99h), ratio(float64(p99i), float64(p99h)), "baseline: hello-world function behind its own HTTP API"},
	}, nil
}

// concurrentLatency posts leads from 20 partners at once (the load test's
// mix: 10% duplicates, 5% malformed) and the same requests to /hello with
// the same concurrency, one run after the other.
func concurrentLatency(ctx context.Context, perPartner int) ([]row, error) {
	st, err := deployed.Open(ctx, stackinfo.DefaultStack)
	if err != nil {
		return nil, err
	}
	helloBase, err := helloAPI(ctx, st)
	if err != nil {
		return nil, err
	}
	base := st.Base
	tokens := make([]string, 20)
	for i := range tokens {
		_, iss, err := st.Admin.CreatePartner(ctx, fmt.Sprintf("bench load %02d", i))
		if err != nil {
			return nil, err
		}
		tokens[i] = iss.Token
	}
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: len(tokens)}}
	run := fmt.Sprint(time.Now().UnixNano())
	leads, err := loadgen.Do(ctx, client, loadgen.Config{URL: base + "/v1/leads", Tokens: tokens, PerPartner: perPartner, Run: run, Progress: os.Stderr})
	if err != nil {
		return nil, err
	}
	hello, err := loadgen.Do(ctx, client, loadgen.Config{URL: helloBase + "/hello", Tokens: tokens, PerPartner: perPartner, Run: run, Progress: os.Stderr})
	if err != nil {
		return nil, err
	}
	if n := hello.Count(-1, 200); n != len(hello.Answers) {
		return nil, fmt.Errorf("/hello answered 200 to %d of %d", n, len(hello.Answers))
	}
	rate := func(r loadgen.Result) float64 { return float64(len(r.Answers)) / r.Elapsed.Seconds() }
	p50, p50h := leads.Percentile(0.5), hello.Percentile(0.5)
	p99, p99h := leads.Percentile(0.99), hello.Percentile(0.99)
	note := fmt.Sprintf("%d requests each, 20 clients at once; %d accepted, %d duplicate, %d rejected", len(leads.Answers),
		leads.Count(loadgen.New, 201), leads.Count(loadgen.Duplicate, 409), leads.Count(loadgen.Malformed, 400)+leads.Count(loadgen.Malformed, 422))
	return []row{
		{"POST /v1/leads, 20 partners at once, p50 (ms)", ms(p50), ms(p50h), ratio(float64(p50), float64(p50h)), note},
		{"POST /v1/leads, 20 partners at once, p99 (ms)", ms(p99), ms(p99h), ratio(float64(p99), float64(p99h)), "baseline: /hello with the same clients and bodies"},
		{"POST /v1/leads, 20 partners at once (requests/s)", fmt.Sprintf("%.1f", rate(leads)), fmt.Sprintf("%.1f", rate(hello)), ratio(rate(leads), rate(hello)), "the emulator starts a process per invoke; make load runs 5,000"},
	}, nil
}

// helloAPI is the API base of the hello-world baseline stack.
func helloAPI(ctx context.Context, st *deployed.Stack) (string, error) {
	bench, err := stackinfo.Load(ctx, st.Cfg, "PartnerLeadsBench")
	if err != nil {
		return "", err
	}
	return bench.APIBase()
}

// timedPost sends body and times the whole answer.
func timedPost(ctx context.Context, client *http.Client, url, token, contentType, body string) (time.Duration, int, []byte, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return time.Since(start), resp.StatusCode, b, nil
}
