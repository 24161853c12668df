//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasvc "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	leads "github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/testkit/faultproxy"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

// TestE2EUnderFaults is the smaller chaos run through the deployed stack:
// 50 leads, each sent twice, while 10% of the intake's and the notifier's
// DynamoDB and SQS calls fail and the partner's webhook is down for a while.
//
// Only those two functions get faults: their callers retry the way AWS
// does (the client on a 5xx, the SQS mapping on a failed message). The
// emulator drops a failed EventBridge → Lambda invoke and moves a DynamoDB
// stream past a partially failed batch, so faults in the router, the
// publisher or the commission function would test the emulator, not us;
// make chaos plays those sources itself and faults every function.
func TestE2EUnderFaults(t *testing.T) {
	const n, wonEvery = 50, 5
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Faults")
	a.routeTo(t, partnerID, 3)
	mgr := a.key(t, "manager", "mgr-e2e-faults")
	fin := a.key(t, "finance", "fin-e2e-faults")
	plan := fmt.Sprintf(`{"name":"E2E faults","partnerId":%q,"currency":"BRL","type":"percent_of_deal","rateBps":1000,"clawbackDays":90,"clawbackMode":"full","minPayout":1000}`, partnerID)
	a.call(t, "PUT", "/v1/commission-plans/"+strings.ToLower(storetest.Unique("faults-")), fin, plan, nil, true).expect(t, 201)
	rcv := newReceiver(t)
	hook := a.call(t, "POST", "/v1/webhooks", key, `{"url":"`+rcv.URL("faults")+`"}`, nil, true).expect(t, 201)
	rcv.SetSecret("faults", hook.str(t, "secret"))

	// No held answers (timeouts) here: the emulator's one poller thread waits
	// out each of the notifier's, which stalls every stream and queue of the
	// stack. make chaos, which plays those sources itself, holds answers.
	proxy, err := faultproxy.Start(faultproxy.Config{Upstream: os.Getenv("AWS_ENDPOINT_URL"), Rate: 0.1, Seed: 7,
		Kinds: []faultproxy.Fault{faultproxy.Throttled, faultproxy.ServerError, faultproxy.Unavailable, faultproxy.LostResponse}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	throughProxy(t, proxy.URL(), "Intake", "Notifier")
	time.AfterFunc(10*time.Second, func() { rcv.SetDown(false) })
	start := time.Now()

	// Four partner-side workers. Every lead is sent twice with one
	// Idempotency-Key, as by a partner whose first answer got lost; every
	// status change is sent twice too, and the second must not move the lead.
	tag, today := storetest.Unique("flt"), commission.DateOf(time.Now())
	ids, deals := make([]string, n), make([]int64, n)
	t.Run("leads", func(t *testing.T) {
		for w := range 4 {
			t.Run(fmt.Sprint("worker", w), func(t *testing.T) {
				t.Parallel()
				for i := w; i < n; i += 4 {
					h := http.Header{"Idempotency-Key": {fmt.Sprintf("%s-%d", tag, i)}}
					body := lead(fmt.Sprintf("%s-%d", tag, i))
					first := a.retry(t, "POST", "/v1/leads", key, body, h)
					again := a.retry(t, "POST", "/v1/leads", key, body, h)
					if first.status != 201 || again.status != 201 || again.body["id"] != first.body["id"] {
						t.Fatalf("lead %d: %s / %s", i, first, again)
					}
					ids[i] = first.str(t, "id")
				}
				for i := w; i < n; i += 4 {
					a.waitStatus(t, ids[i], mgr, "assigned")
					steps := []string{`{"status":"contacted"}`}
					if i%wonEvery == 0 {
						deals[i] = int64(100000 + 37*i)
						steps = append(steps, `{"status":"qualified"}`, `{"status":"proposal"}`,
							fmt.Sprintf(`{"status":"won","deal":{"value":{"amount":%d,"currency":"BRL"},"contractStart":%q}}`, deals[i], today))
					}
					for _, change := range steps {
						for range 2 {
							if r := a.retry(t, "POST", "/v1/leads/"+ids[i]+"/status", mgr, change, nil); r.status != 200 && r.status != 409 {
								t.Fatalf("lead %s, %s: %s", ids[i], change, r)
							}
						}
						var want struct{ Status string }
						_ = json.Unmarshal([]byte(change), &want)
						a.waitStatus(t, ids[i], mgr, want.Status)
					}
				}
			})
		}
	})
	if t.Failed() {
		return
	}
	t.Logf("%d leads posted and moved in %v", n, time.Since(start).Round(time.Second))
	won := map[string]int64{}
	for i, id := range ids {
		if deals[i] > 0 {
			won[id] = deals[i]
		}
	}

	// Every event of every lead reaches the webhook, counted by event id.
	var events []string
	for i, id := range ids {
		seqs := 3 // created, assigned, contacted
		if i%wonEvery == 0 {
			seqs = 6 // then qualified, proposal, won
		}
		for seq := 1; seq <= seqs; seq++ {
			events = append(events, fmt.Sprintf("%s.%d", id, seq))
		}
	}
	waitDelivered(t, rcv, events, 1)
	t.Logf("every event delivered at %v", time.Since(start).Round(time.Second))
	if rcv.Bad() != 0 {
		t.Errorf("%d deliveries failed signature verification", rcv.Bad())
	}

	// Nothing lost, nothing doubled: one listing entry and one assignment
	// per lead, one accrual per won lead, the deal's 10% to the cent.
	listed := map[string]int{}
	list := a.retry(t, "GET", "/v1/leads?limit=100", key, "", nil).expect(t, 200)
	for _, it := range list.items(t, "items") {
		listed[it.str(t, "id")]++
	}
	for _, id := range ids {
		h := a.retry(t, "GET", "/v1/leads/"+id+"/history", mgr, "", nil).expect(t, 200)
		assigned := 0
		for _, e := range h.items(t, "entries") {
			if e.get("change") == leads.ChangeAssigned {
				assigned++
			}
		}
		if listed[id] != 1 || assigned != 1 {
			t.Errorf("lead %s: listed %d times, assigned %d times: %s", id, listed[id], assigned, h)
		}
	}
	if len(listed) != n {
		t.Errorf("the partner lists %d leads, want %d: %s", len(listed), n, list)
	}
	period := commission.PeriodOf(time.Now())
	var accruals map[string]int64
	eventually(t, 90*time.Second, time.Second, fmt.Sprintf("an accrual for each of the %d won leads", len(won)), func() (bool, string) {
		accruals = map[string]int64{}
		st := a.call(t, "GET", "/v1/commissions?period="+period, key, "", nil, true)
		if st.status != 200 {
			return false, st.String()
		}
		for _, p := range st.items(t, "partners") {
			for _, line := range p.items(t, "lines") {
				if line.get("kind") == "accrual" {
					leadID := line.str(t, "leadId")
					if _, dup := accruals[leadID]; dup {
						t.Fatalf("two accruals for %s: %s", leadID, st)
					}
					accruals[leadID] = int64(line.num(t, "amount"))
				}
			}
		}
		return len(accruals) >= len(won), fmt.Sprintf("%d accruals: %s", len(accruals), st)
	})
	t.Logf("accruals read at %v", time.Since(start).Round(time.Second))
	for id, deal := range won {
		if want := (deal + 5) / 10; accruals[id] != want { // 10%, half a cent up
			t.Errorf("lead %s: accrual %d, want %d", id, accruals[id], want)
		}
	}
	_, body := a.export(t, fin, period)
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(rows) == 0 || len(rows[0]) < 4 || rows[0][3] != "lead_id" {
		t.Fatalf("export: %v %q", err, body)
	}
	exported := map[string]int{}
	for _, r := range rows[1:] {
		exported[r[3]]++
	}
	for id := range won {
		if exported[id] != 1 {
			t.Errorf("the export has lead %s %d times", id, exported[id])
		}
	}

	injected := 0
	for _, c := range proxy.Injected() {
		injected += c
	}
	calls := 0
	for _, c := range proxy.Calls() {
		calls += c
	}
	t.Logf("%d leads, %d won, %d events notified; %d faults injected into %d calls", n, len(won), len(events), injected, calls)
	if injected == 0 {
		t.Fatal("no faults were injected: the functions did not go through the proxy")
	}
}

// throughProxy points the named functions' DynamoDB and SQS calls at the
// proxy (the SDK prefers a service's own endpoint variable to
// AWS_ENDPOINT_URL, which the emulator sets for every function), and puts
// their environment back when the test ends.
func throughProxy(t *testing.T, proxyURL string, names ...string) {
	t.Helper()
	ctx := context.Background()
	cfg, _, err := stackinfo.Connect(ctx, stackinfo.DefaultStack)
	if err != nil {
		t.Fatal(err)
	}
	client := lambdasvc.NewFromConfig(cfg)
	fns, err := client.ListFunctions(ctx, &lambdasvc.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		var fn *types.FunctionConfiguration
		for i, f := range fns.Functions {
			if strings.HasPrefix(aws.ToString(f.FunctionName), stackinfo.DefaultStack+"-"+name) {
				fn = &fns.Functions[i]
			}
		}
		if fn == nil {
			t.Fatalf("no deployed function %s", name)
		}
		before := map[string]string{}
		if fn.Environment != nil {
			before = fn.Environment.Variables
		}
		faulty := map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": proxyURL, "AWS_ENDPOINT_URL_SQS": proxyURL}
		for k, v := range before {
			faulty[k] = v
		}
		setEnv := func(vars map[string]string) error {
			_, err := client.UpdateFunctionConfiguration(ctx, &lambdasvc.UpdateFunctionConfigurationInput{
				FunctionName: fn.FunctionName, Environment: &types.Environment{Variables: vars}})
			return err
		}
		if err := setEnv(faulty); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := setEnv(before); err != nil {
				t.Errorf("%s keeps the proxy's endpoints: %v", name, err)
			}
		})
	}
}

