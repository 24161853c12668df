package main

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// lineOfL1 is partner p1's accrual line of L1 in 2026-03.
func (f *fixture) lineOfL1(t *testing.T) commission.Entry {
	t.Helper()
	lines, err := f.ledger.Lines(context.Background(), "p1", "2026-03")
	if err != nil || len(lines) != 1 || lines[0].LeadID != "L1" {
		t.Fatalf("p1's lines of 2026-03: %+v %v", lines, err)
	}
	return lines[0]
}

func (f *fixture) file(t *testing.T, who, body string) (commission.Dispute, int) {
	t.Helper()
	resp := f.do(t, call{row: "POST /v1/commission-disputes", who: who, body: body})
	var d commission.Dispute
	if resp.StatusCode < 300 {
		decode(t, resp, &d)
	}
	return d, resp.StatusCode
}

func TestFilingADispute(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, who, body string
		status          int
		problem         string
		fields          []string
	}{
		{"a partner disputes a lead with no line", "p1", `{"period":"2026-03","leadId":"L4","message":"won last week, nothing on my statement"}`, 201, "", nil},
		{"finance files none", "finance", `{"period":"2026-03","leadId":"L4","message":"x"}`, 403, "forbidden", nil},
		{"a line or a lead is named", "p1", `{"period":"2026-03","message":"x"}`, 422, "validation-error", []string{"lineId"}},
		{"every invalid field is named", "p1", `{"period":"2026-13","message":"","claimed":{"amount":0,"currency":"BRL"}}`, 422, "validation-error", []string{"claimed", "lineId", "message", "period"}},
		{"not a future period", "p1", `{"period":"2026-04","leadId":"L4","message":"x"}`, 422, "validation-error", []string{"period"}},
		{"not past the window (60 days after 2025-12 closed is 2026-03-01)", "p1", `{"period":"2025-12","leadId":"L4","message":"x"}`, 422, "validation-error", []string{"period"}},
		{"inside the window of a closed period", "p1", `{"period":"2026-01","leadId":"L4","message":"x"}`, 201, "", nil},
		{"only the partner's own lead", "p1", `{"period":"2026-03","leadId":"L2","message":"x"}`, 422, "validation-error", []string{"leadId"}},
		{"only a line of the partner's ledger in that period", "p1", `{"period":"2026-02","lineId":"nope","message":"x"}`, 422, "validation-error", []string{"lineId"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, signer{})
			resp := f.do(t, call{row: "POST /v1/commission-disputes", who: c.who, body: c.body})
			expectFields(t, resp, expect(t, resp, c.status, c.problem), c.fields)
		})
	}
}

