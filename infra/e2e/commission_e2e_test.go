//go:build e2e

package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

// waitLine polls a statement until a line of leadID of the kind shows up.
func (a *api) waitLine(t *testing.T, key, query, leadID, kind string) map[string]any {
	t.Helper()
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(time.Second) {
		r := a.call(t, "GET", "/v1/commissions?"+query, key, "", nil, true)
		for _, p := range r.body["partners"].([]any) {
			for _, l := range p.(map[string]any)["lines"].([]any) {
				if line := l.(map[string]any); line["leadId"] == leadID && line["kind"] == kind {
					return line
				}
			}
		}
	}
	t.Fatalf("no %s line for %s within 90 s", kind, leadID)
	return nil
}

// export runs an on-demand export to completion and downloads its files.
func (a *api) export(t *testing.T, fin, period string) (map[string]any, []byte) {
	t.Helper()
	req := a.call(t, "POST", "/v1/exports", fin, `{"period":"`+period+`"}`, nil, true)
	if req.status != 202 || req.header.Get("Location") == "" {
		t.Fatalf("request export: %d %s", req.status, req.raw)
	}
	id := req.body["id"].(string)
	for deadline := time.Now().Add(120 * time.Second); time.Now().Before(deadline); time.Sleep(time.Second) {
		got := a.call(t, "GET", "/v1/exports/"+id, fin, "", nil, true)
		x := got.body["export"].(map[string]any)
		switch x["status"] {
		case "failed":
			t.Fatalf("export failed: %s", got.raw)
		case "completed":
			return x, download(t, got.body["downloadUrl"].(string))
		}
	}
	t.Fatalf("export %s not completed within 120 s", id)
	return nil, nil
}

func download(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("download: %d %s", resp.StatusCode, b)
	}
	return b
}

