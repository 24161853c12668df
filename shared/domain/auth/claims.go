package auth

import (
	"strings"

	"github.com/partnerleads/pipeline/shared/domain/fault"
)

// The claims a person's token carries (a Cognito ID token checked by the
// API's JWT authorizer): the user, the one group that is the role, and the
// partner or subject the user acts for.
const (
	ClaimUser     = "sub"
	ClaimGroups   = "cognito:groups"
	ClaimPartner  = "custom:partnerId"
	ClaimSubject  = "custom:subjectId"
	ClaimTokenUse = "token_use"
)

// ErrNoRole refuses a signed-in user who is in no role group, or in more
// than one: a person has one role, as a key has.
var ErrNoRole = fault.New(fault.Forbidden, "no-role", "No role", "this user has no single role (partner, rep, manager, finance or admin); ask an admin to set it")

// FromClaims is the principal of a person: the same Principal an API key
// gives, so the one policy (Has, CanSeeLead) decides for both. Claims are
// the authorizer's, already verified; groups come as a JSON array (the
// emulator) or as AWS's string form "[a b]".
func FromClaims(claims map[string]string) (Principal, error) {
	user := claims[ClaimUser]
	// Only ID tokens carry the partner and subject; the authorizer would
	// also let the pool's access tokens through.
	if user == "" || claims[ClaimTokenUse] != "id" {
		return Principal{}, ErrUnauthenticated
	}
	var role Role
	for _, g := range groups(claims[ClaimGroups]) {
		r, err := ParseRole(g)
		if err != nil {
			continue // groups that are not roles do not count
		}
		if role != "" && role != r {
			return Principal{}, ErrNoRole
		}
		role = r
	}
	p := Principal{UserID: user, Role: role, PartnerID: claims[ClaimPartner], SubjectID: claims[ClaimSubject]}
	switch {
	case role == "":
		return Principal{}, ErrNoRole
	case role == RolePartner && p.PartnerID == "", role == RoleRep && p.SubjectID == "":
		return Principal{}, ErrNoRole // whose leads, or which rep, is not said
	case role != RolePartner:
		p.PartnerID = "" // only partners act for a partner
	}
	if p.SubjectID == "" && role != RolePartner {
		p.SubjectID = "user:" + user
	}
	return p, nil
}

// groups reads ["a","b"], [a b] or a bare a.
func groups(v string) []string {
	v = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(v), "["), "]")
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '"' })
}

// Signing in.
var (
	ErrBadCredentials = fault.New(fault.Unauthenticated, "bad-credentials", "Wrong e-mail or password", "the e-mail or the password is wrong, or the user is disabled")
	ErrChallenge      = fault.New(fault.Conflict, "sign-in-challenge", "Another step is needed", "this user must set a new password or a second factor first")
)