// The round trip: a partner files, finance sees it in the queue with the
// diff, accepts; the adjustment is on the statement, the partner's feed and
// channels hear of both steps, and the trail names who acted (internally).
func TestADisputeRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t, signer{})
	line := f.lineOfL1(t)
	body := `{"period":"2026-03","lineId":"` + line.ID + `","message":"the deal was 1.500,00, not 1.000,00","claimed":{"amount":5000,"currency":"brl"}}`
	d, status := f.file(t, "p1", body)
	if status != 201 || d.State != commission.DisputeOpen || d.LeadID != "L1" || d.LineKind != commission.KindAccrual || d.Claimed.Currency != "BRL" {
		t.Fatalf("filed %d: %+v", status, d)
	}
	if again, status := f.file(t, "p1", body); status != 200 || again.ID != d.ID {
		t.Fatalf("filing the same line again: %d %+v, want 200 with %s", status, again, d.ID)
	}
	if d.Trail[0].ActorID != "" {
		t.Fatalf("the partner's copy names an actor: %+v", d.Trail)
	}

	var list struct{ Disputes []commission.Dispute }
	decode(t, f.do(t, call{row: "GET /v1/commission-disputes", who: "p2"}), &list)
	if len(list.Disputes) != 0 {
		t.Fatalf("p2 sees p1's disputes: %+v", list.Disputes)
	}
	expect(t, f.do(t, call{row: "GET /v1/commission-disputes/{id}", args: []string{d.ID}, who: "p2"}), 404, "not-found")
	expect(t, f.do(t, call{row: "GET /v1/commission-disputes", who: "p2", query: "partnerId=p1"}), 403, "forbidden")
	decode(t, f.do(t, call{row: "GET /v1/commission-disputes", who: "finance"}), &list)
	if len(list.Disputes) != 1 || list.Disputes[0].ID != d.ID || list.Disputes[0].Trail[0].ActorID == "" {
		t.Fatalf("finance's queue: %+v", list.Disputes)
	}
	var v commission.DisputeView
	decode(t, f.do(t, call{row: "GET /v1/commission-disputes/{id}", args: []string{d.ID}, who: "finance"}), &v)
	if !v.Diff.LedgerMatches || len(v.Diff.Differences) != 0 || v.ID != d.ID {
		t.Fatalf("the diff attached: %+v", v)
	}

	answer := `{"decision":"accepted","reason":"contract amended on 2026-03-05"}`
	resp := f.do(t, call{row: "POST /v1/commission-disputes/{id}/answer", args: []string{d.ID}, who: "finance", body: answer})
	var a commission.Dispute
	expect(t, resp, 200, "")
	decode(t, resp, &a)
	if a.State != commission.DisputeAccepted || a.Answer.Amount.Amount != 5000 || a.Answer.AdjustmentID != "dispute."+d.ID || len(a.Trail) != 2 {
		t.Fatalf("accepted: %+v", a)
	}
	expect(t, f.do(t, call{row: "POST /v1/commission-disputes/{id}/answer", args: []string{d.ID}, who: "finance", body: answer}), 200, "")
	expect(t, f.do(t, call{row: "POST /v1/commission-disputes/{id}/answer", args: []string{d.ID}, who: "finance", body: `{"decision":"rejected","reason":"changed my mind"}`}), 409, "dispute-answered")
	if _, status := f.file(t, "p1", body); status != 409 {
		t.Fatalf("filing an answered dispute again: %d, want 409", status)
	}

	var st commission.Statement
	decode(t, f.do(t, call{row: "GET /v1/commissions", who: "p1", query: "period=2026-03"}), &st)
	if len(st.Partners) != 1 || st.Partners[0].Totals["BRL"].Net != 100_00+50_00 {
		t.Fatalf("the statement with the accepted dispute: %+v", st)
	}
	page, err := f.leads.Feed(context.Background(), "p1", "", 100)
	if err != nil {
		t.Fatal(err)
	}
	var feed []string
	for _, ev := range page.Events {
		if strings.HasPrefix(ev.Type, "commission.") {
			feed = append(feed, ev.ID)
		}
	}
	if want := []string{d.ID + ".filed", d.ID + ".answered"}; !slices.Equal(feed, want) {
		t.Fatalf("p1's feed has %v, want %v (once each, though announced again on every resend)", feed, want)
	}
	if pub := f.bus.published(); !slices.Contains(pub, lead.EventDisputeFiled) || !slices.Contains(pub, lead.EventDisputeAnswered) {
		t.Fatalf("published %v", pub)
	}
	decode(t, f.do(t, call{row: "GET /v1/commission-disputes", who: "finance"}), &list)
	if len(list.Disputes) != 0 {
		t.Fatalf("the open queue after the answer: %+v", list.Disputes)
	}
	decode(t, f.do(t, call{row: "GET /v1/commission-disputes", who: "p1", query: "state=answered"}), &list)
	if len(list.Disputes) != 1 || list.Disputes[0].Answer == nil || list.Disputes[0].Trail[1].ActorID != "" {
		t.Fatalf("p1's answered disputes: %+v", list.Disputes)
	}
}

