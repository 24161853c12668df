package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/partnerleads/pipeline/shared/domain/fault"
)

// Key states. Disabled keys can be enabled again; revoked keys cannot.
const (
	KeyActive   = "active"
	KeyDisabled = "disabled"
	KeyRevoked  = "revoked"
)

var KeyStatuses = []string{KeyActive, KeyDisabled, KeyRevoked}

const tokenPrefix = "plk_"

var (
	ErrUnauthenticated = fault.New(fault.Unauthenticated, "unauthenticated", "Unauthenticated", "send a valid, active API key as 'Authorization: Bearer <key>'")
	ErrForbidden       = fault.New(fault.Forbidden, "forbidden", "Forbidden", "this key's role may not do this")
	ErrKeyNotFound     = fault.New(fault.NotFound, "not-found", "Not found", "no such key")
	ErrKeyRevoked      = fault.New(fault.Conflict, "conflict", "Conflict", "key is revoked")
)

// Key is a stored API key: the secret itself is never kept, only its hash.
type Key struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	PartnerID string    `json:"partnerId,omitempty"`
	SubjectID string    `json:"subjectId,omitempty"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// LastUsedAt is when the key last authenticated a request, to the
	// hour (KeyUseGranularity); nil if never.
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
	Hash       string     `json:"-"`
}

// KeyUseGranularity is how stale a key's LastUsedAt may be: a key is
// marked used at most once per period, not on every request.
const KeyUseGranularity = time.Hour

// NewKey mints a key. The returned token is shown once and never stored.
// Tokens are 256-bit random secrets, so a plain SHA-256 is a sound hash:
// there is nothing for a slow password hash to protect against.
func NewKey(role Role, partnerID, subjectID, name string, now time.Time) (Key, string, error) {
	if role == RolePartner && partnerID == "" {
		return Key{}, "", errors.New("a partner key needs a partner id")
	}
	if role != RolePartner && partnerID != "" {
		return Key{}, "", fmt.Errorf("a %s key cannot belong to a partner", role)
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return Key{}, "", fmt.Errorf("mint key: %w", err)
	}
	id := strings.ToLower(ulid.MustNew(ulid.Timestamp(now), rand.Reader).String())
	token := tokenPrefix + id + "." + base64.RawURLEncoding.EncodeToString(secret)
	return Key{
		ID: id, Name: name, Role: role, PartnerID: partnerID, SubjectID: subjectID,
		Status: KeyActive, CreatedAt: now, UpdatedAt: now, Hash: hashToken(token),
	}, token, nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// parseToken returns the key id a token names.
func parseToken(token string) (string, bool) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok {
		return "", false
	}
	id, secret, ok := strings.Cut(rest, ".")
	if !ok || len(id) != 26 || len(secret) != 43 {
		return "", false
	}
	return id, true
}

// KeyStore is what authentication and key administration need from storage.
type KeyStore interface {
	GetKey(ctx context.Context, id string) (Key, error) // ErrKeyNotFound if absent
	PutKey(ctx context.Context, k Key) error
	ListKeys(ctx context.Context) ([]Key, error)
	// SetKeyStatus changes a key's status; it returns ErrKeyRevoked for a
	// revoked key, which stays revoked.
	SetKeyStatus(ctx context.Context, id, status string, at time.Time) (Key, error)
}

// KeyUses records when keys authenticate requests. They are kept apart
// from the keys, where every function serving the API may write.
type KeyUses interface {
	// MarkKeyUsed records a use at at, unless one at or after since is
	// recorded already (another instance marked it meanwhile).
	MarkKeyUsed(ctx context.Context, id string, at, since time.Time) error
	// LastUses are the keys' last recorded uses; a key never used is absent.
	LastUses(ctx context.Context, ids []string) (map[string]time.Time, error)
}

// Authenticator checks bearer tokens against the key store on every request.
// Misses, when set, remembers key ids that do not exist. People, when set,
// refuses removed people (Person). Uses, when set, records each key's use.
type Authenticator struct {
	Keys   KeyStore
	Misses *MissCache
	People PeopleStore
	Uses   *UseMarker
}

// Authenticate returns the principal for an Authorization header value.
func (a Authenticator) Authenticate(ctx context.Context, header string) (Principal, error) {
	token, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return Principal{}, ErrUnauthenticated
	}
	id, ok := parseToken(strings.TrimSpace(token))
	if !ok {
		return Principal{}, ErrUnauthenticated
	}
	if a.Misses.missed(id) {
		return Principal{}, ErrUnauthenticated
	}
	k, err := a.Keys.GetKey(ctx, id)
	if errors.Is(err, ErrKeyNotFound) {
		a.Misses.remember(id)
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, fmt.Errorf("authenticate key %s: %w", id, err)
	}
	if subtle.ConstantTimeCompare([]byte(hashToken(strings.TrimSpace(token))), []byte(k.Hash)) != 1 || k.Status != KeyActive {
		return Principal{}, ErrUnauthenticated
	}
	a.Uses.mark(ctx, k.ID)
	return Principal{KeyID: k.ID, Role: k.Role, PartnerID: k.PartnerID, SubjectID: k.SubjectID}, nil
}
