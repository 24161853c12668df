package notify

import (
	"crypto/rand"
	"encoding/base64"
	"slices"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/partnerleads/pipeline/shared/domain/fault"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Webhook is one of a partner's endpoints. Secrets are shown to the partner
// once, when created or rotated; during a rotation two are active and every
// delivery is signed with both.
type Webhook struct {
	ID        string    `json:"id"`
	PartnerID string    `json:"partnerId"`
	URL       string    `json:"url"`
	Events    []string  `json:"events,omitempty"` // empty: every event type
	Secrets   []Secret  `json:"secrets"`
	CreatedAt time.Time `json:"createdAt"`
}

// Secret is a signing secret; ExpiresAt is set on the old one of a rotation.
type Secret struct {
	ID        string     `json:"id"`
	Value     string     `json:"value"`
	CreatedAt time.Time  `json:"createdAt"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
}

// ErrNoWebhook: no such webhook for this partner.
var ErrNoWebhook = fault.New(fault.NotFound, "not-found", "Not found", "no such webhook")

// EventTypes a webhook can subscribe to.
var EventTypes = []string{lead.EventLeadCreated, lead.EventLeadAssigned, lead.EventLeadStatusChanged, lead.EventLeadTouched,
	lead.EventDisputeFiled, lead.EventDisputeAnswered}

func newSecret(now time.Time) Secret {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return Secret{ID: strings.ToLower(ulid.MustNew(ulid.Timestamp(now), rand.Reader).String()), Value: "whsec_" + base64.RawURLEncoding.EncodeToString(b), CreatedAt: now}
}

// NewWebhook validates and creates an endpoint with its first secret.
func NewWebhook(tg Targets, partnerID, url string, events []string, now time.Time) (Webhook, error) {
	var ve validation.Error
	if err := tg.CheckURL(url); err != nil {
		ve.Add("url", "unsafe_url", "%s", err.Error())
	}
	for _, e := range events {
		if !slices.Contains(EventTypes, e) {
			ve.Add("events", "invalid_enum", "%q is not an event type (%s)", e, strings.Join(EventTypes, ", "))
		}
	}
	if err := ve.OrNil(); err != nil {
		return Webhook{}, err
	}
	return Webhook{ID: "wh_" + strings.ToLower(ulid.MustNew(ulid.Timestamp(now), rand.Reader).String()), PartnerID: partnerID,
		URL: url, Events: events, Secrets: []Secret{newSecret(now)}, CreatedAt: now}, nil
}

// Wants reports whether the webhook subscribes to an event type.
func (w Webhook) Wants(eventType string) bool {
	return len(w.Events) == 0 || slices.Contains(w.Events, eventType)
}

// Active returns the secret values valid at now, newest first.
func (w Webhook) Active(now time.Time) []string {
	var out []string
	for i := len(w.Secrets) - 1; i >= 0; i-- {
		if s := w.Secrets[i]; s.ExpiresAt == nil || now.Before(*s.ExpiresAt) {
			out = append(out, s.Value)
		}
	}
	return out
}

// Rotate adds a new secret and lets the current ones expire after overlap.
func (w Webhook) Rotate(now time.Time, overlap time.Duration) (Webhook, Secret) {
	exp := now.Add(overlap)
	var kept []Secret
	for _, s := range w.Secrets {
		if s.ExpiresAt == nil || now.Before(*s.ExpiresAt) {
			if s.ExpiresAt == nil || s.ExpiresAt.After(exp) {
				s.ExpiresAt = &exp
			}
			kept = append(kept, s)
		}
	}
	fresh := newSecret(now)
	w.Secrets = append(kept, fresh)
	return w, fresh
}

// Public is the webhook without secret values, for listings.
func (w Webhook) Public() Webhook {
	w.Secrets = slices.Clone(w.Secrets)
	for i := range w.Secrets {
		w.Secrets[i].Value = ""
	}
	return w
}