func TestAnsweringADispute(t *testing.T) {
	t.Parallel()
	claimed := `{"period":"2026-03","leadId":"L4","message":"won, nothing paid","claimed":{"amount":8000,"currency":"BRL"}}`
	unclaimed := `{"period":"2026-03","leadId":"L4","message":"won, nothing paid"}`
	cases := []struct {
		name, filing, answer string
		status               int
		fields               []string
		net                  int64 // p1's net for 2026-03 after
	}{
		{"partly: a smaller part of the claim", claimed, `{"decision":"partly_accepted","amount":{"amount":3000,"currency":"BRL"},"reason":"half the term"}`, 200, nil, 130_00},
		{"partly: not more than the claim", claimed, `{"decision":"partly_accepted","amount":{"amount":9000,"currency":"BRL"},"reason":"x"}`, 422, []string{"amount.amount"}, 100_00},
		{"partly: needs an amount", claimed, `{"decision":"partly_accepted","reason":"x"}`, 422, []string{"amount"}, 100_00},
		{"accepting no claim needs an amount", unclaimed, `{"decision":"accepted","reason":"x"}`, 422, []string{"amount"}, 100_00},
		{"accepting no claim with an amount", unclaimed, `{"decision":"accepted","amount":{"amount":2500,"currency":"BRL"},"reason":"ok"}`, 200, nil, 125_00},
		{"in the plan's currency", unclaimed, `{"decision":"accepted","amount":{"amount":2500,"currency":"USD"},"reason":"ok"}`, 422, []string{"amount.currency"}, 100_00},
		{"a rejection adds nothing", claimed, `{"decision":"rejected","reason":"the lead was lost"}`, 200, nil, 100_00},
		{"a rejection takes no amount", claimed, `{"decision":"rejected","amount":{"amount":1,"currency":"BRL"},"reason":"x"}`, 422, []string{"amount"}, 100_00},
		{"a reason, always", claimed, `{"decision":"rejected","reason":" "}`, 422, []string{"reason"}, 100_00},
		{"a known decision", claimed, `{"decision":"maybe","reason":"x"}`, 422, []string{"decision"}, 100_00},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, signer{})
			d, status := f.file(t, "p1", c.filing)
			if status != 201 {
				t.Fatalf("filing: %d", status)
			}
			resp := f.do(t, call{row: "POST /v1/commission-disputes/{id}/answer", args: []string{d.ID}, who: "finance", body: c.answer})
			problem := ""
			if c.status == 422 {
				problem = "validation-error"
			}
			expectFields(t, resp, expect(t, resp, c.status, problem), c.fields)
			var st commission.Statement
			decode(t, f.do(t, call{row: "GET /v1/commissions", who: "finance", query: "period=2026-03&partnerId=p1"}), &st)
			if got := st.Partners[0].Totals["BRL"].Net; got != c.net {
				t.Fatalf("p1 nets %d, want %d", got, c.net)
			}
		})
	}
	t.Run("p1 may not answer, and no one answers a dispute that is not there", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, signer{})
		d, _ := f.file(t, "p1", claimed)
		expect(t, f.do(t, call{row: "POST /v1/commission-disputes/{id}/answer", args: []string{d.ID}, who: "p1", body: `{"decision":"accepted","reason":"x"}`}), 403, "forbidden")
		expect(t, f.do(t, call{row: "POST /v1/commission-disputes/{id}/answer", args: []string{"dsp-000000000000000000000000"}, who: "finance", body: `{"decision":"accepted","reason":"x"}`}), 404, "not-found")
	})
	t.Run("two different answers at once: one wins, one line at most", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, signer{})
		d, _ := f.file(t, "p1", claimed)
		answers := []string{`{"decision":"accepted","reason":"ok"}`, `{"decision":"rejected","reason":"no"}`,
			`{"decision":"partly_accepted","amount":{"amount":100,"currency":"BRL"},"reason":"some"}`, `{"decision":"accepted","reason":"ok!"}`}
		codes := make([]int, len(answers))
		var wg sync.WaitGroup
		for i, a := range answers {
			wg.Go(func() {
				codes[i] = f.do(t, call{row: "POST /v1/commission-disputes/{id}/answer", args: []string{d.ID}, who: "finance", body: a}).StatusCode
			})
		}
		wg.Wait()
		slices.Sort(codes)
		if !slices.Equal(codes, []int{200, 409, 409, 409}) {
			t.Fatalf("status codes %v, want one 200 and three 409", codes)
		}
		lines, _ := f.ledger.Lines(context.Background(), "p1", "2026-03")
		n := 0
		for _, l := range lines {
			if l.Kind == commission.KindAdjustment {
				n++
			}
		}
		if n > 1 {
			t.Fatalf("%d adjustment lines from one dispute: %+v", n, lines)
		}
	})
}
