package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
)

// DigestSource lists partners who want a daily digest and reads their
// events since a feed cursor.
type DigestSource interface {
	AllPrefs(ctx context.Context) ([]Prefs, error)
	Feed(ctx context.Context, partnerID, after string, limit int) (lifecycle.FeedPage, error)
}

// DigestMail renders one partner's digest of the day's events.
func DigestMail(lang string, day string, evs []lead.Event) (subject, text string) {
	var b strings.Builder
	if lang == En {
		subject = fmt.Sprintf("Your leads on %s: %d updates", day, len(evs))
		b.WriteString("Hello,\n\nwhat happened to the leads you referred:\n\n")
	} else {
		lang = PtBR
		subject = fmt.Sprintf("Seus leads em %s: %d atualizações", day, len(evs))
		b.WriteString("Olá,\n\no que aconteceu com os leads que você indicou:\n\n")
	}
	for _, ev := range evs {
		if isDispute(ev) {
			fmt.Fprintf(&b, "- %s  %s\n", ev.OccurredAt.Format("15:04"), disputeLine(lang, ev))
			continue
		}
		d := detailOf(ev)
		fmt.Fprintf(&b, "- %s  lead %s: %s", ev.OccurredAt.Format("15:04"), ev.LeadID, label(lang, d.To))
		if d.Reason != "" {
			b.WriteString(" (" + d.Reason + ")")
		}
		b.WriteString("\n")
	}
	return subject, b.String()
}

// digestParallel is how many partners' digests are read and mailed at once.
const digestParallel = 8

// SendDigests mails each digest partner the events of the 24 hours before
// now, several partners at once. The delivery record "digest:<day>" makes a
// re-run send nothing twice, so a run that could not mail everyone answers
// an error and the schedule's retry sends only the rest.
func (n Notifier) SendDigests(ctx context.Context, src DigestSource, now time.Time) (sent int, err error) {
	prefs, err := src.AllPrefs(ctx)
	if err != nil {
		return 0, fmt.Errorf("read preferences: %w", err)
	}
	day := now.UTC().Format(time.DateOnly)
	var (
		mu    sync.Mutex
		errs  []error
		wg    sync.WaitGroup
		slots = make(chan struct{}, digestParallel)
	)
	for _, p := range prefs {
		if p.Mode != "digest" || p.Email == "" {
			continue
		}
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			mailed, err := n.digestOne(ctx, src, p, day, now)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("digest of %s: %w", p.PartnerID, err))
			}
			if mailed {
				sent++
			}
		})
	}
	wg.Wait()
	return sent, errors.Join(errs...)
}

// digestOne mails one partner's digest of the day, unless it was mailed
// already or there is nothing to tell.
func (n Notifier) digestOne(ctx context.Context, src DigestSource, p Prefs, day string, now time.Time) (bool, error) {
	key := "digest-" + p.PartnerID + "-" + day
	if done, err := n.Deliveries.Delivered(ctx, key, "email:partner"); err != nil || done {
		return false, err
	}
	// The 24 hours end a settle window before now (lead.SettleWindow), so
	// an event still committing is in tomorrow's digest, not in neither.
	until := now.Add(-lead.SettleWindow)
	var evs []lead.Event
	for cursor := lifecycle.EncodeCursor(lifecycle.FeedKey(lead.Event{OccurredAt: until.Add(-24 * time.Hour)})); ; {
		page, err := src.Feed(ctx, p.PartnerID, cursor, 500)
		if err != nil {
			return false, fmt.Errorf("read feed: %w", err)
		}
		page = lifecycle.Settled(page, until)
		for _, ev := range page.Events {
			if ev.Type != lead.EventLeadCreated && (len(p.Events) == 0 || slices.Contains(p.Events, ev.Type)) {
				evs = append(evs, n.Partner.Event(ev))
			}
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	if len(evs) == 0 {
		return false, nil
	}
	subject, text := DigestMail(p.Language, day, evs)
	start := time.Now()
	err := n.Mail.Send(ctx, p.Email, subject, text)
	a := Attempt{Target: "email:partner", Latency: time.Since(start), Delivered: err == nil, Retryable: err != nil}
	if err != nil {
		a.Error = err.Error()
	}
	n.Log.InfoContext(ctx, "digest", "partnerId", p.PartnerID, "events", len(evs), "delivered", a.Delivered)
	if rerr := n.Deliveries.Record(ctx, key, a, now); rerr != nil {
		return false, rerr
	}
	if err != nil {
		return false, fmt.Errorf("mail: %w (a retry sends it)", err)
	}
	return true, nil
}
