// Package admin manages partners and API keys for every role.
package admin

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/fault"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Partner is a company that refers leads.
type Partner struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"createdAt"`
	// Program picks the partner's follow-up SLA policy; empty: the default.
	Program string `json:"program,omitempty"`
	// RateLimitPerMinute overrides the API's default for this partner:
	// 0 (absent) is the default, -1 no limit.
	RateLimitPerMinute int `json:"rateLimitPerMinute,omitempty"`
}

var ErrPartnerNotFound = fault.New(fault.NotFound, "not-found", "Not found", "no such partner")

// PartnerStore is what partner administration needs from storage.
type PartnerStore interface {
	PutPartner(ctx context.Context, p Partner) error
	GetPartner(ctx context.Context, id string) (Partner, error)       // ErrPartnerNotFound if absent
	ListPartners(ctx context.Context) ([]Partner, error)              // in no order
	SetRateLimit(ctx context.Context, id string, perMinute int) error // ErrPartnerNotFound if absent
}

// Service creates partners and mints, lists, disables and revokes keys.
type Service struct {
	Partners PartnerStore
	Keys     auth.KeyStore
	Uses     auth.KeyUses // optional: each key's last use in listings
	Now      func() time.Time
}

// Issued is a new key with its one-time token.
type Issued struct {
	Key   auth.Key `json:"key"`
	Token string   `json:"apiKey"`
}

// CreatePartner registers a partner and mints its first API key.
func (s Service) CreatePartner(ctx context.Context, name string) (Partner, Issued, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return Partner{}, Issued{}, validation.Field("name", "invalid", "is required, at most 200 characters")
	}
	now := s.Now().UTC()
	p := Partner{ID: "ptn_" + strings.ToLower(ulid.MustNew(ulid.Timestamp(now), rand.Reader).String()), Name: name, CreatedAt: now}
	if err := s.Partners.PutPartner(ctx, p); err != nil {
		return Partner{}, Issued{}, fmt.Errorf("create partner: %w", err)
	}
	iss, err := s.CreateKey(ctx, auth.RolePartner, p.ID, "", name+" default key")
	return p, iss, err
}

// ListPartners returns every partner, by name.
func (s Service) ListPartners(ctx context.Context) ([]Partner, error) {
	ps, err := s.Partners.ListPartners(ctx)
	if err != nil {
		return nil, fmt.Errorf("list partners: %w", err)
	}
	slices.SortFunc(ps, func(a, b Partner) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.ID, b.ID))
	})
	if ps == nil {
		ps = []Partner{}
	}
	return ps, nil
}

// MaxRateLimit bounds a partner's requests per minute.
const MaxRateLimit = 100_000

// SetRateLimit overrides the API's default request rate for a partner: 0
// goes back to the default, -1 lifts the limit.
func (s Service) SetRateLimit(ctx context.Context, partnerID string, perMinute int) error {
	if perMinute < -1 || perMinute > MaxRateLimit {
		return validation.Field("perMinute", "out_of_range", "must be -1 (no limit), 0 (the default) or up to %d", MaxRateLimit)
	}
	return s.Partners.SetRateLimit(ctx, partnerID, perMinute)
}

// CreateKey mints a key for a role. Partner keys need an existing partner.
func (s Service) CreateKey(ctx context.Context, role auth.Role, partnerID, subjectID, name string) (Issued, error) {
	if _, err := auth.ParseRole(string(role)); err != nil {
		return Issued{}, validation.Field("role", "invalid", "%s", err.Error())
	}
	if role == auth.RolePartner {
		if strings.TrimSpace(partnerID) == "" {
			return Issued{}, validation.Field("partnerId", "required", "a partner key names its partner")
		}
		if _, err := s.Partners.GetPartner(ctx, partnerID); err != nil {
			if errors.Is(err, ErrPartnerNotFound) {
				return Issued{}, validation.Field("partnerId", "invalid", "no such partner")
			}
			return Issued{}, fmt.Errorf("create key: %w", err)
		}
	}
	k, token, err := auth.NewKey(role, partnerID, subjectID, strings.TrimSpace(name), s.Now().UTC())
	if err != nil {
		return Issued{}, validation.Field("partnerId", "invalid", "%s", err.Error())
	}
	if err := s.Keys.PutKey(ctx, k); err != nil {
		return Issued{}, fmt.Errorf("store key %s: %w", k.ID, err)
	}
	return Issued{Key: k, Token: token}, nil
}

// ListKeys returns every key, without secrets, with its last use.
func (s Service) ListKeys(ctx context.Context) ([]auth.Key, error) {
	keys, err := s.Keys.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	return auth.WithLastUse(ctx, s.Uses, keys)
}

// SetKeyStatus disables, enables or revokes a key; it takes effect on the
// next request, since every request reads the key.
func (s Service) SetKeyStatus(ctx context.Context, id, status string) (auth.Key, error) {
	switch status {
	case auth.KeyActive, auth.KeyDisabled, auth.KeyRevoked:
	default:
		return auth.Key{}, validation.Field("status", "invalid", "must be active, disabled or revoked")
	}
	if status != auth.KeyActive {
		if err := s.keepAnAdmin(ctx, id); err != nil {
			return auth.Key{}, err
		}
	}
	return s.Keys.SetKeyStatus(ctx, id, status, s.Now().UTC())
}

// ErrLastAdmin: disabling or revoking this key would leave no active admin
// key, and nobody could administer the API any more.
var ErrLastAdmin = fault.New(fault.Conflict, "last-admin-key", "The last admin key",
	"this is the last active admin key: create another admin key first (leadctl key create --role admin is the way in when none is left)")

// keepAnAdmin refuses to take away the last active admin key.
func (s Service) keepAnAdmin(ctx context.Context, id string) error {
	keys, err := s.Keys.ListKeys(ctx)
	if err != nil {
		return fmt.Errorf("list keys: %w", err)
	}
	target, others := false, 0
	for _, k := range keys {
		if k.Role != auth.RoleAdmin || k.Status != auth.KeyActive {
			continue
		}
		if k.ID == id {
			target = true
		} else {
			others++
		}
	}
	if target && others == 0 {
		return ErrLastAdmin
	}
	return nil
}
