//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/domain/metrics"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

func TestE2EFollowUp(t *testing.T) {
	// With TestE2ESecurity, after the other tests (Go runs parallel top-level
	// tests last): its requests fill this test's minute of waiting for a lead
	// to go stale. Both use only their own partners, and the routing rules
	// both add to are saved with If-Match. The rest run one at a time: the
	// faults test points two deployed functions at its proxy while it runs.
	t.Parallel()
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Follow-up")
	_, otherKey := a.partner(t, "E2E Follow-up Other")
	a.routeTo(t, partnerID, 1)
	mgr := a.key(t, "manager", "mgr-e2e-sla")

	// The partner's program: a clock that always runs, and a reminder one
	// minute into contacted.
	program := strings.ToLower(storetest.Unique("e2e-"))
	policy := `{"workingHours":{"timeZone":"America/Sao_Paulo","calendar":"","weekdays":[0,1,2,3,4,5,6],"start":"00:00","end":"23:59"},
	  "stages":[{"status":"contacted","steps":[{"action":"remind","after":"1m"},{"action":"escalate","after":"90m"}]}]}`
	if r := a.call(t, "PUT", "/v1/admin/sla-policies/"+program, a.admin, policy, nil, true); r.status != 200 || r.body["version"] != float64(1) {
		t.Fatalf("save policy: %s", r)
	}
	if r := a.call(t, "PUT", "/v1/admin/sla-policies/"+program, mgr, policy, nil, true); r.status != 403 {
		t.Fatalf("a manager saved a policy: %s", r)
	}
	if r := a.call(t, "PUT", "/v1/admin/sla-policies/"+program, a.admin, `{"workingHours":{},"stages":[{"status":"new","steps":[]}]}`, nil, false); r.status != 422 {
		t.Fatalf("an invalid policy: %s", r)
	}
	a.call(t, "PUT", "/v1/admin/partners/"+partnerID+"/program", a.admin, `{"program":"`+program+`"}`, nil, true).expect(t, 200)
	email := storetest.Unique("sla") + "@partner.example"
	a.call(t, "PUT", "/v1/notification-preferences", key, `{"email":"`+email+`","language":"en","mode":"immediate"}`, nil, true).expect(t, 200)

	post := func(source string) string {
		body := lead(storetest.Unique("sla"))
		if source != "" {
			body = strings.Replace(body, `"consent"`, `"source":"`+source+`","consent"`, 1)
		}
		return a.createLead(t, key, body)
	}
	l1, l2, l3 := post("form"), post("whatsapp"), post("")
	for _, id := range []string{l1, l2, l3} {
		a.waitAssigned(t, id, key)
	}
	move := func(id, body string) {
		t.Helper()
		a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, body, nil, true).expect(t, 200)
	}
	move(l2, `{"status":"contacted"}`)
	contactedAt := time.Now()
	today := metrics.Date(time.Now())
	for _, s := range []string{`{"status":"contacted"}`, `{"status":"qualified"}`, `{"status":"proposal"}`,
		`{"status":"won","deal":{"value":{"amount":500000,"currency":"BRL"},"contractStart":"` + today + `"}}`} {
		move(l1, s)
	}

	t.Run("the schedule rule runs the scanner every 5 minutes", func(t *testing.T) {
		cfg, outs, err := stackinfo.Connect(context.Background(), stackinfo.DefaultStack)
		if err != nil {
			t.Fatal(err)
		}
		fn, err := outs.Get("ScannerFunctionName")
		if err != nil {
			t.Fatal(err)
		}
		eb := eventbridge.NewFromConfig(cfg)
		rules, err := eb.ListRules(context.Background(), &eventbridge.ListRulesInput{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rules.Rules {
			if r.ScheduleExpression == nil || *r.ScheduleExpression != "rate(5 minutes)" {
				continue
			}
			ts, err := eb.ListTargetsByRule(context.Background(), &eventbridge.ListTargetsByRuleInput{Rule: r.Name})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range ts.Targets {
				if strings.HasSuffix(aws.ToString(x.Arn), ":"+fn) {
					return
				}
			}
		}
		t.Fatalf("no rate(5 minutes) rule targets %s", fn)
	})

	t.Run("the scanner, invoked as EventBridge would, flags and notifies a stale lead", func(t *testing.T) {
		// Not a wait for the stack: the reminder is due a minute of wall
		// clock into contacted, and scanning before that has nothing to find.
		time.Sleep(time.Until(contactedAt.Add(65 * time.Second)))
		var hist reply
		eventually(t, 120*time.Second, 3*time.Second, "a scan flags "+l2+" stale in its history", func() (bool, string) {
			invoke(t, "ScannerFunctionName")
			hist = a.call(t, "GET", "/v1/leads/"+l2+"/history", mgr, "", nil, true)
			return strings.Contains(string(hist.raw), `"change":"stale"`), hist.String()
		})
		if n := strings.Count(string(hist.raw), `"change":"stale"`); n != 1 {
			t.Fatalf("%d stale entries in the history, want 1: %s", n, hist)
		}
		invoke(t, "ScannerFunctionName") // a repeated run takes no second step
		if again := a.call(t, "GET", "/v1/leads/"+l2+"/history", mgr, "", nil, true); again.status != 200 || strings.Count(string(again.raw), `"change":"stale"`) != 1 {
			t.Fatalf("a repeated scan took the step again: %s", again)
		}
		waitMail(t, 90*time.Second, email, "We are chasing lead "+l2)
		a.waitFeed(t, key, `"type":"lead.stale"`)
	})
	move(l2, `{"status":"lost","reason":"no budget"}`)

	t.Run("indicators match the hand-computed fixture", func(t *testing.T) {
		var in reply
		eventually(t, 120*time.Second, 2*time.Second, "the indicators count 3 received, 1 won and 1 lost", func() (bool, string) {
			in = a.call(t, "GET", "/v1/metrics", key, "", nil, true)
			return in.status == 200 && in.body["received"] == float64(3) && in.body["won"] == float64(1) && entered(t, in, "lost") == 1, in.String()
		})
		// 3 received; l1 won, l2 lost, l3 still assigned; 2 first contacts.
		var wrong []string
		want := map[string]float64{"new": 3, "assigned": 3, "contacted": 2, "qualified": 1, "proposal": 1, "won": 1, "lost": 1, "junk": 0}
		for s, n := range want {
			if got := entered(t, in, s); got != n {
				wrong = append(wrong, fmt.Sprintf("entered %s = %v, want %v", s, got, n))
			}
		}
		if in.body["received"] != float64(3) || in.body["conversion"] != 0.3333 || in.obj(t, "responseTime").get("count") != float64(2) {
			wrong = append(wrong, fmt.Sprintf("received %v conversion %v responses %v", in.body["received"], in.body["conversion"], in.body["responseTime"]))
		}
		if idle := in.obj(t, "noUpdate"); idle.get("open") != float64(1) || idle.get("over3Days") != float64(0) {
			wrong = append(wrong, fmt.Sprintf("open leads: %v", idle.m))
		}
		src := map[string]object{}
		for _, r := range in.items(t, "bySource") {
			src[r.str(t, "source")] = r
		}
		if src["form"].get("won") != float64(1) || src["form"].get("conversion") != 1.0 || src["whatsapp"].get("received") != float64(1) || src["api"].get("received") != float64(1) {
			wrong = append(wrong, fmt.Sprintf("by source: %v", in.body["bySource"]))
		}
		if len(wrong) > 0 {
			t.Errorf("indicators: %s\n%s", strings.Join(wrong, "; "), in)
		}
	})

	t.Run("a partner cannot see another partner's numbers", func(t *testing.T) {
		if r := a.call(t, "GET", "/v1/metrics?partnerId="+partnerID, otherKey, "", nil, true); r.status != 403 {
			t.Fatalf("other partner read our metrics: %s", r)
		}
		if r := a.call(t, "GET", "/v1/metrics/stale?partnerId="+partnerID, otherKey, "", nil, true); r.status != 403 {
			t.Fatalf("other partner read our stale list: %s", r)
		}
		if r := a.call(t, "GET", "/v1/metrics", otherKey, "", nil, true); r.status != 200 || r.body["received"] != float64(0) {
			t.Fatalf("other partner's own numbers: %s", r)
		}
		if r := a.call(t, "GET", "/v1/metrics?partnerId="+partnerID, mgr, "", nil, true); r.status != 200 || r.body["received"] != float64(3) {
			t.Fatalf("a manager's view of the partner: %s", r)
		}
	})

	t.Run("the dashboard renders the partner's funnel in Chromium", func(t *testing.T) {
		b := newBrowser(t)
		b.open(a.base + "/dashboard")
		b.typeInto("#key", key)
		b.click("#load")
		b.waitText("#received", "3", 30*time.Second)
		if !b.displayed("#funnel") {
			t.Fatal("the funnel is not shown")
		}
		for stage, n := range map[string]string{"new": "3", "contacted": "2", "won": "1", "junk": "0"} {
			if got := b.text(`#funnel g[data-stage="` + stage + `"]`); got != stage+" "+n && got != stage+"\n"+n {
				t.Errorf("funnel %s reads %q, want %s %s", stage, got, stage, n)
			}
		}
		if got := b.text("#conversion"); got != "33.3%" {
			t.Errorf("conversion reads %q", got)
		}
		if got := b.text("#partners tbody"); !strings.Contains(got, partnerID) {
			t.Errorf("conversion per partner: %q", got)
		}
		b.open(a.base + "/dashboard")
		b.typeInto("#key", "pk_wrong")
		b.click("#load")
		eventually(t, 15*time.Second, 250*time.Millisecond, "a wrong key: the status line says Could not load", func() (bool, string) {
			s := b.text("#status")
			return strings.HasPrefix(s, "Could not load"), fmt.Sprintf("status %q, board shown %v", s, b.displayed("#board"))
		})
		if b.displayed("#board") {
			t.Errorf("a wrong key: status %q, and the board is shown", b.text("#status"))
		}
	})

	t.Run("the weekly report is stored and readable by its partner only", func(t *testing.T) {
		invoke(t, "WeeklyFunctionName")
		monday := metrics.LastWeek(metrics.Date(time.Now()))
		if r := a.call(t, "GET", "/v1/metrics/reports/"+monday, key, "", nil, true); r.status != 200 || r.body["partnerId"] != partnerID {
			t.Fatalf("weekly report: %s", r)
		}
		if r := a.call(t, "GET", "/v1/metrics/reports/"+monday+"?partnerId="+partnerID, otherKey, "", nil, true); r.status != 403 {
			t.Fatalf("another partner's report: %s", r)
		}
	})
}

// entered is how many leads entered status in an indicators answer, or -1
// if its funnel has no such stage.
func entered(t *testing.T, in reply, status string) float64 {
	t.Helper()
	for _, stage := range in.items(t, "funnel") {
		if stage.get("status") == status {
			return stage.num(t, "entered")
		}
	}
	return -1
}
