package intake_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/testkit/memstore"
)

const body = `{"contact":{"name":"Maria","email":"maria@example.com.br","phone":"+55 11 91234-5678"},
"company":{"name":"Exemplo","domain":"example.com.br","taxId":"11.222.333/0001-81"},
"location":{"country":"BR"},"consent":{"lgpd":true}}`

type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time      { return time.Unix(0, c.t.Load()).UTC() }
func (c *clock) add(d time.Duration) { c.t.Add(int64(d)) }
func newClock(t time.Time) *clock    { c := &clock{}; c.t.Store(t.UnixNano()); return c }
func partner(id string) auth.Principal {
	return auth.Principal{KeyID: "k-" + id, Role: auth.RolePartner, PartnerID: id}
}

func setup(t *testing.T) (*intake.Service, *clock) {
	t.Helper()
	c := newClock(time.Date(2026, 3, 1, 22, 30, 0, 0, time.UTC))
	return intake.NewService(memstore.New(), intake.DefaultConfig, c.now), c
}

func parse(t *testing.T, s string) intake.Normalised {
	t.Helper()
	n, err := intake.Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSubmitOutcomes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := partner("ptn_a"), partner("ptn_b")
	tests := []struct {
		name  string
		steps func(t *testing.T, s *intake.Service, c *clock, first intake.Receipt)
	}{
		{"same partner again is a duplicate naming the lead", func(t *testing.T, s *intake.Service, _ *clock, first intake.Receipt) {
			_, err := s.Submit(ctx, a, parse(t, strings.Replace(body, "Maria", "Mariana", 1)), "")
			var dup *intake.DuplicateError
			if !errors.As(err, &dup) || dup.LeadID != first.LeadID {
				t.Fatalf("err = %v, want duplicate of %s", err, first.LeadID)
			}
		}},
		{"one shared identity value is enough", func(t *testing.T, s *intake.Service, _ *clock, first intake.Receipt) {
			only := `{"contact":{"name":"Other","phone":"+55 11 91234-5678"},"company":{"name":"X"},"location":{"country":"BR"},"consent":{"lgpd":true}}`
			_, err := s.Submit(ctx, a, parse(t, only), "")
			var dup *intake.DuplicateError
			if !errors.As(err, &dup) {
				t.Fatalf("err = %v, want duplicate", err)
			}
		}},
		{"another partner inside the window is refused without naming anyone", func(t *testing.T, s *intake.Service, c *clock, _ intake.Receipt) {
			c.add(89 * 24 * time.Hour)
			_, err := s.Submit(ctx, b, parse(t, body), "")
			if !errors.Is(err, intake.ErrAlreadyRegistered) || strings.Contains(err.Error(), "ptn_a") {
				t.Fatalf("err = %v, want ErrAlreadyRegistered", err)
			}
		}},
		{"another partner after the window is accepted", func(t *testing.T, s *intake.Service, c *clock, _ intake.Receipt) {
			c.add(91 * 24 * time.Hour)
			if _, err := s.Submit(ctx, b, parse(t, body), ""); err != nil {
				t.Fatalf("err = %v", err)
			}
		}},
		{"same key, same lead replays the first answer", func(t *testing.T, s *intake.Service, c *clock, first intake.Receipt) {
			c.add(time.Hour)
			r, err := s.Submit(ctx, a, parse(t, strings.Replace(body, `"BR"`, `"bra"`, 1)), "key-1")
			if err != nil || !r.Replayed || r.LeadID != first.LeadID || !r.ReceivedAt.Equal(first.ReceivedAt) {
				t.Fatalf("replay = %+v, %v", r, err)
			}
		}},
		{"same key, other body is refused", func(t *testing.T, s *intake.Service, _ *clock, _ intake.Receipt) {
			_, err := s.Submit(ctx, a, parse(t, strings.Replace(body, "Maria", "Joana", 1)), "key-1")
			if !errors.Is(err, intake.ErrIdempotencyMismatch) {
				t.Fatalf("err = %v", err)
			}
		}},
		{"same key from another partner is that partner's own key", func(t *testing.T, s *intake.Service, c *clock, _ intake.Receipt) {
			c.add(91 * 24 * time.Hour)
			r, err := s.Submit(ctx, b, parse(t, body), "key-1")
			if err != nil || r.Replayed {
				t.Fatalf("r = %+v, %v", r, err)
			}
		}},
		{"key expires after its TTL", func(t *testing.T, s *intake.Service, c *clock, _ intake.Receipt) {
			c.add(49 * time.Hour)
			_, err := s.Submit(ctx, a, parse(t, body), "key-1")
			var dup *intake.DuplicateError
			if !errors.As(err, &dup) {
				t.Fatalf("after expiry the request is new again and a duplicate: %v", err)
			}
		}},
		{"only partner keys submit", func(t *testing.T, s *intake.Service, _ *clock, _ intake.Receipt) {
			_, err := s.Submit(ctx, auth.Principal{Role: auth.RoleManager, SubjectID: "m"}, parse(t, body), "")
			if !errors.Is(err, auth.ErrForbidden) {
				t.Fatalf("err = %v", err)
			}
		}},
		{"partners read only their own leads", func(t *testing.T, s *intake.Service, _ *clock, first intake.Receipt) {
			if l, err := s.Get(ctx, a, first.LeadID); err != nil || l.Status != lead.StatusNew || l.Version != 1 {
				t.Fatalf("own lead: %+v %v", l, err)
			}
			if _, err := s.Get(ctx, b, first.LeadID); !errors.Is(err, lead.ErrNotFound) {
				t.Fatalf("other partner: %v", err)
			}
			if _, err := s.Get(ctx, auth.Principal{Role: auth.RoleRep, SubjectID: "rep-1"}, first.LeadID); !errors.Is(err, lead.ErrNotFound) {
				t.Fatalf("rep not owning it: %v", err)
			}
			if _, err := s.Get(ctx, auth.Principal{Role: auth.RoleManager, SubjectID: "m"}, first.LeadID); err != nil {
				t.Fatalf("manager: %v", err)
			}
		}},
		{"listing is scoped to the caller", func(t *testing.T, s *intake.Service, _ *clock, first intake.Receipt) {
			p, err := s.List(ctx, b, intake.ListQuery{PartnerID: "ptn_a"})
			if err != nil || len(p.Leads) != 0 {
				t.Fatalf("partner b listing a's leads: %d %v", len(p.Leads), err)
			}
			p, err = s.List(ctx, auth.Principal{Role: auth.RoleManager}, intake.ListQuery{PartnerID: "ptn_a"})
			if err != nil || len(p.Leads) != 1 || p.Leads[0].ID != first.LeadID {
				t.Fatalf("manager listing: %+v %v", p, err)
			}
			if _, err := s.List(ctx, auth.Principal{Role: auth.RoleFinance}, intake.ListQuery{}); !errors.Is(err, auth.ErrForbidden) {
				t.Fatalf("finance: %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := setup(t)
			first, err := s.Submit(ctx, a, parse(t, body), "key-1")
			if err != nil || first.Status != lead.StatusNew || first.Replayed {
				t.Fatalf("first submit: %+v, %v", first, err)
			}
			tt.steps(t, s, c, first)
		})
	}
}

func TestConcurrentSubmissionsYieldOneLead(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	n := parse(t, body)
	var (
		wg       sync.WaitGroup
		accepted atomic.Int32
		refused  atomic.Int32
	)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Submit(context.Background(), partner("ptn_"+string(rune('a'+i%3))), n, "")
			var dup *intake.DuplicateError
			switch {
			case err == nil:
				accepted.Add(1)
			case errors.As(err, &dup), errors.Is(err, intake.ErrAlreadyRegistered):
				refused.Add(1)
			default:
				t.Errorf("Submit: %v", err)
			}
		}()
	}
	wg.Wait()
	if accepted.Load() != 1 || refused.Load() != 19 {
		t.Fatalf("accepted %d, refused %d", accepted.Load(), refused.Load())
	}
}

