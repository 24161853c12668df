package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/aws/deployed"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
)

// uploadBench sends a 1,000-row spreadsheet (10% repeats, 5% invalid) to
// the deployed stack and compares its time per row with single POST
// /v1/leads requests of the same run.
func uploadBench(ctx context.Context, singles int) ([]row, error) {
	st, err := deployed.Open(ctx, stackinfo.DefaultStack)
	if err != nil {
		return nil, err
	}
	_, iss, err := st.Admin.CreatePartner(ctx, "bench upload")
	if err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: 60 * time.Second}
	post := func(path, contentType, body string) (time.Duration, int, []byte, error) {
		return timedPost(ctx, client, st.Base+path, iss.Token, contentType, body)
	}
	run := fmt.Sprint(time.Now().UnixNano())
	var single []time.Duration
	for i := range singles {
		body := fmt.Sprintf(`{"contact":{"name":"Bench","email":"s%[1]s-%[2]d@u%[1]s.bench.example"},"company":{"name":"Bench"},"location":{"country":"BR"},"consent":{"lgpd":true}}`, run, i)
		d, code, _, err := post("/v1/leads", "application/json", body)
		if err != nil || code != 201 {
			return nil, fmt.Errorf("POST /v1/leads: %d %v", code, err)
		}
		single = append(single, d)
	}
	var csv strings.Builder
	csv.WriteString("contact.name,contact.email,company.name,location.country,consent.lgpd\n")
	for i := range 1000 {
		k := i
		if i%10 == 4 {
			k = i - 1 // a repeat of the row before
		}
		mail := fmt.Sprintf("u%s-%d@u%s.bench.example", run, k, run)
		if i%20 == 19 {
			mail = "sem-arroba"
		}
		fmt.Fprintf(&csv, "Contato %d,%s,Empresa %d,BR,sim\n", k, mail, k)
	}
	fmt.Fprintln(os.Stderr, "    sending 1,000 rows")
	d, code, body, err := post("/v1/leads/upload", "text/csv", csv.String())
	if err != nil || code != 200 {
		return nil, fmt.Errorf("POST /v1/leads/upload: %d %v %.300s", code, err, body)
	}
	var rep struct{ Counts map[string]int }
	if err := json.Unmarshal(body, &rep); err != nil || rep.Counts["accepted"] != 850 || rep.Counts["duplicate"] != 100 || rep.Counts["invalid"] != 50 {
		return nil, fmt.Errorf("the upload counted %v (%v), want 850 accepted, 100 duplicate, 50 invalid", rep.Counts, err)
	}
	oneByOne := 1000 * percentile(single, 0.5)
	return []row{
		{"Spreadsheet upload of 1,000 rows on the emulator (s)", fmt.Sprintf("%.1f", d.Seconds()), fmt.Sprintf("%.1f", oneByOne.Seconds()), ratio(d.Seconds(), oneByOne.Seconds()),
			fmt.Sprintf("10%% repeats, 5%% invalid, counted exactly; baseline: 1,000 × the p50 of %d single POST /v1/leads of the same run; the function's timeout is 29 s", singles)},
	}, nil
}
