package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/partnerleads/pipeline/shared/aws/deployed"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
)

// appFirstPage times the web app's sign-in page as a browser fetches it, in
// its three waves (the HTML; its style, script and preloaded module at once;
// the language catalogue the script asks for), against the plain fetch of
// /v1/openapi.json, interleaved so both see the same noise. Rendering is not
// in it: the page is small and draws once the catalogue is in.
func appFirstPage(ctx context.Context, n int) ([]row, error) {
	st, err := deployed.Open(ctx, stackinfo.DefaultStack)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: 30 * time.Second}
	get := func(url string) error {
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("GET %s: %d", url, resp.StatusCode)
		}
		return nil
	}
	waves := [][]string{{"/app"}, {"/app/app.css", "/app/app.js", "/app/dom.js"}, {"/app/pt-BR.json"}}
	page := func() (time.Duration, error) {
		start := time.Now()
		for _, wave := range waves {
			errs := make([]error, len(wave))
			var wg sync.WaitGroup
			for i, path := range wave {
				wg.Go(func() { errs[i] = get(st.AppBase + path) })
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					return 0, err
				}
			}
		}
		return time.Since(start), nil
	}
	var lp, lb []time.Duration
	for i := range n {
		d, err := page()
		if err != nil {
			return nil, err
		}
		lp = append(lp, d)
		start := time.Now()
		if err := get(st.Base + "/v1/openapi.json"); err != nil {
			return nil, err
		}
		lb = append(lb, time.Since(start))
		if (i+1)%10 == 0 {
			fmt.Fprintf(os.Stderr, "    %d/%d pages\n", i+1, n)
		}
	}
	p50, p50b := percentile(lp, 0.5), percentile(lb, 0.5)
	p99, p99b := percentile(lp, 0.99), percentile(lb, 0.99)
	note := fmt.Sprintf("%d loads each, interleaved; 5 files in 3 waves, each a fresh function process on the emulator; target under 1,000 ms", n)
	return []row{
		{"web app sign-in page ready, p50 (ms)", ms(p50), ms(p50b), ratio(float64(p50), float64(p50b)), note},
		{"web app sign-in page ready, p99 (ms)", ms(p99), ms(p99b), ratio(float64(p99), float64(p99b)), "baseline: one GET /v1/openapi.json"},
	}, nil
}
