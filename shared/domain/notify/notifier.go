package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Channel is a chat incoming webhook (Slack, Teams: channel_kinds.go) for
// channel managers.
type Channel struct {
	ID     string   `json:"id"`
	Kind   string   `json:"kind"` // one of ChannelKindNames
	URL    string   `json:"url"`
	Events []string `json:"events,omitempty"`
}

// Prefs are a partner's notification preferences.
type Prefs struct {
	PartnerID string   `json:"partnerId"`
	Email     string   `json:"email,omitempty"`
	Language  string   `json:"language,omitempty"` // pt-BR (default) or en
	Mode      string   `json:"mode"`               // immediate | digest | off
	Events    []string `json:"events,omitempty"`   // empty: every event type
}

// Config is where notification settings live.
type Config interface {
	Webhooks(ctx context.Context, partnerID string) ([]Webhook, error)
	Prefs(ctx context.Context, partnerID string) (Prefs, bool, error)
	Channels(ctx context.Context) ([]Channel, error)
	RepEmail(ctx context.Context, repID string) (string, error) // "" if none
	// Escalation is where the partner's SLA policy sends escalations.
	Escalation(ctx context.Context, partnerID string) ([]string, error)
}

// Deliveries remembers what reached each target, so a redelivered event
// does not notify anyone twice by email or chat.
type Deliveries interface {
	Delivered(ctx context.Context, eventID, target string) (bool, error)
	Record(ctx context.Context, eventID string, a Attempt, at time.Time) error
}

// Mailer sends a plain-text email.
type Mailer interface {
	Send(ctx context.Context, to, subject, text string) error
}

// Notifier fans an event out to its targets.
type Notifier struct {
	Config     Config
	Deliveries Deliveries
	Mail       Mailer
	Send       Sender
	Log        *slog.Logger
	Now        func() time.Time
	// Partner is what partners' webhooks and emails show of the sales side
	// (lead.PartnerView); the team's own channels get events whole.
	Partner lead.PartnerView
}

// Handle delivers ev to every target that wants it and has not had it yet.
// With replay, webhooks get it again even if delivered (partners ask for
// it). It reports whether a retryable failure is left for a later attempt.
func (n Notifier) Handle(ctx context.Context, ev lead.Event, replay bool) (retry bool, err error) {
	body, err := json.Marshal(n.Partner.Event(ev))
	if err != nil {
		return false, fmt.Errorf("marshal event %s: %w", ev.ID, err)
	}
	type job struct {
		target string
		run    func() Attempt
	}
	var jobs []job
	hooks, err := n.Config.Webhooks(ctx, ev.PartnerID)
	if err != nil {
		return true, fmt.Errorf("read webhooks: %w", err)
	}
	for _, w := range hooks {
		if w.Wants(ev.Type) {
			jobs = append(jobs, job{"webhook:" + w.ID, func() Attempt { return n.Send.Webhook(ctx, w, ev.ID, body) }})
		}
	}
	if !replay {
		more, err := n.otherJobs(ctx, ev)
		if err != nil {
			return true, err
		}
		for _, m := range more {
			jobs = append(jobs, job{m.Target, m.run})
		}
	}
	for _, j := range jobs {
		if !replay || !strings.HasPrefix(j.target, "webhook:") {
			done, err := n.Deliveries.Delivered(ctx, ev.ID, j.target)
			if err != nil {
				return true, fmt.Errorf("read delivery: %w", err)
			}
			if done {
				continue
			}
		}
		a := j.run()
		n.Log.InfoContext(ctx, "delivery attempt", "eventId", ev.ID, "target", a.Target, "status", a.Status,
			"ms", a.Latency.Milliseconds(), "delivered", a.Delivered, "retryable", a.Retryable, "error", a.Error)
		if err := n.Deliveries.Record(ctx, ev.ID, a, n.Now()); err != nil {
			return true, fmt.Errorf("record delivery: %w", err)
		}
		retry = retry || (!a.Delivered && a.Retryable)
	}
	return retry, nil
}

type otherJob struct {
	Target string
	run    func() Attempt
}

// otherJobs are the email and chat notices of an event.
func (n Notifier) otherJobs(ctx context.Context, ev lead.Event) ([]otherJob, error) {
	var jobs []otherJob
	mail := func(target, to, subject, text string) otherJob {
		return otherJob{target, func() Attempt {
			start := time.Now()
			err := n.Mail.Send(ctx, to, subject, text)
			a := Attempt{Target: target, Latency: time.Since(start), Delivered: err == nil, Retryable: err != nil}
			if err != nil {
				a.Error = err.Error()
			}
			return a
		}}
	}
	p, ok, err := n.Config.Prefs(ctx, ev.PartnerID)
	if err != nil {
		return nil, fmt.Errorf("read preferences: %w", err)
	}
	d := detailOf(ev)
	// A retry to route a lead nobody owns is the team's problem, not news
	// for the partner's inbox (webhooks still get the event).
	retrying := ev.Type == lead.EventLeadStale && d.Action == "reroute"
	// Touches come often: they reach the partner's inbox only when its
	// preferences name lead.touched.
	wanted := slices.Contains(p.Events, ev.Type) || (len(p.Events) == 0 && ev.Type != lead.EventLeadTouched)
	if ok && p.Mode == "immediate" && p.Email != "" && ev.Type != lead.EventLeadCreated && !retrying && wanted {
		subject, text := Email(p.Language, n.Partner.Event(ev))
		jobs = append(jobs, mail("email:partner", p.Email, subject, text))
	}
	toOwner := ev.Type == lead.EventLeadAssigned || ev.Type == lead.EventLeadRecalled || (ev.Type == lead.EventLeadStale && d.Action == "remind")
	if toOwner && d.OwnerID != "" {
		to, err := n.Config.RepEmail(ctx, d.OwnerID)
		if err != nil {
			return nil, fmt.Errorf("read rep: %w", err)
		}
		if to != "" {
			subject, text := RepEmail(PtBR, ev)
			jobs = append(jobs, mail("email:rep:"+d.OwnerID, to, subject, text))
		}
	}
	if ev.Type == lead.EventLeadStale && d.Action == "escalate" {
		managers, err := n.Config.Escalation(ctx, ev.PartnerID)
		if err != nil {
			return nil, fmt.Errorf("read escalation: %w", err)
		}
		for i, to := range managers {
			subject, text := EscalationEmail(ev)
			jobs = append(jobs, mail(fmt.Sprintf("email:escalation:%d", i), to, subject, text))
		}
	}
	chans, err := n.Config.Channels(ctx)
	if err != nil {
		return nil, fmt.Errorf("read channels: %w", err)
	}
	for _, c := range chans {
		if len(c.Events) == 0 || slices.Contains(c.Events, ev.Type) {
			target := "channel:" + c.ID
			kind, err := lookupChannelKind(c.Kind)
			if err != nil { // stored before its kind was unregistered: a failed attempt, not retryable
				jobs = append(jobs, otherJob{target, func() Attempt { return Attempt{Target: target, Error: err.Error()} }})
				continue
			}
			jobs = append(jobs, otherJob{target, func() Attempt { return n.Send.JSON(ctx, target, c.URL, channelMessage(kind, ev)) }})
		}
	}
	return jobs, nil
}
