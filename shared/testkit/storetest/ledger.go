package storetest

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Bus records what the service publishes.
type Bus struct {
	mu     sync.Mutex
	Events []string
}

func (b *Bus) Put(_ context.Context, detailType string, _ any, _ time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.Events = append(b.Events, detailType)
	return nil
}

// EveryPartner says every partner exists: for suites about the ledger, not
// the directory.
type EveryPartner struct{}

func (EveryPartner) PartnerExists(context.Context, string) (bool, error) { return true, nil }

// MemUploader keeps uploads in memory.
type MemUploader struct {
	mu      sync.Mutex
	Objects map[string][]byte
}

func (u *MemUploader) Upload(_ context.Context, key, _ string, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.Objects == nil {
		u.Objects = map[string][]byte{}
	}
	u.Objects[key] = b.Bytes()
	return nil
}

// RunLedger is the commission store suite: the fake and DynamoDB must
// behave the same.
func RunLedger(t *testing.T, st commission.Store) {
	ctx := context.Background()
	now := time.Now().UTC()
	svc := commission.Service{Store: st, Bus: &Bus{}, Partners: EveryPartner{}, Now: func() time.Time { return now }}
	fin := auth.Principal{Role: auth.RoleFinance, SubjectID: "fin-1", KeyID: "k"}
	partner, other := Unique("ptn"), Unique("ptn")
	period := commission.PeriodOf(now)

	gold := commission.Plan{ID: Unique("plan"), Name: "Gold", PartnerID: partner, Currency: "BRL",
		Type: commission.PercentOfDeal, RateBps: 1000, MinPayout: 50_00, ClawbackDays: 90, ClawbackMode: "full"}
	plan, _, err := svc.SavePlan(ctx, fin, gold)
	if err != nil || plan.Version != 1 {
		t.Fatalf("save plan: %+v %v", plan, err)
	}
	if again, created, err := svc.SavePlan(ctx, fin, gold); err != nil || again.Version != 1 || created {
		t.Fatalf("the same plan saved again (a retried PUT) made version %d: %v", again.Version, err)
	}
	if _, _, err := svc.SavePlan(ctx, fin, commission.Plan{ID: Unique("tierplan"), Name: "Silver", Tier: "silver", Currency: "BRL", Type: commission.FlatPerWon, FlatAmount: 10_00}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetTier(ctx, fin, other, "silver"); err != nil {
		t.Fatal(err)
	}
	v2 := plan
	v2.RateBps, v2.EffectiveFrom = 1500, commission.DateOf(now.AddDate(0, 0, 30))
	if got, created, err := svc.SavePlan(ctx, fin, v2); err != nil || got.Version != 2 || !created {
		t.Fatalf("version 2: %+v %v", got, err)
	}
	if p, _ := svc.PlanFor(ctx, partner, now); p == nil || p.Version != 1 {
		t.Fatalf("today's plan: %+v", p)
	}
	if p, _ := svc.PlanFor(ctx, partner, now.AddDate(0, 0, 31)); p == nil || p.Version != 2 {
		t.Fatalf("next month's plan: %+v", p)
	}
	if p, _ := svc.PlanFor(ctx, other, now); p == nil || p.Tier != "silver" {
		t.Fatalf("tier plan: %+v", p)
	}

	won := func(partnerID string, value int64) commission.Trigger {
		id := Unique("L")
		return commission.Trigger{ID: id + ".6", Kind: commission.TriggerWon, LeadID: id, PartnerID: partnerID, At: now,
			Deal: &lead.Deal{Value: lead.Money{Amount: value, Currency: "BRL"}, ContractStart: commission.DateOf(now)}}
	}

	t.Run("a won event delivered 8 times at once accrues once", func(t *testing.T) {
		tr := won(partner, 1000_00)
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if out, err := svc.Process(ctx, tr); err != nil || len(out.Entries) != 1 {
					t.Errorf("process: %+v %v", out, err)
				}
			}()
		}
		wg.Wait()
		lines, _ := st.Lines(ctx, partner, period)
		if n := count(lines, tr.LeadID); n != 1 {
			t.Fatalf("%d lines for one won", n)
		}
		states, err := st.LeadStates(ctx, []string{tr.LeadID, Unique("L")})
		if ls := states[tr.LeadID]; err != nil || len(states) != 1 || len(ls.Inputs) != 1 || ls.Inputs[0].ID != tr.ID {
			t.Fatalf("lead states of one stored lead and one unknown: %+v %v", states, err)
		}
	})

	t.Run("cancel inside the window claws back; statement and balances", func(t *testing.T) {
		tr := won(partner, 2000_00)
		if _, err := svc.Process(ctx, tr); err != nil {
			t.Fatal(err)
		}
		cancel := commission.Trigger{ID: tr.LeadID + ".cancelled", Kind: commission.TriggerCancelled, LeadID: tr.LeadID, PartnerID: partner, At: now, Date: commission.DateOf(now)}
		for range 2 {
			if _, err := svc.Process(ctx, cancel); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.Process(ctx, won(other, 5_00)); err != nil {
			t.Fatal(err)
		}
		own, err := svc.Statement(ctx, auth.Principal{Role: auth.RolePartner, PartnerID: partner}, period, "")
		if err != nil || len(own.Partners) != 1 || own.Partners[0].PartnerID != partner {
			t.Fatalf("partner statement: %+v %v", own, err)
		}
		tot := own.Partners[0].Totals["BRL"]
		if tot.Accrued != 300_00 || tot.TakenBack != -200_00 || tot.Net != 100_00 || tot.ClosingBalance != 100_00 {
			t.Fatalf("totals %+v", tot)
		}
		if _, err := svc.Statement(ctx, auth.Principal{Role: auth.RolePartner, PartnerID: partner}, period, other); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("another partner's statement: %v", err)
		}
		all, err := svc.Statement(ctx, fin, period, "")
		if err != nil || len(all.Partners) < 2 {
			t.Fatalf("finance statement: %+v %v", all, err)
		}
	})

	t.Run("approve, minimum payout, pay", func(t *testing.T) {
		if _, err := svc.Pay(ctx, fin, partner, period); !errors.Is(err, commission.ErrNothingToPay) {
			t.Fatalf("pay before approval: %v", err)
		}
		n, _, err := svc.Approve(ctx, fin, period, partner)
		if err != nil || n != 3 {
			t.Fatalf("approved %d: %v", n, err)
		}
		if n, _, _ := svc.Approve(ctx, fin, period, partner); n != 0 {
			t.Fatalf("approved again: %d", n)
		}
		if _, _, err := svc.Approve(ctx, fin, period, other); err != nil {
			t.Fatal(err)
		}
		// Four finance requests at once: one batch, whichever request made it.
		var wg sync.WaitGroup
		ids := make(chan string, 4)
		for range 4 {
			wg.Go(func() {
				po, err := svc.Pay(ctx, fin, partner, period)
				switch {
				case errors.Is(err, commission.ErrNothingToPay):
				case err != nil || po.State != commission.PayoutPaid || po.Total != 100_00 || po.Lines != 3:
					t.Errorf("pay: %+v %v", po, err)
				default:
					ids <- po.ID
				}
			})
		}
		wg.Wait()
		close(ids)
		batches := map[string]bool{}
		for id := range ids {
			batches[id] = true
		}
		stored, err := st.Payouts(ctx, partner)
		if err != nil || len(batches) != 1 || len(stored) != 1 || !batches[stored[0].ID] || stored[0].State != commission.PayoutPaid {
			t.Fatalf("4 concurrent payouts answered batches %v, stored %+v: %v", batches, stored, err)
		}
		lines, _ := st.Lines(ctx, partner, period)
		for _, e := range lines {
			if e.State == commission.StatePaid && e.PayoutID != stored[0].ID {
				t.Fatalf("line %s paid by %q, not the one batch %s", e.ID, e.PayoutID, stored[0].ID)
			}
		}
		if _, err := svc.Pay(ctx, fin, other, period); !errors.Is(err, commission.ErrBelowMinimumPayout) && err != nil {
			t.Fatalf("other: %v", err)
		}
	})

	t.Run("a payout interrupted halfway resumes to the same batch", func(t *testing.T) {
		third := Unique("ptn")
		if _, _, err := svc.SavePlan(ctx, fin, commission.Plan{ID: Unique("plan"), Name: "Third", PartnerID: third, Currency: "BRL", Type: commission.FlatPerWon, FlatAmount: 10_00}); err != nil {
			t.Fatal(err)
		}
		for range 30 {
			if _, err := svc.Process(ctx, won(third, 100_00)); err != nil {
				t.Fatal(err)
			}
		}
		if n, _, err := svc.Approve(ctx, fin, period, third); err != nil || n != 30 {
			t.Fatalf("approved %d: %v", n, err)
		}
		crashing := svc
		crashing.Store = &crashAfter{Store: st, claims: 1}
		if _, err := crashing.Pay(ctx, fin, third, period); err == nil || !strings.Contains(err.Error(), "25 of 30 lines recorded") {
			t.Fatalf("the interrupted payout should say how far it got: %v", err)
		}
		half, _ := st.Payouts(ctx, third)
		po, err := svc.Pay(ctx, fin, third, period)
		if err != nil || len(half) != 1 || half[0].State != commission.PayoutCreated || po.ID != half[0].ID || po.State != commission.PayoutPaid || po.Total != 300_00 {
			t.Fatalf("resumed %+v (%v), interrupted %+v", po, err, half)
		}
		lines, _ := st.Lines(ctx, third, period)
		for _, e := range lines {
			if e.PayoutID != po.ID || e.State != commission.StatePaid {
				t.Fatalf("line %s after the resume: %s in %q", e.ID, e.State, e.PayoutID)
			}
		}
	})

	t.Run("a batch made from lines another batch paid meanwhile is not stored", func(t *testing.T) {
		fourth := Unique("ptn")
		if _, _, err := svc.SavePlan(ctx, fin, commission.Plan{ID: Unique("plan"), Name: "Fourth", PartnerID: fourth, Currency: "BRL", Type: commission.FlatPerWon, FlatAmount: 10_00}); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := svc.Process(ctx, won(fourth, 100_00)); err != nil {
				t.Fatal(err)
			}
		}
		if n, _, err := svc.Approve(ctx, fin, period, fourth); err != nil || n != 3 {
			t.Fatalf("approved %d: %v", n, err)
		}
		// A second finance request reads the lines, then the first request
		// makes, pays and closes its batch, then the second creates its own.
		late := svc
		late.Store = &payFirst{Store: st, pay: func() {
			if po, err := svc.Pay(ctx, fin, fourth, period); err != nil || po.State != commission.PayoutPaid {
				t.Errorf("the first request: %+v %v", po, err)
			}
		}}
		po, err := late.Pay(ctx, fin, fourth, period)
		stored, _ := st.Payouts(ctx, fourth)
		if !errors.Is(err, commission.ErrNothingToPay) || len(stored) != 1 || stored[0].State != commission.PayoutPaid {
			t.Fatalf("the second request answered %+v (%v); stored %+v, want the first request's batch only", po, err, stored)
		}
	})

	t.Run("an adjustment is added once, however often it is sent, and is in the export", func(t *testing.T) {
		id := strings.ToLower(Unique("adj"))
		adj := commission.Adjustment{PartnerID: partner, Period: period, Amount: lead.Money{Amount: -7_50, Currency: "BRL"}, Reason: "fee withheld"}
		var wg sync.WaitGroup
		created := make(chan bool, 4)
		for range 4 {
			wg.Go(func() {
				e, ok, err := svc.Adjust(ctx, fin, id, adj)
				if err != nil || e.ID != "adj."+id || e.Amount != -7_50 {
					t.Errorf("adjust: %+v %v", e, err)
				}
				created <- ok
			})
		}
		wg.Wait()
		close(created)
		n := 0
		for ok := range created {
			if ok {
				n++
			}
		}
		lines, err := st.Lines(ctx, partner, period)
		if err != nil || n != 1 || count(lines, "") != 1 {
			t.Fatalf("4 concurrent adds: %d created, %d lines without a lead: %v", n, count(lines, ""), err)
		}
		adj.Amount.Amount = -8_00
		if _, _, err := svc.Adjust(ctx, fin, id, adj); !errors.Is(err, commission.ErrAdjustmentTaken) {
			t.Fatalf("a different adjustment under the same id: %v", err)
		}
	})

	t.Run("a dispute is filed once and answered once, with its line in the same write", func(t *testing.T) {
		who := Unique("ptn")
		filed := now.Add(-time.Minute)
		d := commission.Dispute{ID: commission.DisputeID(who, period, "", "L1"), PartnerID: who, Period: period, LeadID: "L1", Message: "nothing paid",
			State: commission.DisputeOpen, FiledAt: filed, Trail: []commission.DisputeStep{{At: filed, Action: "filed", ByRole: "partner"}}}
		if _, created, err := st.FileDispute(ctx, d); err != nil || !created {
			t.Fatalf("file: created %v, %v", created, err)
		}
		other := d
		other.Message = "resent"
		if got, created, err := st.FileDispute(ctx, other); err != nil || created || got.Message != d.Message {
			t.Fatalf("filing the same id again: %+v created %v %v", got, created, err)
		}
		if _, err := st.Dispute(ctx, "dsp-none"); !errors.Is(err, commission.ErrDisputeNotFound) {
			t.Fatalf("an unknown dispute: %v", err)
		}
		line := commission.Entry{ID: "dispute." + d.ID, PartnerID: who, LeadID: "L1", Period: period, EarnedIn: period, Kind: commission.KindAdjustment,
			Amount: 30_00, Currency: "BRL", State: commission.StateAccrued, TriggerID: d.ID, TriggerKind: commission.TriggerAdjustment, OccurredAt: now}
		answered := d
		answered.State = commission.DisputeAccepted
		answered.Answer = &commission.Answer{Decision: commission.DisputeAccepted, Reason: "ok", AdjustmentID: line.ID, At: now}
		errs := make(chan error, 4)
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() {
				a := answered
				if i%2 == 1 {
					a.State, a.Answer = commission.DisputeRejected, &commission.Answer{Decision: commission.DisputeRejected, Reason: "no", At: now}
					errs <- st.AnswerDispute(ctx, a, nil)
					return
				}
				errs <- st.AnswerDispute(ctx, a, &line)
			})
		}
		wg.Wait()
		close(errs)
		won := 0
		for err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, commission.ErrConflict):
				t.Fatalf("answer: %v", err)
			}
		}
		got, err := st.Dispute(ctx, d.ID)
		if err != nil || won != 1 || got.State == commission.DisputeOpen {
			t.Fatalf("4 concurrent answers: %d won, stored %+v %v", won, got, err)
		}
		lines, _ := st.Lines(ctx, who, period)
		if want := map[bool]int{true: 1, false: 0}[got.State == commission.DisputeAccepted]; len(lines) != want {
			t.Fatalf("the %s dispute left %d lines, want %d: %+v", got.State, len(lines), want, lines)
		}
		for state, want := range map[string]int{"open": 0, "answered": 1, "all": 1} {
			mine, err := st.Disputes(ctx, who, state)
			if err != nil || len(mine) != want {
				t.Fatalf("%s disputes of %s: %+v %v, want %d", state, who, mine, err, want)
			}
		}
		queue, err := st.Disputes(ctx, "", "open")
		if err != nil || slices.ContainsFunc(queue, func(q commission.Dispute) bool { return q.ID == d.ID }) {
			t.Fatalf("the answered dispute is still in the open queue: %v", err)
		}
	})

	t.Run("export streams the period in order and matches the ledger", func(t *testing.T) {
		up := &MemUploader{}
		x, err := svc.RunExport(ctx, commission.Export{ID: Unique("exp"), Period: period}, up, nil)
		if err != nil || x.Status != "completed" || x.Manifest == nil {
			t.Fatalf("export: %+v %v", x, err)
		}
		recs, err := csv.NewReader(bytes.NewReader(up.Objects[x.CSVKey])).ReadAll()
		if err != nil || len(recs)-1 != x.Manifest.Rows || x.Manifest.Rows < 4 {
			t.Fatalf("csv rows %d, manifest %+v, %v", len(recs)-1, x.Manifest, err)
		}
		for i := 2; i < len(recs); i++ {
			if a, b := recs[i-1][2]+recs[i-1][0], recs[i][2]+recs[i][0]; a > b {
				t.Fatalf("out of order at row %d: %s > %s", i, a, b)
			}
		}
		paid, _ := st.Payouts(ctx, partner)
		payouts := string(up.Objects[x.PayoutsKey])
		if len(paid) != 1 || !strings.HasPrefix(payouts, strings.Join(commission.PayoutColumns, ",")+"\r\n") || !strings.Contains(payouts, paid[0].ID+","+partner+",paid,BRL,10000,100.00,3,") ||
			x.Manifest.Payouts.Rows < 2 || x.Manifest.Payouts.Totals["BRL"] < 400_00 {
			t.Fatalf("the payout file (manifest %+v) should list the batches of this period: %q", x.Manifest.Payouts, payouts)
		}
		again, _ := svc.RunExport(ctx, commission.Export{ID: x.ID, Period: period}, up, nil)
		if again.Manifest.SHA256 != x.Manifest.SHA256 {
			t.Fatal("the same ledger exported to different bytes")
		}
		got, err := svc.GetExport(ctx, fin, x.ID)
		if err != nil || got.Status != "completed" {
			t.Fatalf("get export: %+v %v", got, err)
		}
		if _, err := svc.GetExport(ctx, auth.Principal{Role: auth.RolePartner, PartnerID: partner}, x.ID); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("a partner read an export: %v", err)
		}
	})
}

// crashAfter lets claims ClaimLines calls through, then fails like a
// process that died halfway.
// payFirst runs pay once just before the first batch it is asked to create.
type payFirst struct {
	commission.Store
	pay  func()
	done bool
}

func (p *payFirst) CreatePayout(ctx context.Context, po commission.Payout, guard []commission.Entry) error {
	if !p.done {
		p.done = true
		p.pay()
	}
	return p.Store.CreatePayout(ctx, po, guard)
}

type crashAfter struct {
	commission.Store
	claims int
}

func (c *crashAfter) ClaimLines(ctx context.Context, po commission.Payout, lines []commission.Entry) error {
	if c.claims == 0 {
		return errors.New("crashed")
	}
	c.claims--
	return c.Store.ClaimLines(ctx, po, lines)
}

func count(lines []commission.Entry, leadID string) int {
	n := 0
	for _, e := range lines {
		if e.LeadID == leadID {
			n++
		}
	}
	return n
}
