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
func (a *api) waitLine(t *testing.T, key, query, leadID, kind string) object {
	t.Helper()
	var line object
	eventually(t, 90*time.Second, time.Second, fmt.Sprintf("a %s line for %s", kind, leadID), func() (bool, string) {
		r := a.call(t, "GET", "/v1/commissions?"+query, key, "", nil, true)
		if r.status != 200 {
			return false, r.String()
		}
		for _, p := range r.items(t, "partners") {
			for _, l := range p.items(t, "lines") {
				if l.get("leadId") == leadID && l.get("kind") == kind {
					line = l
					return true, ""
				}
			}
		}
		return false, r.String()
	})
	return line
}

// export runs an on-demand export to completion and downloads its files.
func (a *api) export(t *testing.T, fin, period string) (object, []byte) {
	t.Helper()
	req := a.call(t, "POST", "/v1/exports", fin, `{"period":"`+period+`"}`, nil, true).expect(t, 202)
	if req.header.Get("Location") == "" {
		t.Fatalf("request export: no Location:\n%s", req.dump())
	}
	id := req.str(t, "id")
	var got reply
	eventually(t, 120*time.Second, time.Second, "export "+id+" completed", func() (bool, string) {
		got = a.call(t, "GET", "/v1/exports/"+id, fin, "", nil, true)
		if got.status != 200 {
			return false, got.String()
		}
		switch got.str(t, "export", "status") {
		case "failed":
			t.Fatalf("export failed: %s", got)
		case "completed":
			return true, ""
		}
		return false, got.String()
	})
	return got.obj(t, "export"), download(t, got.str(t, "downloadUrl"))
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
		t.Fatalf("download: %d %s", resp.StatusCode, clip(b))
	}
	return b
}