func TestE2ECommissions(t *testing.T) {
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Commissions")
	otherID, otherKey := a.partner(t, "E2E Commissions Other")
	a.routeTo(t, partnerID, 1)
	fin := a.call(t, "POST", "/v1/admin/keys", a.admin, `{"role":"finance","subjectId":"fin-e2e","name":"f"}`, nil, true).body["apiKey"].(string)
	mgr := a.call(t, "POST", "/v1/admin/keys", a.admin, `{"role":"manager","subjectId":"mgr-e2e-com","name":"m"}`, nil, true).body["apiKey"].(string)
	period, today := commission.PeriodOf(time.Now()), commission.DateOf(time.Now())

	planID := strings.ToLower(storetest.Unique("e2e-"))
	plan := fmt.Sprintf(`{"name":"E2E 10%%","partnerId":%q,"currency":"BRL","type":"percent_of_deal","rateBps":1000,"clawbackDays":90,"clawbackMode":"full","minPayout":1000}`, partnerID)
	if r := a.call(t, "PUT", "/v1/commission-plans/"+planID, fin, plan, nil, true); r.status != 201 || r.body["version"] != float64(1) {
		t.Fatalf("save plan: %d %s", r.status, r.raw)
	}
	if r := a.call(t, "PUT", "/v1/commission-plans/"+planID, key, plan, nil, true); r.status != 403 {
		t.Fatalf("a partner saved a plan: %d", r.status)
	}
	if r := a.call(t, "PUT", "/v1/commission-plans/"+planID, fin, `{"name":"x","partnerId":"p","currency":"BRL","type":"percent_of_deal","rateBps":0,"effectiveFrom":"2020-01-01"}`, nil, false); r.status != 422 {
		t.Fatalf("an invalid plan: %d %s", r.status, r.raw)
	}

	id := a.call(t, "POST", "/v1/leads", key, lead(storetest.Unique("com")), nil, true).body["id"].(string)
	a.waitAssigned(t, id, mgr)
	for _, s := range []string{"contacted", "qualified", "proposal"} {
		if r := a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, `{"status":"`+s+`"}`, nil, true); r.status != 200 {
			t.Fatalf("%s: %d %s", s, r.status, r.raw)
		}
	}
	if r := a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, `{"status":"won"}`, nil, true); r.status != 422 {
		t.Fatalf("won without a deal: %d %s", r.status, r.raw)
	}
	if r := a.call(t, "POST", "/v1/leads/"+id+"/cancellation", fin, `{"date":"`+today+`"}`, nil, true); r.status != 409 || r.problemType() != "not-won" {
		t.Fatalf("cancel before won: %d %s", r.status, r.raw)
	}
	won := `{"status":"won","deal":{"value":{"amount":1000000,"currency":"BRL"},"contractStart":"` + today + `"}}`
	if r := a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, won, nil, true); r.status != 200 {
		t.Fatalf("won: %d %s", r.status, r.raw)
	}

	t.Run("a lead marked won gives a ledger line that explains itself", func(t *testing.T) {
		line := a.waitLine(t, key, "period="+period, id, "accrual")
		if line["amount"] != float64(100000) || line["planId"] != planID || line["planVersion"] != float64(1) || !strings.Contains(line["explanation"].(string), "10.00% of the deal value 10000.00 BRL") {
			t.Fatalf("line %v", line)
		}
	})

	t.Run("a partner sees only its own statement", func(t *testing.T) {
		if r := a.call(t, "GET", "/v1/commissions?period="+period+"&partnerId="+partnerID, otherKey, "", nil, true); r.status != 403 {
			t.Fatalf("other partner's statement: %d", r.status)
		}
		r := a.call(t, "GET", "/v1/commissions?period="+period, otherKey, "", nil, true)
		if r.status != 200 || strings.Contains(string(r.raw), id) || strings.Contains(string(r.raw), partnerID) {
			t.Fatalf("other partner saw our lines: %s", r.raw)
		}
		_ = otherID
		for _, call := range [][3]string{{"POST", "/v1/exports", `{"period":"` + period + `"}`}, {"POST", "/v1/leads/" + id + "/cancellation", `{"date":"` + today + `"}`}, {"POST", "/v1/commissions/approve", `{"period":"` + period + `"}`}} {
			if r := a.call(t, call[0], call[1], key, call[2], nil, true); r.status != 403 {
				t.Errorf("a partner may %s %s: %d", call[0], call[1], r.status)
			}
		}
	})

	t.Run("an export lands in S3 with a manifest that matches its CSV and the ledger", func(t *testing.T) {
		x, body := a.export(t, fin, period)
		m := x["manifest"].(map[string]any)
		sum := sha256.Sum256(body)
		if m["sha256"] != hex.EncodeToString(sum[:]) || !strings.HasPrefix(x["csvKey"].(string), "exports/commissions/period="+period+"/") {
			t.Fatalf("manifest %v does not match the CSV (%d bytes)", m, len(body))
		}
		recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil || float64(len(recs)-1) != m["rows"] {
			t.Fatalf("rows %d vs manifest %v: %v", len(recs)-1, m["rows"], err)
		}
		st := a.call(t, "GET", "/v1/commissions?period="+period, fin, "", nil, true)
		lines := 0
		for _, p := range st.body["partners"].([]any) {
			lines += len(p.(map[string]any)["lines"].([]any))
		}
		if lines != len(recs)-1 || !bytes.Contains(body, []byte(id+".")) {
			t.Fatalf("the CSV has %d rows, the ledger %d lines", len(recs)-1, lines)
		}
		if !strings.Contains(m["planVersions"].([]any)[0].(string), "@") {
			t.Fatalf("plan versions: %v", m["planVersions"])
		}
	})

	t.Run("a cancellation inside the window claws back, and the next export shows it", func(t *testing.T) {
		if r := a.call(t, "POST", "/v1/leads/"+id+"/cancellation", fin, `{"date":"`+today+`","reason":"churned"}`, nil, true); r.status != 202 {
			t.Fatalf("cancel: %d %s", r.status, r.raw)
		}
		line := a.waitLine(t, key, "period="+period, id, "clawback")
		if line["amount"] != float64(-100000) {
			t.Fatalf("clawback %v", line)
		}
		st := a.call(t, "GET", "/v1/commissions?period="+period, key, "", nil, true)
		if tot := st.body["partners"].([]any)[0].(map[string]any)["totals"].(map[string]any)["BRL"].(map[string]any); tot["net"] != float64(0) {
			t.Fatalf("net after clawback: %v", tot)
		}
		_, body := a.export(t, fin, period)
		if !bytes.Contains(body, []byte(line["id"].(string))) || !bytes.Contains(body, []byte(",-100000,-1000.00,")) {
			t.Fatalf("the clawback is not in the next export")
		}
	})
}
