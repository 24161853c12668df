package notify

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Store is where notification settings are written.
type Store interface {
	Config
	PutWebhook(ctx context.Context, w Webhook) error
	DeleteWebhook(ctx context.Context, partnerID, id string) error // ErrNoWebhook
	PutPrefs(ctx context.Context, p Prefs) error
	PutChannel(ctx context.Context, c Channel) error
}

// RotationOverlap is how long the old secret keeps signing after a rotation.
const RotationOverlap = 24 * time.Hour

// Admin manages webhooks and preferences (partners, for themselves) and
// channels (admins).
type Admin struct {
	Store   Store
	Targets Targets
	Now     func() time.Time
}

// CreateWebhook registers an endpoint; the secret is returned only here.
func (a Admin) CreateWebhook(ctx context.Context, partnerID, url string, events []string) (Webhook, error) {
	hooks, err := a.Store.Webhooks(ctx, partnerID)
	if err != nil {
		return Webhook{}, err
	}
	if len(hooks) >= 10 {
		return Webhook{}, validation.Field("url", "too_many", "at most 10 webhooks per partner")
	}
	w, err := NewWebhook(a.Targets, partnerID, url, events, a.Now().UTC())
	if err != nil {
		return Webhook{}, err
	}
	return w, a.Store.PutWebhook(ctx, w)
}

// RotateWebhook adds a secret; the old one signs for RotationOverlap more.
func (a Admin) RotateWebhook(ctx context.Context, partnerID, id string) (Secret, error) {
	hooks, err := a.Store.Webhooks(ctx, partnerID)
	if err != nil {
		return Secret{}, err
	}
	i := slices.IndexFunc(hooks, func(w Webhook) bool { return w.ID == id })
	if i < 0 {
		return Secret{}, ErrNoWebhook
	}
	w, fresh := hooks[i].Rotate(a.Now().UTC(), RotationOverlap)
	if err := a.Store.PutWebhook(ctx, w); err != nil {
		return Secret{}, err
	}
	return fresh, nil
}

// PutPrefs validates and saves a partner's preferences.
func (a Admin) PutPrefs(ctx context.Context, p Prefs) (Prefs, error) {
	var ve validation.Error
	if p.Email != "" {
		if addr, err := mail.ParseAddress(p.Email); err != nil || addr.Address != p.Email {
			ve.Add("email", "invalid_email", "is not a valid email address")
		}
	}
	if p.Language == "" {
		p.Language = PtBR
	}
	if p.Language != PtBR && p.Language != En {
		ve.Add("language", "invalid_enum", "must be pt-BR or en")
	}
	if !slices.Contains([]string{"immediate", "digest", "off"}, p.Mode) {
		ve.Add("mode", "invalid_enum", "must be immediate, digest or off")
	}
	if p.Mode != "off" && p.Email == "" {
		ve.Add("email", "required", "is required unless mode is off")
	}
	for _, e := range p.Events {
		if !slices.Contains(EventTypes, e) {
			ve.Add("events", "invalid_enum", "%q is not an event type", e)
		}
	}
	if err := ve.OrNil(); err != nil {
		return Prefs{}, err
	}
	return p, a.Store.PutPrefs(ctx, p)
}

// PutChannel validates and saves a chat channel (channel_kinds.go).
func (a Admin) PutChannel(ctx context.Context, c Channel) (Channel, error) {
	if err := c.Validate(a.Targets); err != nil {
		return Channel{}, err
	}
	if err := a.Store.PutChannel(ctx, c); err != nil {
		return Channel{}, fmt.Errorf("store channel %s: %w", c.ID, err)
	}
	return c, nil
}

// Validate checks a chat channel: its id, a registered kind, a URL the
// targets allow, and known event types.
func (c Channel) Validate(tg Targets) error {
	var ve validation.Error
	if c.ID == "" || len(c.ID) > 64 || strings.ContainsAny(c.ID, "#/ ") {
		ve.Add("id", "invalid", "is required: up to 64 characters, no '#', '/' or spaces")
	}
	if _, err := lookupChannelKind(c.Kind); err != nil {
		ve.Add("kind", "invalid_enum", "%s", channelKindChoices())
	}
	if err := tg.CheckURL(c.URL); err != nil {
		ve.Add("url", "unsafe_url", "%s", err.Error())
	}
	for _, e := range c.Events {
		if !slices.Contains(EventTypes, e) {
			ve.Add("events", "invalid_enum", "%q is not an event type", e)
		}
	}
	return ve.OrNil()
}