// retry is a careful client's call: throttling, 5xx answers and lost
// connections are retried (this test provokes them, so unlike call it does
// not count them as findings; each is logged). Answers are not checked
// against the OpenAPI document here, since a failed invoke is answered by
// the gateway.
func (a *api) retry(t *testing.T, method, path, token, body string, header http.Header) reply {
	t.Helper()
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequest(method, a.base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header = header.Clone()
		if req.Header == nil {
			req.Header = http.Header{}
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := a.http.Do(req)
		r := reply{method: method, path: path}
		if err == nil {
			r.status, r.header = resp.StatusCode, resp.Header
			r.raw, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			_ = json.Unmarshal(r.raw, &r.body)
			if r.status != 429 && r.status < 500 {
				return r
			}
			t.Logf("retrying after attempt %d: %s", attempt, r)
		} else {
			t.Logf("retrying after attempt %d: %s %s: %v", attempt, method, path, err)
		}
		if attempt == 20 {
			t.Fatalf("%s %s: still failing after %d attempts: %v %s", method, path, attempt, err, r)
		}
		time.Sleep(time.Duration(100*attempt) * time.Millisecond)
	}
}

// waitStatus polls a lead through faults until it has the status.
func (a *api) waitStatus(t *testing.T, id, token, status string) {
	t.Helper()
	eventually(t, 90*time.Second, 300*time.Millisecond, "lead "+id+" "+status, func() (bool, string) {
		got := a.retry(t, "GET", "/v1/leads/"+id, token, "", nil)
		return got.status == 200 && got.body["status"] == status, got.String()
	})
}
