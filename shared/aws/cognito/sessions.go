// Package cognito signs people in against the stack's Cognito user pool
// (the app client, which has no secret) and manages its users.
package cognito

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/partnerleads/pipeline/shared/domain/auth"
)

// Tokens are what a sign-in gives the browser: the ID token the API's JWT
// authorizer checks, and the refresh token that renews it.
type Tokens struct {
	IDToken      string `json:"idToken"`
	RefreshToken string `json:"refreshToken,omitempty"`
	ExpiresIn    int32  `json:"expiresIn"`
}

// Sessions signs in with the user's password (USER_PASSWORD_AUTH), renews
// and revokes. These calls need no IAM permission: they are the pool's
// public API, authenticated by what the user sends.
type Sessions struct {
	Client   *cip.Client
	ClientID string
}

func (s Sessions) SignIn(ctx context.Context, email, password string) (Tokens, error) {
	out, err := s.Client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: aws.String(s.ClientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": email, "PASSWORD": password},
	})
	if err != nil {
		return Tokens{}, classify("sign in", err)
	}
	if out.AuthenticationResult == nil {
		// A challenge (new password, MFA) this sign-in does not answer yet.
		return Tokens{}, auth.ErrChallenge
	}
	return tokens(out.AuthenticationResult), nil
}

func (s Sessions) Refresh(ctx context.Context, refreshToken string) (Tokens, error) {
	out, err := s.Client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: aws.String(s.ClientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": refreshToken},
	})
	if err != nil {
		return Tokens{}, classify("refresh", err)
	}
	if out.AuthenticationResult == nil {
		return Tokens{}, auth.ErrChallenge
	}
	return tokens(out.AuthenticationResult), nil
}

// Revoke ends the session's renewals: the refresh token stops working.
// An ID token already issued stays valid until it expires (at most an
// hour): API Gateway's JWT authorizer does not ask Cognito.
func (s Sessions) Revoke(ctx context.Context, refreshToken string) error {
	_, err := s.Client.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: aws.String(s.ClientID), Token: aws.String(refreshToken)})
	if err != nil {
		return classify("revoke", err)
	}
	return nil
}

func tokens(r *types.AuthenticationResultType) Tokens {
	return Tokens{IDToken: aws.ToString(r.IdToken), RefreshToken: aws.ToString(r.RefreshToken), ExpiresIn: r.ExpiresIn}
}

// classify turns the pool's refusals into the domain's: a wrong password,
// an unknown user (the pool does not say which) or a locked-out user.
func classify(op string, err error) error {
	var (
		notAuthorized *types.NotAuthorizedException
		notFound      *types.UserNotFoundException
		notConfirmed  *types.UserNotConfirmedException
		reset         *types.PasswordResetRequiredException
	)
	switch {
	case errors.As(err, &notAuthorized), errors.As(err, &notFound), errors.As(err, &notConfirmed), errors.As(err, &reset):
		return auth.ErrBadCredentials
	default:
		return fmt.Errorf("%s: %w", op, err)
	}
}
