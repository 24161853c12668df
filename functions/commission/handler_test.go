package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

type fakeProcessor struct {
	out commission.Outcome
	err error
}

func (f fakeProcessor) Process(context.Context, commission.Trigger) (commission.Outcome, error) {
	return f.out, f.err
}

type recorder struct {
	events, mails []string
	fail          error
}

func (r *recorder) Put(_ context.Context, typ string, _ any, _ time.Time) error {
	r.events = append(r.events, typ)
	return r.fail
}

func (r *recorder) Send(_ context.Context, _, subject, _ string) error {
	r.mails = append(r.mails, subject)
	return nil
}

func wonEvent(t *testing.T) events.EventBridgeEvent {
	t.Helper()
	ev := lead.Event{ID: "L.6", Type: lead.EventLeadStatusChanged, LeadID: "L", PartnerID: "p", Sequence: 6, OccurredAt: time.Now(),
		Detail: lead.StatusChangedDetail{From: lead.StatusProposal, To: lead.StatusWon, ByRole: "rep",
			Deal: &lead.Deal{Value: lead.Money{Amount: 100_00, Currency: "BRL"}, ContractStart: "2026-11-01"}}}
	b, _ := json.Marshal(ev)
	return events.EventBridgeEvent{DetailType: lead.EventLeadStatusChanged, Detail: b}
}

func TestHandle(t *testing.T) {
	t.Parallel()
	accrual := commission.Entry{ID: "L.6:accrual:1", Amount: 10_00, Currency: "BRL"}
	clawback := commission.Entry{ID: "L.cancelled:clawback:1", Amount: -10_00, Currency: "BRL"}
	cases := []struct {
		name       string
		ev         events.EventBridgeEvent
		proc       fakeProcessor
		busErr     error
		wantErr    bool
		wantEvents []string
		wantMails  int
	}{
		{"won accrues: announced and finance alerted", wonEvent(t), fakeProcessor{out: commission.Outcome{Entries: []commission.Entry{accrual}}}, nil, false, []string{commission.EventCommissionAccrued}, 1},
		{"a duplicate is announced again, without a second email", wonEvent(t), fakeProcessor{out: commission.Outcome{Entries: []commission.Entry{accrual}, Duplicate: true}}, nil, false, []string{commission.EventCommissionAccrued}, 0},
		{"a clawback is announced as clawed back", events.EventBridgeEvent{DetailType: commission.EventDealCancelled, Detail: []byte(`{"id":"L.cancelled","type":"deal.cancelled","leadId":"L","partnerId":"p","date":"2026-11-20"}`)},
			fakeProcessor{out: commission.Outcome{Entries: []commission.Entry{clawback}}}, nil, false, []string{commission.EventCommissionClawedBack}, 0},
		{"currency mismatch: finance alerted, not retried", wonEvent(t), fakeProcessor{err: &commission.CurrencyMismatchError{Plan: "BRL", Deal: "USD"}}, nil, false, nil, 1},
		{"a store failure is retried", wonEvent(t), fakeProcessor{err: errors.New("throttled")}, nil, true, nil, 0},
		{"announcing fails: retried", wonEvent(t), fakeProcessor{out: commission.Outcome{Entries: []commission.Entry{accrual}}}, errors.New("bus down"), true, []string{commission.EventCommissionAccrued}, 0},
		{"malformed: dropped", events.EventBridgeEvent{DetailType: commission.EventDealCancelled, Detail: []byte(`{`)}, fakeProcessor{}, nil, false, nil, 0},
		{"other status changes: ignored", events.EventBridgeEvent{DetailType: "lead.created", Detail: []byte(`{}`)}, fakeProcessor{err: errors.New("must not be called")}, nil, false, nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{fail: c.busErr}
			h := handler{svc: c.proc, bus: rec, mail: rec, financeEmail: "finance@example.com", log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
			err := h.Handle(context.Background(), c.ev)
			if (err != nil) != c.wantErr || len(rec.mails) != c.wantMails || len(rec.events) != len(c.wantEvents) {
				t.Fatalf("err %v, events %v, mails %v", err, rec.events, rec.mails)
			}
			for i, e := range c.wantEvents {
				if rec.events[i] != e {
					t.Fatalf("events %v, want %v", rec.events, c.wantEvents)
				}
			}
		})
	}
}

func TestAmountsCountNewLedgerLinesOnce(t *testing.T) {
	lines := []commission.Entry{{Amount: 500_00}, {Amount: 120_50}, {Amount: -80_00}}
	for _, c := range []struct {
		name                string
		out                 commission.Outcome
		accrued, clawedBack float64
		none                bool
	}{
		{"new lines", commission.Outcome{Entries: lines}, 620_50, 80_00, false},
		{"a repeated event adds nothing", commission.Outcome{Entries: lines, Duplicate: true}, 0, 0, true},
		{"no lines", commission.Outcome{}, 0, 0, true},
	} {
		got := amounts(c.out)
		if c.none {
			if got != nil {
				t.Errorf("%s: %v, want none", c.name, got)
			}
			continue
		}
		if len(got) != 2 || got[0].Value != c.accrued || got[1].Value != c.clawedBack {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}