// A free mailbox provider's domain claims nothing: two partners' leads at
// gmail.com (or uol.com.br) are not one registration. A company domain, and
// one a deployment adds to the list, behave as they should.
func TestFreeMailDomainsNeverClaim(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _ := setup(t)
	cfg := intake.DefaultConfig
	cfg.FreeMail = intake.NewFreeMail("Provedor.example")
	custom := intake.NewService(memstore.New(), cfg, func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) })
	sub := func(s *intake.Service, partnerID, email, domain string) error {
		n, err := intake.Parse([]byte(`{"contact":{"name":"N","email":"` + email + `"},"company":{"name":"C","domain":"` + domain + `"},"location":{"country":"BR"},"consent":{"lgpd":true}}`))
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Submit(ctx, partner(partnerID), n, "")
		return err
	}
	for _, c := range []struct {
		s      *intake.Service
		domain string
		free   bool
	}{
		{svc, "gmail.com", true}, {svc, "uol.com.br", true}, {svc, "www.hotmail.com", true},
		{svc, "exemplo.com.br", false}, {custom, "provedor.example", true}, {custom, "outlook.com", true},
	} {
		if err := sub(c.s, "ptn_a", "ana@"+c.domain, c.domain); err != nil {
			t.Fatalf("first lead at %s: %v", c.domain, err)
		}
		err := sub(c.s, "ptn_b", "bruno@"+c.domain, c.domain)
		if blocked := errors.Is(err, intake.ErrAlreadyRegistered); blocked == c.free || (c.free && err != nil) {
			t.Errorf("another partner's lead at %s: %v (free mail: %v)", c.domain, err, c.free)
		}
	}
}