func TestE2ECommissions(t *testing.T) {
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Commissions")
	otherID, otherKey := a.partner(t, "E2E Commissions Other")
	a.routeTo(t, partnerID, 1)
	fin := a.key(t, "finance", "fin-e2e")
	mgr := a.key(t, "manager", "mgr-e2e-com")
	period, today := commission.PeriodOf(time.Now()), commission.DateOf(time.Now())

	planID := strings.ToLower(storetest.Unique("e2e-"))
	plan := fmt.Sprintf(`{"name":"E2E 10%%","partnerId":%q,"currency":"BRL","type":"percent_of_deal","rateBps":1000,"clawbackDays":90,"clawbackMode":"full","minPayout":1000}`, partnerID)
	if r := a.call(t, "PUT", "/v1/commission-plans/"+planID, fin, plan, nil, true); r.status != 201 || r.body["version"] != float64(1) {
		t.Fatalf("save plan: %s", r)
	}
	if r := a.call(t, "PUT", "/v1/commission-plans/"+planID, key, plan, nil, true); r.status != 403 {
		t.Fatalf("a partner saved a plan: %s", r)
	}
	if r := a.call(t, "PUT", "/v1/commission-plans/"+planID, fin, `{"name":"x","partnerId":"p","currency":"BRL","type":"percent_of_deal","rateBps":0,"effectiveFrom":"2020-01-01"}`, nil, false); r.status != 422 {
		t.Fatalf("an invalid plan: %s", r)
	}

	id := a.createLead(t, key, lead(storetest.Unique("com")))
	a.waitAssigned(t, id, mgr)
	for _, s := range []string{"contacted", "qualified", "proposal"} {
		a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, `{"status":"`+s+`"}`, nil, true).expect(t, 200)
	}
	if r := a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, `{"status":"won"}`, nil, true); r.status != 422 {
		t.Fatalf("won without a deal: %s", r)
	}
	if r := a.call(t, "POST", "/v1/leads/"+id+"/cancellation", fin, `{"date":"`+today+`"}`, nil, true); r.status != 409 || r.problemType() != "not-won" {
		t.Fatalf("cancel before won: %s", r)
	}
	won := `{"status":"won","deal":{"value":{"amount":1000000,"currency":"BRL"},"contractStart":"` + today + `"}}`
	a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, won, nil, true).expect(t, 200)

	t.Run("a lead marked won gives a ledger line that explains itself", func(t *testing.T) {
		line := a.waitLine(t, key, "period="+period, id, "accrual")
		if line.get("amount") != float64(100000) || line.get("planId") != planID || line.get("planVersion") != float64(1) || !strings.Contains(line.str(t, "explanation"), "10.00% of the deal value 10000.00 BRL") {
			t.Fatalf("line %s", line)
		}
	})

	t.Run("a partner sees only its own statement", func(t *testing.T) {
		if r := a.call(t, "GET", "/v1/commissions?period="+period+"&partnerId="+partnerID, otherKey, "", nil, true); r.status != 403 {
			t.Fatalf("other partner's statement: %s", r)
		}
		r := a.call(t, "GET", "/v1/commissions?period="+period, otherKey, "", nil, true)
		if r.status != 200 || strings.Contains(string(r.raw), id) || strings.Contains(string(r.raw), partnerID) {
			t.Fatalf("other partner saw our lines: %s", r)
		}
		_ = otherID
		for _, call := range [][3]string{{"POST", "/v1/exports", `{"period":"` + period + `"}`}, {"POST", "/v1/leads/" + id + "/cancellation", `{"date":"` + today + `"}`}, {"POST", "/v1/commissions/approve", `{"period":"` + period + `"}`}} {
			if r := a.call(t, call[0], call[1], key, call[2], nil, true); r.status != 403 {
				t.Errorf("a partner may %s %s: %s", call[0], call[1], r)
			}
		}
	})

	t.Run("an export lands in S3 with a manifest that matches its CSV and the ledger", func(t *testing.T) {
		x, body := a.export(t, fin, period)
		m := x.obj(t, "manifest")
		sum := sha256.Sum256(body)
		if m.get("sha256") != hex.EncodeToString(sum[:]) || !strings.HasPrefix(x.str(t, "csvKey"), "exports/commissions/period="+period+"/") {
			t.Fatalf("manifest does not match the CSV (%d bytes): %s", len(body), x)
		}
		recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil || float64(len(recs)-1) != m.get("rows") {
			t.Fatalf("rows %d vs the manifest's: %v\n%s", len(recs)-1, err, m)
		}
		st := a.call(t, "GET", "/v1/commissions?period="+period, fin, "", nil, true).expect(t, 200)
		lines := 0
		for _, p := range st.items(t, "partners") {
			lines += len(p.list(t, "lines"))
		}
		if lines != len(recs)-1 || !bytes.Contains(body, []byte(id+".")) {
			t.Fatalf("the CSV has %d rows, the ledger %d lines (or the CSV lacks %s): %s\nCSV: %s", len(recs)-1, lines, id, st, clip(body))
		}
		if pv := m.strs(t, "planVersions"); len(pv) == 0 || !strings.Contains(pv[0], "@") {
			t.Fatalf("plan versions: %s", m)
		}
	})

	t.Run("a cancellation inside the window claws back, and the next export shows it", func(t *testing.T) {
		a.call(t, "POST", "/v1/leads/"+id+"/cancellation", fin, `{"date":"`+today+`","reason":"churned"}`, nil, true).expect(t, 202)
		line := a.waitLine(t, key, "period="+period, id, "clawback")
		if line.get("amount") != float64(-100000) {
			t.Fatalf("clawback %s", line)
		}
		st := a.call(t, "GET", "/v1/commissions?period="+period, key, "", nil, true).expect(t, 200)
		ps := st.items(t, "partners")
		if len(ps) == 0 {
			t.Fatalf("no statement after the clawback: %s", st)
		}
		if tot := ps[0].obj(t, "totals", "BRL"); tot.get("net") != float64(0) {
			t.Fatalf("net after clawback: %s", tot)
		}
		_, body := a.export(t, fin, period)
		if !bytes.Contains(body, []byte(line.str(t, "id"))) || !bytes.Contains(body, []byte(",-100000,-1000.00,")) {
			t.Fatalf("the clawback %s is not in the next export: %s", line.str(t, "id"), clip(body))
		}
	})
}

// waitNet polls a partner's statement until its BRL net is want.
func (a *api) waitNet(t *testing.T, key, period string, want float64, what string) {
	t.Helper()
	eventually(t, 90*time.Second, time.Second, what, func() (bool, string) {
		r := a.call(t, "GET", "/v1/commissions?period="+period, key, "", nil, true)
		if r.status != 200 {
			return false, r.String()
		}
		ps := r.items(t, "partners")
		if len(ps) == 0 {
			return false, r.String()
		}
		return ps[0].obj(t, "totals", "BRL").get("net") == want, r.String()
	})
}

