//go:build e2e

// Package load posts 5,000 leads from 20 partners at once through the
// deployed HTTP API. It runs last (make load): the backlog it leaves keeps
// the emulator's single stream poller busy for a long while.
package load

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/aws/deployed"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/testkit/loadgen"
)

const (
	partners   = 20
	perPartner = 250
)

func TestLoad(t *testing.T) {
	ctx := context.Background()
	st, err := deployed.Open(ctx, stackinfo.DefaultStack)
	if err != nil {
		t.Fatal(err)
	}
	base, svc := st.Base, st.Admin
	tokens := make([]string, partners)
	for i := range tokens {
		_, iss, err := svc.CreatePartner(ctx, fmt.Sprintf("Load %02d", i))
		if err != nil {
			t.Fatal(err)
		}
		tokens[i] = iss.Token
	}
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: partners}}
	res, err := loadgen.Do(ctx, client, loadgen.Config{URL: base + "/v1/leads", Tokens: tokens, PerPartner: perPartner,
		Run: fmt.Sprint(time.Now().UnixNano()), Progress: os.Stderr})
	if err != nil {
		t.Fatal(err)
	}

	total := partners * perPartner
	accepted := res.Count(loadgen.New, 201)
	duplicate := res.Count(loadgen.Duplicate, 409)
	rejected := res.Count(loadgen.Malformed, 400) + res.Count(loadgen.Malformed, 422)
	t.Logf("%d requests in %v (%.1f/s): %d accepted, %d duplicate, %d rejected; p50 %v, p99 %v",
		len(res.Answers), res.Elapsed.Round(time.Second), float64(len(res.Answers))/res.Elapsed.Seconds(),
		accepted, duplicate, rejected, res.Percentile(0.5).Round(time.Millisecond), res.Percentile(0.99).Round(time.Millisecond))
	if accepted != total*85/100 || duplicate != total/10 || rejected != total/20 {
		statuses := map[string]int{}
		for _, a := range res.Answers {
			statuses[fmt.Sprintf("kind %d: %d %s", a.Kind, a.Status, a.Problem)]++
		}
		t.Fatalf("accepted %d, duplicate %d, rejected %d; want %d, %d, %d (statuses %v)",
			accepted, duplicate, rejected, total*85/100, total/10, total/20, statuses)
	}

	// What was stored is what was answered, lead by lead. The listing is
	// ordered by update time and the router updates leads while it is read,
	// so a lead can appear on two pages: the listing is read as a set.
	byPartner := make([]map[string]bool, partners)
	for p := range byPartner {
		byPartner[p] = map[string]bool{}
	}
	for _, a := range res.Answers {
		if a.Status == 201 {
			byPartner[a.Partner][a.LeadID] = true
		}
	}
	stored := make([]map[string]bool, partners)
	errs := make([]error, partners)
	var wg sync.WaitGroup
	for p, token := range tokens {
		wg.Go(func() { stored[p], errs[p] = storedLeads(client, base, token) })
	}
	wg.Wait()
	for p := range tokens {
		if errs[p] != nil {
			t.Errorf("partner %d: %v", p, errs[p])
			continue
		}
		for id := range stored[p] {
			if !byPartner[p][id] {
				t.Errorf("partner %d: lead %s is stored but no 201 named it", p, id)
			}
		}
		for id := range byPartner[p] {
			if !stored[p][id] {
				t.Errorf("partner %d: lead %s was accepted but is not listed", p, id)
			}
		}
	}
}

// storedLeads reads a partner's lead ids through the API, page by page.
func storedLeads(client *http.Client, base, token string) (map[string]bool, error) {
	ids, cursor := map[string]bool{}, ""
	for {
		req, _ := http.NewRequest(http.MethodGet, base+"/v1/leads?limit=100&cursor="+url.QueryEscape(cursor), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			NextCursor string `json:"nextCursor"`
		}
		if resp.StatusCode != 200 {
			return nil, fmt.Errorf("list leads: %d %s", resp.StatusCode, raw)
		}
		if err := json.Unmarshal(raw, &page); err != nil {
			return nil, fmt.Errorf("list leads: %w", err)
		}
		for _, it := range page.Items {
			ids[it.ID] = true
		}
		if page.NextCursor == "" {
			return ids, nil
		}
		cursor = page.NextCursor
	}
}
