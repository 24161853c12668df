package routing_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/testkit/intaketest"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

const repJSON = `{"id":"%s","name":"R","active":true,"weight":1,"capacity":{"maxOpen":5},
 "workingHours":{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[1,2,3,4,5],"start":"09:00","end":"18:00"}}`

func TestReassignAndReroute(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memstore.New()
	now := func() time.Time { return time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC) }
	svc := routing.NewService(st, st, now, time.Minute)
	n, _ := intake.Parse([]byte(intaketest.ValidBody))
	rc, err := intake.NewService(st, intake.DefaultConfig, now).Submit(ctx, auth.Principal{Role: auth.RolePartner, PartnerID: "p1"}, n, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Route(ctx, rc.LeadID); !errors.Is(err, routing.ErrNoRuleSet) {
		t.Fatalf("routing without rules: %v", err)
	}
	adm := routing.Admin{Store: st}
	for _, id := range []string{"a", "b"} {
		if _, err := adm.PutRep(ctx, id, []byte(fmtRep(id))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := adm.SaveRuleSet(ctx, []byte(`{"fallbackOwner":"a","rules":[{"id":"r","pool":["a","b"],"strategy":"least_loaded"}],"scoring":{"gradeA":80,"gradeB":40}}`), 0); err != nil {
		t.Fatal(err)
	}
	svc = routing.NewService(st, st, now, time.Minute)
	d, routed, err := svc.Route(ctx, rc.LeadID)
	if err != nil || !routed || d.Chosen != "a" {
		t.Fatalf("route: %+v %v %v", d, routed, err)
	}
	mgr := lead.Actor{ID: "mgr-1", Role: "manager"}
	l, _, err := svc.Reassign(ctx, mgr, rc.LeadID, "b", "Ana is on leave", false)
	if err != nil || l.OwnerID != "b" || st.OpenCount("a") != 0 || st.OpenCount("b") != 1 {
		t.Fatalf("reassign: %+v %v; open a=%d b=%d", l, err, st.OpenCount("a"), st.OpenCount("b"))
	}
	// Re-route: b now carries one lead, so least-loaded picks a again.
	l, dec, err := svc.Reassign(ctx, mgr, rc.LeadID, "", "rebalance", false)
	if err != nil || dec == nil || l.OwnerID != "a" || st.OpenCount("a") != 1 || st.OpenCount("b") != 0 {
		t.Fatalf("re-route: %+v %+v %v", l, dec, err)
	}
	ds, _ := svc.Decisions(ctx, rc.LeadID)
	h, _ := st.History(ctx, rc.LeadID)
	if len(ds) != 2 || len(h) != 4 || lead.VerifyChain(h) != -1 || h[2].Actor != mgr || h[2].Reason != "Ana is on leave" {
		t.Fatalf("%d decisions, %d history entries, chain %d: %+v", len(ds), len(h), lead.VerifyChain(h), h)
	}
	other, _ := intake.Parse([]byte(`{"contact":{"name":"N","email":"n@x.com.br"},"company":{"name":"C"},"location":{"country":"BR"},"consent":{"lgpd":true}}`))
	rc2, _ := intake.NewService(st, intake.DefaultConfig, now).Submit(ctx, auth.Principal{Role: auth.RolePartner, PartnerID: "p1"}, other, "")
	if _, _, err := svc.Reassign(ctx, mgr, rc2.LeadID, "b", "x", false); !errors.Is(err, routing.ErrNotReassignable) {
		t.Fatalf("reassigning an unrouted lead: %v", err)
	}
}

func fmtRep(id string) string { return fmt.Sprintf(repJSON, id) }

func TestTeamsInPools(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memstore.New()
	adm := routing.Admin{Store: st}
	for _, id := range []string{"a", "b", "c"} {
		if _, err := adm.PutRep(ctx, id, []byte(fmtRep(id))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := adm.PutTeam(ctx, "sp", []byte(`{"id":"sp","name":"São Paulo","members":["b","c"]}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := adm.PutTeam(ctx, "x", []byte(`{"id":"x","name":"X","members":["nobody"]}`)); err == nil {
		t.Fatal("a team of unknown reps was accepted")
	}
	if _, err := adm.SaveRuleSet(ctx, []byte(`{"fallbackOwner":"m","rules":[{"id":"r","pool":["team:nope"],"strategy":"least_loaded"}]}`), 0); err == nil {
		t.Fatal("a pool naming an unknown team was accepted")
	}
	if _, err := adm.SaveRuleSet(ctx, []byte(`{"fallbackOwner":"a","rules":[{"id":"r","pool":["a","team:sp","b"],"strategy":"weighted_round_robin"}],"scoring":{"gradeA":80,"gradeB":40}}`), 0); err != nil {
		t.Fatal(err)
	}
	e, err := routing.LoadEngine(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if pool := e.RuleSet().Rules[0].Pool; fmt.Sprint(pool) != "[a b c]" {
		t.Fatalf("expanded pool %v, want [a b c]", pool)
	}
}

// A save resent because its answer was lost (the SDK retries, If-Match
// unchanged) finds its own write as the next version and is answered with
// it; a different rule set on the same stale version is still a conflict.
func TestRuleSetResendIsNotAConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memstore.New()
	adm := routing.Admin{Store: st}
	for _, id := range []string{"a", "b"} {
		if _, err := adm.PutRep(ctx, id, []byte(fmtRep(id))); err != nil {
			t.Fatal(err)
		}
	}
	first := []byte(`{"fallbackOwner":"a","rules":[{"id":"r","pool":["a"],"strategy":"least_loaded"}],"scoring":{"gradeA":80,"gradeB":40}}`)
	edit := []byte(`{"fallbackOwner":"a","rules":[{"id":"r","pool":["a","b"],"strategy":"weighted_round_robin"}],"scoring":{"gradeA":80,"gradeB":40}}`)
	other := []byte(`{"fallbackOwner":"b","rules":[{"id":"r","pool":["b"],"strategy":"least_loaded"}],"scoring":{"gradeA":80,"gradeB":40}}`)
	if rs, err := adm.SaveRuleSet(ctx, first, 0); err != nil || rs.Version != 1 {
		t.Fatalf("first save: version %d, %v", rs.Version, err)
	}
	if rs, err := adm.SaveRuleSet(ctx, edit, 1); err != nil || rs.Version != 2 {
		t.Fatalf("edit: version %d, %v", rs.Version, err)
	}
	rs, err := adm.SaveRuleSet(ctx, edit, 1)
	if err != nil || rs.Version != 2 {
		t.Fatalf("the resent edit: got version %d, %v; want version 2 again", rs.Version, err)
	}
	if cur, _ := st.RuleSet(ctx); cur.Version != 2 {
		t.Fatalf("after the resend the current version is %d, want 2 (no extra version)", cur.Version)
	}
	if _, err := adm.SaveRuleSet(ctx, other, 1); !errors.Is(err, routing.ErrRuleSetVersionTaken) {
		t.Fatalf("another rule set on the stale version: got %v, want ErrRuleSetVersionTaken", err)
	}
}
