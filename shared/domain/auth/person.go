package auth

import (
	"context"
	"fmt"

	"github.com/partnerleads/pipeline/shared/domain/fault"
)

// PeopleStore remembers the people an admin removed. Their ID tokens stay
// valid for the authorizer until they expire; this refuses them at once.
type PeopleStore interface {
	PersonRemoved(ctx context.Context, userID string) (bool, error)
}

// ErrPersonRemoved refuses a signed-in person who has been removed.
var ErrPersonRemoved = fault.New(fault.Unauthenticated, "unauthenticated", "Unauthenticated", "this user was removed; ask an admin")

// Person is the principal of a person whose token the API's JWT authorizer
// checked (FromClaims), unless the person was removed since.
func (a Authenticator) Person(ctx context.Context, claims map[string]string) (Principal, error) {
	p, err := FromClaims(claims)
	if err != nil || a.People == nil {
		return p, err
	}
	removed, err := a.People.PersonRemoved(ctx, p.UserID)
	if err != nil {
		return Principal{}, fmt.Errorf("check user %s: %w", p.UserID, err)
	}
	if removed {
		return Principal{}, ErrPersonRemoved
	}
	return p, nil
}