// The scenario of the money issue: a retroactive tier lowers for every
// deal when one of them is reopened or clawed back.
func TestE2ERetroactiveTierAfterAReopenOrClawback(t *testing.T) {
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Retroactive")
	a.routeTo(t, partnerID, 1)
	fin := a.key(t, "finance", "fin-e2e-tier")
	mgr := a.key(t, "manager", "mgr-e2e-tier")
	period, today := commission.PeriodOf(time.Now()), commission.DateOf(time.Now())
	plan := fmt.Sprintf(`{"name":"E2E retroactive","partnerId":%q,"currency":"BRL","type":"tiered","tierMode":"retroactive","tiers":[{"upTo":10000,"rateBps":1000},{"upTo":0,"rateBps":2000}],"clawbackDays":90,"clawbackMode":"full"}`, partnerID)
	a.call(t, "PUT", "/v1/commission-plans/"+strings.ToLower(storetest.Unique("tier-")), fin, plan, nil, true).expect(t, 201)

	won := `{"status":"won","deal":{"value":{"amount":10000,"currency":"BRL"},"contractStart":"` + today + `"}}`
	var ids []string
	for range 2 {
		id := a.createLead(t, key, lead(storetest.Unique("tier")))
		a.waitAssigned(t, id, mgr)
		for _, s := range []string{"contacted", "qualified", "proposal"} {
			a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, `{"status":"`+s+`"}`, nil, true).expect(t, 200)
		}
		a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, won, nil, true).expect(t, 200)
		ids = append(ids, id)
	}
	a.waitNet(t, key, period, 4000, "two deals of 100.00 net 40.00 (20% of 200.00)")

	a.call(t, "POST", "/v1/leads/"+ids[1]+"/status", mgr, `{"status":"proposal","reason":"the customer backed out"}`, nil, true).expect(t, 200)
	a.waitNet(t, key, period, 1000, "after the reopen the surviving 100.00 nets 10.00")

	a.call(t, "POST", "/v1/leads/"+ids[1]+"/status", mgr, won, nil, true).expect(t, 200)
	a.waitNet(t, key, period, 4000, "won again, 40.00")
	a.call(t, "POST", "/v1/leads/"+ids[1]+"/cancellation", fin, `{"date":"`+today+`","reason":"churned"}`, nil, true).expect(t, 202)
	a.waitNet(t, key, period, 1000, "a clawback inside the window lowers the tier the same way: 10.00")

	diff := a.call(t, "GET", "/v1/commissions/diff?period="+period+"&partnerId="+partnerID, fin, "", nil, true).expect(t, 200)
	if diffs := diff.list(t, "differences"); len(diffs) != 0 || diff.num(t, "ledger", "BRL") != 1000 || diff.num(t, "leadsRead") != 2 {
		t.Fatalf("the ledger should equal its recomputation: %s", diff)
	}

	adj := `{"partnerId":"` + partnerID + `","period":"` + period + `","leadId":"` + ids[0] + `","amount":{"amount":-250,"currency":"BRL"},"reason":"desconto acordado"}`
	path := "/v1/commission-adjustments/" + strings.ToLower(storetest.Unique("adj-"))
	if r := a.call(t, "PUT", path, key, adj, nil, true); r.status != 403 {
		t.Fatalf("a partner adjusted its own ledger: %s", r)
	}
	a.call(t, "PUT", path, fin, adj, nil, true).expect(t, 201)
	a.call(t, "PUT", path, fin, adj, nil, true).expect(t, 200)
	a.waitNet(t, key, period, 750, "an adjustment of -2.50 on the statement, once")
	diff = a.call(t, "GET", "/v1/commissions/diff?period="+period, key, "", nil, true).expect(t, 200)
	if len(diff.list(t, "differences")) != 0 || len(diff.list(t, "adjustments")) != 1 {
		t.Fatalf("the partner's diff lists the adjustment apart: %s", diff)
	}
	_, body := a.export(t, fin, period)
	if !bytes.Contains(body, []byte("desconto acordado")) {
		t.Fatalf("the adjustment is not in the export: %s", clip(body))
	}

	a.call(t, "POST", "/v1/commissions/approve", fin, `{"period":"`+period+`","partnerId":"`+partnerID+`"}`, nil, true).expect(t, 200)
	pay := `{"partnerId":"` + partnerID + `","through":"` + period + `"}`
	answers := make(chan reply, 2)
	for range 2 {
		go func() { answers <- a.call(t, "POST", "/v1/commissions/pay", fin, pay, nil, true) }()
	}
	batches := map[string]bool{}
	for range 2 {
		r := <-answers
		switch {
		case r.status == 200 && r.str(t, "state") == "paid" && r.num(t, "total") == 750:
			batches[r.str(t, "id")] = true
		case r.status == 409 && r.problemType() == "nothing-payable":
		default:
			t.Fatalf("a concurrent payout: %s", r)
		}
	}
	st := a.call(t, "GET", "/v1/commissions?period="+period, key, "", nil, true).expect(t, 200)
	payouts := st.items(t, "partners")[0].items(t, "payouts")
	if len(batches) != 1 || len(payouts) != 1 || !batches[payouts[0].str(t, "id")] {
		t.Fatalf("two concurrent payouts should make one batch: answered %v, statement %s", batches, st)
	}

	t.Run("a dispute round trip: the partner files, finance accepts, the adjustment is on the statement and in the next export, the partner hears back", func(t *testing.T) {
		a.disputeRoundTrip(t, partnerID, key, fin, ids[1], period)
	})
}

