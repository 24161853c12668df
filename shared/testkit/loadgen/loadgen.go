// Package loadgen posts a planned mix of leads (new, duplicate and
// malformed) from many partners at once and records every answer and its
// latency. The load test asserts on the counts; make bench reports the
// latencies beside a hello-world endpoint driven the same way.
package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Kind is what one planned request carries.
type Kind int

const (
	New       Kind = iota // a lead the partner has not sent before
	Duplicate             // the partner's previous lead again, without an Idempotency-Key
	Malformed             // a body the API must refuse
)

// Plan says what request i of n is: every 20th is malformed (5%) and every
// 10th, offset so the two never meet, resends the lead before it (10%).
func Plan(i int) Kind {
	switch {
	case i%20 == 19:
		return Malformed
	case i%10 == 4:
		return Duplicate
	default:
		return New
	}
}

// Config is one run.
type Config struct {
	URL        string   // where to POST
	Tokens     []string // one bearer token per partner; each partner is one concurrent client
	PerPartner int      // requests each partner sends, one after another
	Run        string   // makes this run's lead identities unique
	Progress   io.Writer
}

// Answer is one response.
type Answer struct {
	Partner int // index into Config.Tokens
	Kind    Kind
	Status  int
	LeadID  string // the id of a created (201) lead
	Problem string // the problem type of an error answer
	Latency time.Duration
}

// Result is every answer of a run.
type Result struct {
	Answers []Answer
	Elapsed time.Duration
}

// Count returns how many requests of kind k (or of any kind when k < 0) got
// status.
func (r Result) Count(k Kind, status int) int {
	n := 0
	for _, a := range r.Answers {
		if (k < 0 || a.Kind == k) && a.Status == status {
			n++
		}
	}
	return n
}

// Planned returns how many requests of kind k the run sent.
func (r Result) Planned(k Kind) int {
	n := 0
	for _, a := range r.Answers {
		if a.Kind == k {
			n++
		}
	}
	return n
}

// Percentile returns the latency below which a fraction p of answers fall.
func (r Result) Percentile(p float64) time.Duration {
	if len(r.Answers) == 0 {
		return 0
	}
	ds := make([]time.Duration, len(r.Answers))
	for i, a := range r.Answers {
		ds[i] = a.Latency
	}
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}

// Body returns the JSON of partner p's lead number i, or a malformed body.
func Body(run string, p, i int, k Kind) string {
	if k == Malformed {
		switch i % 3 {
		case 0:
			return `{"contact":{"name":"No way to reach"},"company":{"name":"Load"},"location":{"country":"BR"},"consent":{"lgpd":true}}`
		case 1:
			return `{"contact":{"name":"Bad email","email":"not-an-email"},"company":{"name":"Load"},"location":{"country":"BR"},"consent":{"lgpd":true}}`
		default:
			return `{"contact":{"name":"Cut short",`
		}
	}
	// Every name carries the run and unambiguous separators: intake's
	// duplicate and channel-conflict checks compare normalised company names.
	return fmt.Sprintf(`{"externalRef":"load-%[2]d-%[3]d","contact":{"name":"Load r%[1]s p%[2]d n%[3]d","email":"l%[1]s-%[2]d-%[3]d@load.example.com.br"},"company":{"name":"Load r%[1]s p%[2]d n%[3]d"},"location":{"country":"BR","state":"SP"},"consent":{"lgpd":true}}`, run, p, i)
}

// Do runs cfg: every partner concurrently, each partner's requests in order.
// It stops early only when ctx ends or a request cannot be sent at all.
func Do(ctx context.Context, client *http.Client, cfg Config) (Result, error) {
	var (
		mu    sync.Mutex
		res   Result
		first error
		done  int
		wg    sync.WaitGroup
	)
	total := len(cfg.Tokens) * cfg.PerPartner
	start := time.Now()
	for p, token := range cfg.Tokens {
		wg.Go(func() {
			last := -1 // the last new lead's number, which a duplicate resends
			for i := range cfg.PerPartner {
				k := Plan(p*cfg.PerPartner + i)
				if k == Duplicate && last < 0 {
					k = New
				}
				n := i
				switch k {
				case Duplicate:
					n = last
				case New:
					last = i
				}
				// A key per request, as a careful integration sends: a
				// delivery repeated below us answers as the first one did.
				// A duplicate is a new request with an old body.
				key := fmt.Sprintf("load-%s-%d-%d", cfg.Run, p, i)
				a, err := post(ctx, client, cfg.URL, token, key, Body(cfg.Run, p, n, k))
				a.Partner, a.Kind = p, k
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				res.Answers = append(res.Answers, a)
				done++
				if cfg.Progress != nil && done%500 == 0 {
					fmt.Fprintf(cfg.Progress, "    %d/%d requests, %.0f/s\n", done, total, float64(done)/time.Since(start).Seconds())
				}
				stop := first != nil
				mu.Unlock()
				if stop {
					return
				}
			}
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res, first
}

func post(ctx context.Context, client *http.Client, url, token, key, body string) (Answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return Answer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return Answer{}, fmt.Errorf("POST %s: %w", url, err)
	}
	var answer struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	lat := time.Since(start)
	_ = json.Unmarshal(raw, &answer)
	a := Answer{Status: resp.StatusCode, Latency: lat}
	if resp.StatusCode >= 400 {
		a.Problem = answer.Type
	} else {
		a.LeadID = answer.ID
	}
	return a, nil
}
