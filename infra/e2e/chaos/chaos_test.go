//go:build e2e

// Package chaos runs the whole pipeline twice on the emulator with the
// functions' real binaries (make chaos): once clean, once with a share of
// their AWS calls failing and every event and batch delivered twice. The
// second run must lose nothing, assign nothing twice, notify every event
// and book the same commissions to the cent.
package chaos

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/partnerleads/pipeline/shared/testkit/chaos"
	"github.com/partnerleads/pipeline/shared/testkit/faultproxy"
)

// endpoint is the emulator the functions' calls go to, through the proxy.
func endpoint() string {
	if e := os.Getenv("AWS_ENDPOINT_URL"); e != "" {
		return e
	}
	return "http://127.0.0.1:4566"
}

// perPartner is CHAOS_PER_PARTNER, default 50 (20 partners: 1,000 leads).
func perPartner(t *testing.T) int {
	raw := os.Getenv("CHAOS_PER_PARTNER")
	if raw == "" {
		return 50
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 5 {
		t.Fatalf("CHAOS_PER_PARTNER=%q: want a whole number of at least 5", raw)
	}
	return n
}

func TestChaos(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := chaos.ReadTemplate("../../cdk.out", "PartnerLeads")
	if err != nil {
		t.Fatal(err)
	}
	base := chaos.Scenario{Partners: 20, PerPartner: perPartner(t), WonEvery: 5, ReceiverDown: 10 * time.Second, Seed: 7}
	faulty := base
	faulty.Faults, faulty.Duplicate = 0.10, true

	t.Logf("clean run: %d partners × %d leads", base.Partners, base.PerPartner)
	clean, err := chaos.Run(ctx, awsCfg, endpoint(), tpl, base, t.Logf)
	if err != nil {
		t.Fatalf("clean run: %v", err)
	}
	t.Logf("faulty run: %.0f%% of AWS calls fail, every event delivered twice", faulty.Faults*100)
	bad, err := chaos.Run(ctx, awsCfg, endpoint(), tpl, faulty, t.Logf)
	if err != nil {
		t.Fatalf("faulty run: %v", err)
	}
	t.Log("\n" + table(clean, bad))

	want := base.Partners * base.PerPartner
	checks := []struct {
		what string
		ok   bool
	}{
		{"every lead accepted in both runs", clean.Accepted == want && bad.Accepted == want},
		{"0 leads lost or extra", clean.Lost+clean.Extra+bad.Lost+bad.Extra == 0},
		{"0 double assignments, 0 unassigned", clean.DoubleAssigned+bad.DoubleAssigned+clean.Unassigned+bad.Unassigned == 0},
		{"every lead ended with an owner", clean.Unowned+bad.Unowned == 0},
		{"every rep's open-lead counter equals the open leads it owns", clean.CounterDrift+bad.CounterDrift == 0},
		{"the ledger equals the recomputation per lead and per period", clean.LedgerDrift+bad.LedgerDrift == 0},
		{"every history chain intact", clean.BrokenHistories+bad.BrokenHistories == 0},
		{"every event notified at least once", clean.Notified == clean.Events && bad.Notified == bad.Events && bad.Events == clean.Events},
		{"every webhook signature verified", clean.BadSignature+bad.BadSignature == 0},
		{"ledger equal to the cent", fmt.Sprint(clean.Ledger) == fmt.Sprint(bad.Ledger) && clean.LedgerLines == want/base.WonEvery},
		{"export identical (canonical bytes)", string(clean.Export) == string(bad.Export)},
		{"nothing dead-lettered", clean.DeadLetters+bad.DeadLetters == 0},
		{"no seeded email or phone in any function's output (and there is output)", clean.PIILeaks+bad.PIILeaks == 0 && clean.LogBytes > 0 && bad.LogBytes > 0},
		{"every line the functions print is JSON, and every record of ours carries the request id", len(clean.Logs.Unstructured)+len(bad.Logs.Unstructured)+len(clean.Logs.Unattributed)+len(bad.Logs.Unattributed) == 0 && clean.Logs.WithRequestID > 0 && bad.Logs.WithRequestID > 0},
		{"faults were injected into the faulty run only", sum(bad.Injected) > 0 && sum(clean.Injected) == 0},
		{"failed deliveries were retried", bad.Redeliveries > 0},
		{"every batch and event of the faulty run was delivered twice, none of the clean run's", bad.Deliveries > 0 && bad.Duplicated == bad.Deliveries && clean.Duplicated == 0},
		{"the functions gave up on every held answer (their response timeout)", bad.Injected[faultproxy.Timeout] > 0 && bad.GaveUp == bad.Injected[faultproxy.Timeout]},
	}
	for _, o := range []*chaos.Outcome{clean, bad} {
		for _, line := range o.Logs.Unstructured {
			t.Logf("not JSON: %.300s", line)
		}
		for _, line := range o.Logs.Unattributed {
			t.Logf("no request id: %.300s", line)
		}
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("failed: %s", c.what)
		}
	}
}