// disputeRoundTrip disputes the clawed-back lead (the partner thinks the
// clawback was wrong) and has finance accept it; the partner already nets
// 7.50, paid.
func (a *api) disputeRoundTrip(t *testing.T, partnerID, key, fin, leadID, period string) {
	rcv := newReceiver(t)
	rcv.SetDown(false)
	secret := a.call(t, "POST", "/v1/webhooks", key, `{"url":"`+rcv.URL("dsp")+`","events":["commission.dispute_filed","commission.dispute_answered"]}`, nil, true).expect(t, 201).str(t, "secret")
	rcv.SetSecret("dsp", secret)
	email := storetest.Unique("dispute") + "@partner.example"
	a.call(t, "PUT", "/v1/notification-preferences", key, `{"email":"`+email+`","mode":"immediate"}`, nil, true).expect(t, 200)

	filing := `{"period":"` + period + `","leadId":"` + leadID + `","message":"o cliente não cancelou","claimed":{"amount":1000,"currency":"BRL"}}`
	d := a.call(t, "POST", "/v1/commission-disputes", key, filing, nil, true).expect(t, 201)
	id := d.str(t, "id")
	a.call(t, "POST", "/v1/commission-disputes", key, filing, nil, true).expect(t, 200)
	eventually(t, 30*time.Second, time.Second, "the dispute in finance's queue", func() (bool, string) {
		q := a.call(t, "GET", "/v1/commission-disputes?partnerId="+partnerID, fin, "", nil, true)
		return q.status == 200 && strings.Contains(string(q.raw), id), q.String()
	})
	v := a.call(t, "GET", "/v1/commission-disputes/"+id, fin, "", nil, true).expect(t, 200)
	if v.obj(t, "diff").get("ledgerMatches") != true {
		t.Fatalf("the ledger matches the plan, the diff attached should say so: %s", v)
	}
	if r := a.call(t, "POST", "/v1/commission-disputes/"+id+"/answer", key, `{"decision":"accepted","reason":"x"}`, nil, true); r.status != 403 {
		t.Fatalf("the partner answered its own dispute: %s", r)
	}
	ans := a.call(t, "POST", "/v1/commission-disputes/"+id+"/answer", fin, `{"decision":"accepted","reason":"cancelamento estornado pelo ERP"}`, nil, true).expect(t, 200)
	if ans.str(t, "state") != "accepted" || ans.str(t, "answer", "adjustmentId") != "dispute."+id {
		t.Fatalf("the answer: %s", ans)
	}
	a.waitNet(t, key, period, 1750, "the accepted dispute adds 10.00 to the 7.50")
	_, body := a.export(t, fin, period)
	if !bytes.Contains(body, []byte("dispute."+id)) || !bytes.Contains(body, []byte("cancelamento estornado pelo ERP")) {
		t.Fatalf("the dispute's adjustment is not in the export: %s", clip(body))
	}
	feed := a.waitFeed(t, key, `"id":"`+id+`.answered"`)
	for _, ev := range []string{id + ".filed", id + ".answered"} {
		if strings.Count(string(feed.raw), `"id":"`+ev+`"`) != 1 {
			t.Fatalf("the partner's feed should have %s once: %s", ev, feed)
		}
	}
	waitDelivered(t, rcv, []string{id + ".filed", id + ".answered"}, 1)
	waitMail(t, 60*time.Second, email, "Sua contestação de comissão "+id+" foi aceita")
}
