// Package auth is the one key mechanism for every role: API keys carry a role
// (and a partner or subject), are stored only as SHA-256 hashes, and are
// checked in constant time on every request, so a revocation applies at once.
package auth

import "fmt"

// Role is what a key may do.
type Role string

const (
	RolePartner Role = "partner"
	RoleRep     Role = "rep"
	RoleManager Role = "manager"
	RoleFinance Role = "finance"
	RoleAdmin   Role = "admin"
)

// Roles is every role.
var Roles = []Role{RolePartner, RoleRep, RoleManager, RoleFinance, RoleAdmin}

// ParseRole returns the role named s.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown role %q (want partner, rep, manager, finance or admin)", s)
}

// Principal is the authenticated caller of one request.
type Principal struct {
	KeyID     string // set for API keys
	UserID    string // set for people signed in (the token's subject)
	Role      Role
	PartnerID string // set for partner keys
	SubjectID string // the rep, manager or finance user the key belongs to
}

// ActorID names the caller in history entries and logs.
func (p Principal) ActorID() string {
	switch {
	case p.PartnerID != "":
		return p.PartnerID
	case p.SubjectID != "":
		return p.SubjectID
	case p.UserID != "":
		return "user:" + p.UserID
	default:
		return "key:" + p.KeyID
	}
}

// CanSeeLead is the one read policy for lead data: partners see their own
// leads only, reps the leads they own, managers and admins every lead.
func (p Principal) CanSeeLead(partnerID, ownerID string) bool {
	switch p.Role {
	case RolePartner:
		return p.PartnerID != "" && p.PartnerID == partnerID
	case RoleRep:
		return p.SubjectID != "" && p.SubjectID == ownerID
	case RoleManager, RoleAdmin:
		return true
	default:
		return false
	}
}

// Has reports whether the principal holds one of the roles.
func (p Principal) Has(rs ...Role) bool {
	for _, r := range rs {
		if p.Role == r {
			return true
		}
	}
	return false
}