func sum[K comparable](m map[K]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// table prints the two runs side by side, in markdown.
func table(clean, bad *chaos.Outcome) string {
	var b strings.Builder
	b.WriteString("| | clean | 10% faults, every event twice |\n|---|---:|---:|\n")
	row := func(name string, f func(o *chaos.Outcome) any) {
		fmt.Fprintf(&b, "| %s | %v | %v |\n", name, f(clean), f(bad))
	}
	row("leads accepted", func(o *chaos.Outcome) any { return o.Accepted })
	row("leads lost / extra", func(o *chaos.Outcome) any { return fmt.Sprintf("%d / %d", o.Lost, o.Extra) })
	row("double assignments / unassigned", func(o *chaos.Outcome) any { return fmt.Sprintf("%d / %d", o.DoubleAssigned, o.Unassigned) })
	row("broken history chains", func(o *chaos.Outcome) any { return o.BrokenHistories })
	row("events notified / expected", func(o *chaos.Outcome) any { return fmt.Sprintf("%d / %d", o.Notified, o.Events) })
	row("ledger lines", func(o *chaos.Outcome) any { return o.LedgerLines })
	row("ledger net (BRL)", func(o *chaos.Outcome) any {
		var n int64
		for _, v := range o.Ledger {
			n += v
		}
		return fmt.Sprintf("%d.%02d", n/100, n%100)
	})
	row("export bytes (canonical)", func(o *chaos.Outcome) any { return len(o.Export) })
	row("dead letters", func(o *chaos.Outcome) any { return o.DeadLetters })
	row("seeded emails/phones in logs", func(o *chaos.Outcome) any { return o.PIILeaks })
	row("log records with a request id / all (the rest: failed-invoke reports); lines not JSON", func(o *chaos.Outcome) any {
		return fmt.Sprintf("%d / %d; %d", o.Logs.WithRequestID, o.Logs.Records, len(o.Logs.Unstructured))
	})
	row("AWS calls / faults injected", func(o *chaos.Outcome) any { return fmt.Sprintf("%d / %d", sum(o.Calls), sum(o.Injected)) })
	row("held answers given up on / held", func(o *chaos.Outcome) any { return fmt.Sprintf("%d / %d", o.GaveUp, o.Injected[faultproxy.Timeout]) })
	row("leads without an owner / counter drift", func(o *chaos.Outcome) any { return fmt.Sprintf("%d / %d", o.Unowned, o.CounterDrift) })
	row("ledger − recomputation (minor units)", func(o *chaos.Outcome) any { return o.LedgerDrift })
	row("failed deliveries retried", func(o *chaos.Outcome) any { return o.Redeliveries })
	row("deliveries / of them duplicated", func(o *chaos.Outcome) any { return fmt.Sprintf("%d / %d", o.Deliveries, o.Duplicated) })
	row("invocations", func(o *chaos.Outcome) any {
		var n int64
		for _, v := range o.Invocations {
			n += v
		}
		return n
	})
	row("wall time", func(o *chaos.Outcome) any { return o.Elapsed.Round(time.Second) })
	kinds := []string{}
	for k, v := range bad.Injected {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, v))
	}
	slices.Sort(kinds)
	fmt.Fprintf(&b, "\nfaults injected: %s\n", strings.Join(kinds, ", "))
	calls := []string{}
	for k, v := range clean.Calls {
		calls = append(calls, fmt.Sprintf("%06d %s", v, k))
	}
	slices.Sort(calls)
	slices.Reverse(calls)
	fmt.Fprintf(&b, "clean run's calls: %s\n", strings.Join(calls, ", "))
	inv := []string{}
	for k, v := range clean.Invocations {
		inv = append(inv, fmt.Sprintf("%s %d", k, v))
	}
	fmt.Fprintf(&b, "clean run's invocations: %s\n", strings.Join(inv, ", "))
	return b.String()
}