// A sync listing (updatedSince) stops a settle window before now, so an
// update still committing is never behind the caller's cursor; a plain
// listing shows everything.
func TestSyncListingsStopAtTheSettleWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := setup(t)
	p := partner("ptn_sync")
	start := c.now()
	var ids []string
	for i := range 3 {
		one := fmt.Sprintf(`{"contact":{"name":"Lead %d","email":"lead%d@company%d.example"},"company":{"name":"C%d"},"location":{"country":"BR"},"consent":{"lgpd":true}}`, i, i, i, i)
		r, err := s.Submit(ctx, p, parse(t, one), "")
		if err != nil {
			t.Fatalf("submit %d: %v", i, err)
		}
		ids = append(ids, r.LeadID)
		c.add(4 * time.Second) // the leads are 8, 4 and 0 s old at the end
	}
	c.add(-4 * time.Second)
	all, err := s.List(ctx, p, intake.ListQuery{Limit: 10})
	if err != nil || len(all.Leads) != 3 {
		t.Fatalf("plain listing: %d leads, %v", len(all.Leads), err)
	}
	c.add(lead.SettleWindow - 5*time.Second) // now the first is past the window, the others not yet
	sync, err := s.List(ctx, p, intake.ListQuery{Limit: 10, UpdatedSince: start})
	if err != nil || len(sync.Leads) != 1 || sync.Leads[0].ID != ids[0] || sync.NextCursor == "" {
		t.Fatalf("sync listing: %+v %v, want %s alone and a cursor after it", sync, err, ids[0])
	}
	c.add(10 * time.Second)
	rest, err := s.List(ctx, p, intake.ListQuery{Limit: 10, UpdatedSince: start, Cursor: sync.NextCursor})
	if err != nil || len(rest.Leads) != 2 || rest.Leads[0].ID != ids[1] {
		t.Fatalf("the rest, once settled: %+v %v", rest, err)
	}
}
