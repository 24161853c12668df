package lifecycle_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/testkit/intaketest"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

var now = func() time.Time { return time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC) }

// assignedLead stores a lead and routes it to rep-1.
func assignedLead(t *testing.T, st *memstore.Store, body string) string {
	t.Helper()
	ctx := context.Background()
	adm := routing.Admin{Store: st}
	if reps, _ := st.Reps(ctx); len(reps) == 0 {
		_, _ = adm.PutRep(ctx, "rep-1", []byte(`{"id":"rep-1","name":"R","active":true,"weight":1,"capacity":{"maxOpen":50},
			"workingHours":{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[1,2,3,4,5],"start":"09:00","end":"18:00"}}`))
		if _, err := adm.SaveRuleSet(ctx, []byte(`{"fallbackOwner":"rep-1","rules":[{"id":"r","pool":["rep-1"],"strategy":"least_loaded"}],"scoring":{"gradeA":80,"gradeB":40}}`), 0); err != nil {
			t.Fatal(err)
		}
	}
	n, err := intake.Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := intake.NewService(st, intake.DefaultConfig, now).Submit(ctx, auth.Principal{Role: auth.RolePartner, PartnerID: "p1"}, n, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := routing.NewService(st, st, now, time.Minute).Route(ctx, rc.LeadID); err != nil {
		t.Fatal(err)
	}
	return rc.LeadID
}

func other(i string) string {
	return `{"contact":{"name":"N","email":"n` + i + `@x.com.br"},"company":{"name":"C"},"location":{"country":"BR"},"consent":{"lgpd":true}}`
}

func TestBulkReportsPerRow(t *testing.T) {
	t.Parallel()
	st := memstore.New()
	a, b := assignedLead(t, st, intaketest.ValidBody), assignedLead(t, st, other("b"))
	svc := lifecycle.NewService(st, now)
	rep := auth.Principal{Role: auth.RoleRep, SubjectID: "rep-1", KeyID: "k"}
	res, err := svc.Bulk(context.Background(), rep, []lifecycle.Row{
		{LeadID: a, Request: lifecycle.Request{To: lead.StatusContacted}},
		{LeadID: b, Request: lifecycle.Request{To: lead.StatusLost}},
		{LeadID: "01NOPE0000000000000000000", Request: lifecycle.Request{To: lead.StatusContacted}},
		{LeadID: b, Request: lifecycle.Request{To: lead.StatusJunk, Reason: "spam"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var te *lead.TransitionError
	if res[0].Err != nil || res[0].Version != 3 ||
		!errors.Is(res[1].Err, lead.ErrReasonRequired) ||
		!errors.Is(res[2].Err, lead.ErrNotFound) ||
		res[3].Err != nil || res[3].Status != lead.StatusJunk || errors.As(res[3].Err, &te) {
		t.Fatalf("results %+v", res)
	}
	if _, err := svc.Bulk(context.Background(), rep, nil); err == nil {
		t.Fatal("an empty bulk was accepted")
	}
}

func TestCRMSyncWalksTheLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memstore.New()
	id := assignedLead(t, st, intaketest.ValidBody)
	svc := lifecycle.NewService(st, now)
	m := lifecycle.CRMMapping{CRM: "hubspot", Statuses: map[string]lead.Status{
		"connected": lead.StatusContacted, "closedwon": lead.StatusWon, "closedlost": lead.StatusLost,
	}}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	crm := auth.Principal{Role: auth.RoleManager, SubjectID: "hubspot-sync", KeyID: "k"}
	r, err := svc.Sync(ctx, crm, m, id, "CONNECTED", "", nil)
	if err != nil || r.Lead.Status != lead.StatusContacted || len(r.Steps) != 1 {
		t.Fatalf("connected: %+v %v", r, err)
	}
	if _, err := svc.Sync(ctx, crm, m, id, "closedwon", "", nil); !errors.Is(err, lead.ErrDealRequired) {
		t.Fatalf("won without a deal: %v", err)
	}
	deal := &lead.Deal{Value: lead.Money{Amount: 100_00, Currency: "BRL"}, ContractStart: "2026-01-01"}
	r, err = svc.Sync(ctx, crm, m, id, "closedwon", "", deal)
	if err != nil || r.Lead.Status != lead.StatusWon || len(r.Steps) != 3 {
		t.Fatalf("jump to won: %+v %v", r, err)
	}
	h, _ := st.History(ctx, id)
	if r.Lead.Deal == nil || r.Lead.Deal.Value.Amount != 100_00 {
		t.Fatalf("deal not kept: %+v", r.Lead.Deal)
	}
	if len(h) != 6 || lead.VerifyChain(h) != -1 || h[5].Note != "synced from hubspot (closedwon)" || h[5].Actor.ID != "hubspot-sync" {
		t.Fatalf("history %+v", h)
	}
	if _, err := svc.Sync(ctx, crm, m, id, "closedlost", "", nil); err == nil {
		t.Fatal("won → lost was synced")
	}
	var ve *validation.Error
	if _, err := svc.Sync(ctx, crm, m, id, "weird", "", nil); !errors.As(err, &ve) {
		t.Fatalf("unmapped status: %v", err)
	}
	bad := lifecycle.CRMMapping{CRM: "x", Statuses: map[string]lead.Status{"a": "assigned", "b": "done"}}
	if bad.Validate() == nil {
		t.Fatal("a mapping to assigned or an unknown status was accepted")
	}
}

func TestPartnerHistoryView(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memstore.New()
	id := assignedLead(t, st, intaketest.ValidBody)
	svc := lifecycle.NewService(st, now)
	mgr := auth.Principal{Role: auth.RoleManager, SubjectID: "mgr-1", KeyID: "k"}
	if _, err := svc.ChangeStatus(ctx, mgr, id, lifecycle.Request{To: lead.StatusContacted, Note: "internal: prefers mornings"}); err != nil {
		t.Fatal(err)
	}
	partner := auth.Principal{Role: auth.RolePartner, PartnerID: "p1", KeyID: "kp"}
	h, err := svc.History(ctx, partner, id, nil)
	if err != nil || len(h.Partner) != 3 || h.Entries != nil || h.Partner[1].Owner != "" || h.Partner[2].By != "" || h.Partner[1].Reason != "" {
		t.Fatalf("default partner view (no owner, no actor, no routing explanation): %+v %v", h, err)
	}
	svc.Partner = lead.PartnerView{ShowOwner: true}
	h, _ = svc.History(ctx, partner, id, nil)
	if h.Partner[1].Owner != "rep-1" || h.Partner[2].By != "mgr-1" || h.Partner[1].Reason == "" {
		t.Fatalf("configured partner view: %+v", h.Partner)
	}
	if _, err := svc.History(ctx, auth.Principal{Role: auth.RolePartner, PartnerID: "p2"}, id, nil); !errors.Is(err, lead.ErrNotFound) {
		t.Fatalf("another partner: %v", err)
	}
	internal, _ := svc.History(ctx, mgr, id, nil)
	if len(internal.Entries) != 3 || *internal.BrokenAt != -1 || internal.Entries[2].Note == "" {
		t.Fatalf("internal view: %+v", internal)
	}
}

// slowStore takes 2 ms per status change, as a real write does (or more),
// and records how many ran at once.
type slowStore struct {
	*memstore.Store
	mu        sync.Mutex
	now, peak int
}

func (s *slowStore) ChangeStatus(ctx context.Context, c lifecycle.Change) error {
	s.mu.Lock()
	s.now++
	s.peak = max(s.peak, s.now)
	s.mu.Unlock()
	time.Sleep(2 * time.Millisecond)
	defer func() { s.mu.Lock(); s.now--; s.mu.Unlock() }()
	return s.Store.ChangeStatus(ctx, c)
}

// A bulk update at its documented maximum (1,000 rows) changes several
// leads at once, and each lead's rows in their order.
func TestBulkAtItsMaximum(t *testing.T) {
	t.Parallel()
	st := memstore.New()
	var ids []string
	for i := range 250 {
		ids = append(ids, assignedLead(t, st, other(fmt.Sprint(i))))
	}
	var rows []lifecycle.Row
	for _, to := range []lead.Status{lead.StatusContacted, lead.StatusQualified, lead.StatusProposal, lead.StatusWon} {
		for _, id := range ids {
			r := lifecycle.Row{LeadID: id, Request: lifecycle.Request{To: to}}
			if to == lead.StatusWon {
				r.Deal = &lead.Deal{Value: lead.Money{Amount: 1000_00, Currency: "BRL"}, ContractStart: "2026-03-10"}
			}
			rows = append(rows, r)
		}
	}
	slow := &slowStore{Store: st}
	res, err := lifecycle.NewService(slow, now).Bulk(context.Background(), auth.Principal{Role: auth.RoleRep, SubjectID: "rep-1", KeyID: "k"}, rows)
	if err != nil || len(res) != lifecycle.MaxBulkRows {
		t.Fatalf("%d results, %v", len(res), err)
	}
	for i, r := range res {
		if r.Err != nil || r.Status != rows[i].To {
			t.Fatalf("row %d (%s → %s): %+v", i+1, r.LeadID, rows[i].To, r)
		}
	}
	if slow.peak < 2 {
		t.Fatalf("at most %d change at once: 1,000 rows in a row do not fit a 10 s function", slow.peak)
	}
}
