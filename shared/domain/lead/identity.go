package lead

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Identity kinds that make two leads the same account.
const (
	IdentityEmail  = "email"
	IdentityDomain = "domain"
	IdentityTaxID  = "taxid"
	IdentityPhone  = "phone"
)

// IdentityKey is a normalised identity value, hashed so that storage keys and
// logs never carry the personal data itself.
type IdentityKey struct {
	Kind string
	Hash string
}

// NewIdentityKey hashes an already-normalised value of the given kind.
func NewIdentityKey(kind, normalised string) IdentityKey {
	sum := sha256.Sum256([]byte(kind + ":" + normalised))
	return IdentityKey{Kind: kind, Hash: hex.EncodeToString(sum[:16])}
}

// Claim records which lead holds an identity key. First touch wins: while
// the lead is open, its partner keeps the key, and other partners are kept
// out until ProtectedUntil.
type Claim struct {
	Key            IdentityKey
	LeadID         string
	PartnerID      string
	Open           bool
	ProtectedUntil time.Time
}

// Blocks reports whether the claim stops partnerID from registering the same
// identity at now. The DynamoDB adapter expresses the same rule as a
// condition expression; the shared store test suite keeps the two in step.
func (c Claim) Blocks(partnerID string, now time.Time) bool {
	if !c.Open {
		return false
	}
	return c.PartnerID == partnerID || now.Before(c.ProtectedUntil)
}
