package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/partnerleads/pipeline/shared/aws/deployed"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/intakedb"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/routingdb"
	"github.com/partnerleads/pipeline/shared/aws/eventbus"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/testkit/seed"
)

// routingLatency measures accepted → assigned through the deployed stack,
// and our code's share of it: the publisher's and the router's work, run
// in-process against the same emulator (its DynamoDB and EventBridge). The
// rest is the emulator's delivery: stream polling, bus delivery, process
// start-up.
func routingLatency(ctx context.Context, n int) ([]row, error) {
	st, err := deployed.Open(ctx, stackinfo.DefaultStack)
	if err != nil {
		return nil, err
	}
	busName, err := st.Outputs.Get("EventBusName")
	if err != nil {
		return nil, err
	}
	cfg, base, leads := st.Cfg, st.Base, st.Leads
	p, iss, restore, err := benchPartner(ctx, st, "bench routing")
	if err != nil {
		return nil, err
	}
	defer restore()

	client := &http.Client{Timeout: 30 * time.Second}
	run := time.Now().UnixNano()
	var total []time.Duration
	for i := range n {
		body := fmt.Sprintf(`{"contact":{"name":"Bench","email":"r%[1]d-%[2]d@r%[1]d.bench.example"},"company":{"name":"Bench"},"location":{"country":"BR"},"consent":{"lgpd":true}}`, run, i)
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/v1/leads", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+iss.Token)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		var rc struct{ ID string }
		_ = json.NewDecoder(resp.Body).Decode(&rc)
		resp.Body.Close()
		if resp.StatusCode != 201 {
			return nil, fmt.Errorf("POST: %d", resp.StatusCode)
		}
		for {
			l, err := leads.Get(ctx, rc.ID)
			if err != nil {
				return nil, err
			}
			if l.OwnerID != "" {
				// Both instants were stored by our functions on this host's
				// clock: intake when it accepted, the router when it assigned.
				total = append(total, l.UpdatedAt.Sub(l.ReceivedAt))
				break
			}
			if time.Since(start) > 2*time.Minute {
				return nil, fmt.Errorf("lead %s not assigned after 2 minutes", rc.ID)
			}
			time.Sleep(50 * time.Millisecond)
		}
		fmt.Fprintf(os.Stderr, "    lead %d/%d assigned in %s\n", i+1, n, total[i].Round(time.Millisecond))
	}

	// Our code, in-process against the same emulator: the publisher's work
	// (build the event, PutEvents) and the router's (load config, read, decide,
	// commit), for fresh leads of the same partner.
	bus := eventbus.New(eventbridge.NewFromConfig(cfg), busName)
	intakeSvc := intake.NewService(intakedb.New(st.DB, leads.Table), intake.DefaultConfig, time.Now)
	principal := auth.Principal{Role: auth.RolePartner, PartnerID: p.ID}
	var ours []time.Duration
	for i := 0; len(ours) < n && i < 4*n; i++ {
		nrm, err := intake.Parse([]byte(fmt.Sprintf(`{"contact":{"name":"Bench","email":"o%[1]d-%[2]d@o%[1]d.bench.example"},"company":{"name":"Bench"},"location":{"country":"BR"},"consent":{"lgpd":true}}`, run, i)))
		if err != nil {
			return nil, err
		}
		rc, err := intakeSvc.Submit(ctx, principal, nrm, "")
		if err != nil {
			return nil, err
		}
		start := time.Now()
		l, err := leads.Get(ctx, rc.LeadID)
		if err != nil {
			return nil, err
		}
		ev, err := lead.EventFor(l, lead.Entry{LeadID: l.ID, Seq: 1, At: l.ReceivedAt, Change: lead.ChangeCreated, To: lead.StatusNew})
		if err != nil {
			return nil, err
		}
		if _, err := bus.Publish(ctx, []lead.Event{ev}); err != nil {
			return nil, err
		}
		_, routed, err := routing.NewService(routingdb.New(st.DB, leads.Table), st.Routing, time.Now, time.Minute).Route(ctx, rc.LeadID)
		if err != nil {
			return nil, err
		}
		if routed { // else the deployed router got there first: not a clean sample
			ours = append(ours, time.Since(start))
		}
	}
	if len(ours) == 0 {
		return nil, fmt.Errorf("no clean in-process sample")
	}
	mt, mo := median(total), median(ours)
	return []row{
		{"Lead accepted → assigned on the emulator, median (ms)", ms(mt), "", "", fmt.Sprintf("%d leads; from the lead's receivedAt (stored by intake) to its assignment (stored by the router)", n)},
		{"… of which our code (ms)", ms(mo), ms(mt), ratio(float64(mo), float64(mt)), "publisher (event + PutEvents) and router (config, read, decide, commit), in-process on the emulator"},
		{"… of which the emulator's delivery (ms)", ms(mt - mo), ms(mt), ratio(float64(mt-mo), float64(mt)), "stream polling, bus → Lambda, a fresh process per invoke"},
	}, nil
}

// benchPartner creates a partner whose leads a dedicated rule routes at any
// hour to a bench rep, through the API as an admin would. restore saves
// the previous rule set back.
func benchPartner(ctx context.Context, st *deployed.Stack, name string) (admin.Partner, admin.Issued, func(), error) {
	cfgAdmin := routing.Admin{Store: st.Routing}
	previous, err := st.Routing.RuleSet(ctx)
	if err != nil {
		return admin.Partner{}, admin.Issued{}, nil, err
	}
	p, iss, err := st.Admin.CreatePartner(ctx, name)
	if err != nil {
		return admin.Partner{}, admin.Issued{}, nil, err
	}
	token, err := st.MintKey(ctx, auth.RoleAdmin, "", "bench", "bench admin")
	if err != nil {
		return admin.Partner{}, admin.Issued{}, nil, err
	}
	if _, err := seed.RouteTo(ctx, apiClient(st.Base), token, seed.Routing{RuleID: "bench-" + p.ID, Partners: []string{p.ID},
		Reps: []string{"rep-bench"}, MaxOpen: 1_000_000, Strategy: routing.LeastLoaded}); err != nil {
		return admin.Partner{}, admin.Issued{}, nil, fmt.Errorf("bench routing: %w", err)
	}
	restore := func() {
		if previous.Version > 0 {
			b, _ := json.Marshal(previous)
			_, _ = cfgAdmin.SaveRuleSet(ctx, b, 0)
		}
	}
	return p, iss, restore, nil
}

// apiClient calls the deployed API at base, for seed.
func apiClient(base string) seed.API {
	client := &http.Client{Timeout: 30 * time.Second}
	return func(ctx context.Context, method, path, token, body string, header map[string]string) (int, map[string]any, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
		if err != nil {
			return 0, nil, nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, nil, err
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		var doc map[string]any
		_ = json.Unmarshal(raw, &doc)
		return resp.StatusCode, doc, raw, err
	}
}
