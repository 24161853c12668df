package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/partnerleads/pipeline/shared/aws/deployed"
	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/notifydb"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/notify"
)

// notifyLatency measures a status change (POST /v1/leads/{id}/status on the
// deployed stack) → the signed webhook received on 127.0.0.1, from the
// change's stored time to arrival; and our code's share: the notifier's
// work (delivery records in the emulator's DynamoDB, sign, POST) in-process.
func notifyLatency(ctx context.Context, n int) ([]row, error) {
	st, err := deployed.Open(ctx, stackinfo.DefaultStack)
	if err != nil {
		return nil, err
	}
	base, leads := st.Base, st.Leads
	dir := notifydb.NewConfig(st.DB, st.Keys.Table)
	p, iss, restore, err := benchPartner(ctx, st, "bench notify")
	if err != nil {
		return nil, err
	}
	defer restore()

	var mu sync.Mutex
	arrived := map[string]time.Time{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		if _, seen := arrived[r.Header.Get("Partner-Leads-Event-Id")]; !seen {
			arrived[r.Header.Get("Partner-Leads-Event-Id")] = time.Now()
		}
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	na := notify.Admin{Store: dir, Targets: notify.Targets{LocalMode: true}, Now: time.Now}
	if _, err := na.CreateWebhook(ctx, p.ID, "http://"+ln.Addr().String()+"/hook", []string{lead.EventLeadStatusChanged}); err != nil {
		return nil, err
	}
	mgr, err := st.MintKey(ctx, auth.RoleManager, "", "bench", "bench")
	if err != nil {
		return nil, err
	}

	client := &http.Client{Timeout: 30 * time.Second}
	call := func(method, path, token, body string) (int, []byte, error) {
		req, _ := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}
	run := time.Now().UnixNano()
	var total []time.Duration
	for i := range n {
		id, err := benchLead(ctx, call, leads, iss.Token, fmt.Sprintf("n%[1]d-%[2]d@n%[1]d.bench.example", run, i))
		if err != nil {
			return nil, err
		}
		if code, _, err := call("POST", "/v1/leads/"+id+"/status", mgr, `{"status":"contacted"}`); err != nil || code != 200 {
			return nil, fmt.Errorf("status change: %d %v", code, err)
		}
		l, err := leads.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		evID := lead.EventID(id, l.Version)
		for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
			mu.Lock()
			at, ok := arrived[evID]
			mu.Unlock()
			if ok {
				total = append(total, at.Sub(l.UpdatedAt))
				break
			}
			if time.Since(start) > 2*time.Minute {
				return nil, fmt.Errorf("webhook for %s not received in 2 minutes", evID)
			}
		}
		fmt.Fprintf(os.Stderr, "    webhook %d/%d received in %s\n", i+1, n, total[i].Round(time.Millisecond))
	}

	// Our code, in-process: the notifier handling a fresh event of the same
	// partner (delivery records in DynamoDB, sign, POST to the receiver).
	nf := notify.Notifier{Config: dir, Deliveries: notifydb.NewDeliveries(st.DB, st.Leads.Table), Mail: discardMail{}, Send: notify.NewSender(notify.Targets{LocalMode: true}, 10*time.Second, time.Now),
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: time.Now}
	var ours []time.Duration
	for i := range n {
		ev := lead.Event{ID: fmt.Sprintf("BENCH%d.%d", run, i), Type: lead.EventLeadStatusChanged, Version: 1, LeadID: "BENCH", PartnerID: p.ID,
			Sequence: int64(i + 2), OccurredAt: time.Now(), Detail: lead.StatusChangedDetail{From: lead.StatusAssigned, To: lead.StatusContacted, ByRole: "rep"}}
		start := time.Now()
		if _, err := nf.Handle(ctx, ev, false); err != nil {
			return nil, err
		}
		ours = append(ours, time.Since(start))
	}
	mt, mo := median(total), median(ours)
	return []row{
		{"Status change → webhook received on the emulator, median (ms)", ms(mt), "", "", fmt.Sprintf("%d changes via the API; from the change's stored time to arrival at a receiver on 127.0.0.1", n)},
		{"… of which our code (ms)", ms(mo), ms(mt), ratio(float64(mo), float64(mt)), "notifier in-process on the emulator: delivery records, signing, POST"},
		{"… of which the emulator's delivery (ms)", ms(mt - mo), ms(mt), ratio(float64(mt-mo), float64(mt)), "stream → publisher → bus → queue → notifier, fresh processes"},
	}, nil
}

type discardMail struct{}

func (discardMail) Send(context.Context, string, string, string) error { return nil }

// benchLead posts a lead and waits until it is assigned.
func benchLead(ctx context.Context, call func(method, path, token, body string) (int, []byte, error), leads *dynamo.Leads, token, email string) (string, error) {
	code, b, err := call("POST", "/v1/leads", token, `{"contact":{"name":"Bench","email":"`+email+`"},"company":{"name":"Bench"},"location":{"country":"BR"},"consent":{"lgpd":true}}`)
	var rc struct{ ID string }
	if err != nil || code != 201 || json.Unmarshal(b, &rc) != nil {
		return "", fmt.Errorf("POST lead: %d %v", code, err)
	}
	id := rc.ID
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		l, err := leads.Get(ctx, id)
		if err != nil {
			return "", err
		}
		if l.OwnerID != "" {
			return id, nil
		}
		if time.Since(start) > 2*time.Minute {
			return "", fmt.Errorf("lead %s not assigned", id)
		}
	}
}
