//go:build emulator

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

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/admin"
	"github.com/partnerleads/pipeline/shared/dynamo"
	"github.com/partnerleads/pipeline/shared/loadgen"
	"github.com/partnerleads/pipeline/shared/stackinfo"
)

const (
	partners   = 20
	perPartner = 250
)

func TestLoad(t *testing.T) {
	ctx := context.Background()
	cfg, outs, err := stackinfo.Connect(ctx, stackinfo.DefaultStack)
	if err != nil {
		t.Fatal(err)
	}
	base, err := outs.APIBase()
	if err != nil {
		t.Fatal(err)
	}
	table, err := outs.Get("DirectoryTableName")
	if err != nil {
		t.Fatal(err)
	}
	dir := dynamo.NewDirectoryStore(dynamodb.NewFromConfig(cfg), table)
	svc := admin.Service{Partners: dir, Keys: dir, Now: time.Now}
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

	// What was stored matches what was answered, partner by partner.
	byPartner := make([]int, partners)
	for _, a := range res.Answers {
		if a.Status == 201 {
			byPartner[a.Partner]++
		}
	}
	stored := make([]int, partners)
	var wg sync.WaitGroup
	for p, token := range tokens {
		wg.Go(func() { stored[p] = storedLeads(client, base, token) })
	}
	wg.Wait()
	for p := range tokens {
		if stored[p] != byPartner[p] {
			t.Errorf("partner %d has %d leads stored, %d accepted", p, stored[p], byPartner[p])
		}
	}
}

// storedLeads counts a partner's leads through the API, page by page; -1
// when a page cannot be read.
func storedLeads(client *http.Client, base, token string) int {
	n, cursor := 0, ""
	for {
		req, _ := http.NewRequest(http.MethodGet, base+"/v1/leads?limit=100&cursor="+url.QueryEscape(cursor), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return -1
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var page struct {
			Items      []json.RawMessage `json:"items"`
			NextCursor string            `json:"nextCursor"`
		}
		if resp.StatusCode != 200 || json.Unmarshal(raw, &page) != nil {
			return -1
		}
		n += len(page.Items)
		if page.NextCursor == "" {
			return n
		}
		cursor = page.NextCursor
	}
}
