package commission_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

// planReads counts the plan lookups a service makes.
type planReads struct {
	*memstore.Ledger
	n int
}

func (p *planReads) PlanAt(ctx context.Context, scope, date string) (commission.Plan, bool, error) {
	p.n++
	return p.Ledger.PlanAt(ctx, scope, date)
}

// The diff of a month of many won deals reads the plan once per day, not
// once per deal: a 10,000-deal month took minutes of plan reads.
func TestDiffReadsThePlanOncePerDay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := &planReads{Ledger: memstore.NewLedger()}
	svc := commission.Service{Store: store, Now: time.Now}
	plan := commission.Plan{ID: "flat", Version: 1, Name: "Flat", PartnerID: "p1", EffectiveFrom: "2026-02-01", Currency: "BRL",
		Type: commission.FlatPerWon, FlatAmount: 50_00}
	if err := store.PutPlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	const deals, days = 300, 3
	start := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	for i := range deals {
		id := fmt.Sprintf("L%03d", i)
		at := start.Add(time.Duration(i%days)*24*time.Hour + time.Duration(i)*time.Second)
		tr := commission.Trigger{ID: id + ".3", Kind: commission.TriggerWon, LeadID: id, PartnerID: "p1", At: at, Seq: 3,
			Deal: &lead.Deal{Value: lead.Money{Amount: 1000_00, Currency: "BRL"}, ContractStart: "2026-03-02"}}
		if _, err := svc.Process(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	store.n = 0
	d, err := svc.Diff(ctx, auth.Principal{Role: auth.RoleFinance, SubjectID: "fin1"}, "p1", "2026-03")
	if err != nil {
		t.Fatal(err)
	}
	if d.LinesRead != deals || len(d.Differences) != 0 || d.Recomputed["BRL"] != deals*50_00 {
		t.Fatalf("diff read %d lines with %d differences, recomputed %v; want %d lines, none, %d BRL", d.LinesRead, len(d.Differences), d.Recomputed, deals, deals*50_00)
	}
	if store.n != days {
		t.Fatalf("the diff read the plan %d times for %d deals over %d days, want %d", store.n, deals, days, days)
	}
}
