package cognito

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/partnerleads/pipeline/shared/domain/auth"
)

// User is one person: a sign-in e-mail, the one role (the pool group), and
// the partner (partner users) or subject (a rep's id) the person acts for.
type User struct {
	Email     string
	Role      auth.Role
	PartnerID string
	SubjectID string
}

// Users administers the pool's users with the caller's AWS credentials.
type Users struct {
	Client *cip.Client
	PoolID string
}

// Ensure makes u exist with password, its attributes and its role's group,
// whether or not it existed before: a re-runnable step, since a pool update
// replaces the pool and its users on the emulator.
func (us Users) Ensure(ctx context.Context, u User, password string) error {
	attrs := []types.AttributeType{
		{Name: aws.String("email"), Value: aws.String(u.Email)},
		{Name: aws.String("email_verified"), Value: aws.String("true")},
		{Name: aws.String(auth.ClaimPartner), Value: aws.String(u.PartnerID)},
		{Name: aws.String(auth.ClaimSubject), Value: aws.String(u.SubjectID)},
	}
	_, err := us.Client.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(us.PoolID), Username: aws.String(u.Email),
		UserAttributes: attrs, MessageAction: types.MessageActionTypeSuppress,
	})
	var exists *types.UsernameExistsException
	switch {
	case errors.As(err, &exists):
		if _, err := us.Client.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(us.PoolID), Username: aws.String(u.Email), UserAttributes: attrs,
		}); err != nil {
			return fmt.Errorf("update user %s: %w", u.Email, err)
		}
		if _, err := us.Client.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: aws.String(us.PoolID), Username: aws.String(u.Email)}); err != nil {
			return fmt.Errorf("enable user %s: %w", u.Email, err)
		}
	case err != nil:
		return fmt.Errorf("create user %s: %w", u.Email, err)
	}
	if _, err := us.Client.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(us.PoolID), Username: aws.String(u.Email), Password: aws.String(password), Permanent: true,
	}); err != nil {
		return fmt.Errorf("set the password of %s: %w", u.Email, err)
	}
	if _, err := us.Client.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{
		UserPoolId: aws.String(us.PoolID), Username: aws.String(u.Email), GroupName: aws.String(string(u.Role)),
	}); err != nil {
		return fmt.Errorf("add %s to %s: %w", u.Email, u.Role, err)
	}
	return nil
}

// ID is the pool's id of the user (the sub of its tokens).
func (us Users) ID(ctx context.Context, email string) (string, error) {
	out, err := us.Client.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(us.PoolID), Username: aws.String(email)})
	if err != nil {
		return "", fmt.Errorf("read user %s: %w", email, err)
	}
	for _, a := range out.UserAttributes {
		if aws.ToString(a.Name) == auth.ClaimUser {
			return aws.ToString(a.Value), nil
		}
	}
	return "", fmt.Errorf("user %s has no sub", email)
}

// Disable stops the user signing in and renewing; tokens already issued
// stay valid for the authorizer until they expire (the directory's removed
// list refuses them at once).
func (us Users) Disable(ctx context.Context, email string) error {
	if _, err := us.Client.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(us.PoolID), Username: aws.String(email)}); err != nil {
		return fmt.Errorf("disable user %s: %w", email, err)
	}
	if _, err := us.Client.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: aws.String(us.PoolID), Username: aws.String(email)}); err != nil {
		return fmt.Errorf("sign user %s out: %w", email, err)
	}
	return nil
}

// Password is a random password that meets the pool's policy: 20
// characters with upper and lower case, digits and a symbol.
func Password() (string, error) {
	const (
		upper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		lower  = "abcdefghijkmnopqrstuvwxyz"
		digits = "23456789"
		symbol = "!#%+-=?@"
	)
	sets := []string{upper, lower, digits, symbol}
	all := upper + lower + digits
	b := make([]byte, 20)
	for i := range b {
		set := all
		if i < len(sets) {
			set = sets[i]
		}
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
		if err != nil {
			return "", err
		}
		b[i] = set[n.Int64()]
	}
	return string(b), nil
}
