package auth_test

import (
	"errors"
	"testing"

	"github.com/partnerleads/pipeline/shared/domain/auth"
)

func TestFromClaims(t *testing.T) {
	cases := []struct {
		name   string
		claims map[string]string
		want   auth.Principal
		err    error
	}{
		{"a partner user, groups as the emulator sends them",
			map[string]string{"token_use": "id", "sub": "u1", "cognito:groups": `["partner"]`, "custom:partnerId": "p1"},
			auth.Principal{UserID: "u1", Role: auth.RolePartner, PartnerID: "p1"}, nil},
		{"a rep, groups as AWS sends them",
			map[string]string{"token_use": "id", "sub": "u2", "cognito:groups": "[rep]", "custom:subjectId": "rep-ana"},
			auth.Principal{UserID: "u2", Role: auth.RoleRep, SubjectID: "rep-ana"}, nil},
		{"a manager without a subject is named by the user",
			map[string]string{"token_use": "id", "sub": "u3", "cognito:groups": "manager"},
			auth.Principal{UserID: "u3", Role: auth.RoleManager, SubjectID: "user:u3"}, nil},
		{"groups that are not roles are ignored",
			map[string]string{"token_use": "id", "sub": "u4", "cognito:groups": "[beta finance]"},
			auth.Principal{UserID: "u4", Role: auth.RoleFinance, SubjectID: "user:u4"}, nil},
		{"a partner claim on an admin is dropped",
			map[string]string{"token_use": "id", "sub": "u5", "cognito:groups": `["admin"]`, "custom:partnerId": "p1"},
			auth.Principal{UserID: "u5", Role: auth.RoleAdmin, SubjectID: "user:u5"}, nil},
		{"two roles", map[string]string{"token_use": "id", "sub": "u6", "cognito:groups": `["rep","admin"]`}, auth.Principal{}, auth.ErrNoRole},
		{"no group", map[string]string{"token_use": "id", "sub": "u7"}, auth.Principal{}, auth.ErrNoRole},
		{"a partner user without a partner", map[string]string{"token_use": "id", "sub": "u8", "cognito:groups": "partner"}, auth.Principal{}, auth.ErrNoRole},
		{"no subject", map[string]string{"token_use": "id", "cognito:groups": "admin"}, auth.Principal{}, auth.ErrUnauthenticated},
		{"an access token", map[string]string{"token_use": "access", "sub": "u9", "cognito:groups": "admin"}, auth.Principal{}, auth.ErrUnauthenticated},
		{"a rep user without a rep id", map[string]string{"token_use": "id", "sub": "u10", "cognito:groups": "rep"}, auth.Principal{}, auth.ErrNoRole},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := auth.FromClaims(c.claims)
			if !errors.Is(err, c.err) || got != c.want {
				t.Fatalf("FromClaims(%v) = %+v, %v; want %+v, %v", c.claims, got, err, c.want, c.err)
			}
		})
	}
}

func TestAUserActsUnderItsOwnName(t *testing.T) {
	if got := (auth.Principal{UserID: "u1", Role: auth.RoleAdmin}).ActorID(); got != "user:u1" {
		t.Fatalf("ActorID = %q, want user:u1", got)
	}
}
