package main

import (
	"context"
	"embed"
	"io/fs"
	"net/http"
	"strings"

	"github.com/partnerleads/pipeline/shared/aws/cognito"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/edge/endpoints"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
)

//go:embed app
var embedded embed.FS

var files = func() fs.FS {
	app, _ := fs.Sub(embedded, "app")
	return withFile{FS: app, name: "lifecycle.json", data: lifecycleFile()}
}()

// sessions is the user pool (cognito.Sessions).
type sessions interface {
	SignIn(ctx context.Context, email, password string) (cognito.Tokens, error)
	Refresh(ctx context.Context, refreshToken string) (cognito.Tokens, error)
	Revoke(ctx context.Context, refreshToken string) error
}

// handler serves the app's files and its sign-in: the browser sends the
// password here, never to a third-party origin, and keeps the tokens it
// gets in memory only.
type handler struct {
	sessions sessions
}

const bodyLimit = 4 << 10

func routes(h handler) []httpapi.Route {
	return httpapi.MustBind(endpoints.Web, map[string]httpapi.HandlerFunc{
		"GET /app":                  httpapi.Static(files, "index.html"),
		"GET /app/{file}":           httpapi.Static(files, ""),
		"POST /app/session":         h.signIn,
		"POST /app/session/refresh": h.refresh,
		"POST /app/session/revoke":  h.revoke,
	})
}

func (h handler) signIn(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := r.DecodeJSON(bodyLimit, &in); err != nil {
		return httpapi.Response{}, err
	}
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	var ve validation.Error
	if in.Email == "" {
		ve.Add("email", "required", "is required")
	}
	if in.Password == "" {
		ve.Add("password", "required", "is required")
	}
	if err := ve.OrNil(); err != nil {
		return httpapi.Response{}, err
	}
	t, err := h.sessions.SignIn(ctx, in.Email, in.Password)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, t), nil
}

func (h handler) refresh(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	token, err := refreshToken(r)
	if err != nil {
		return httpapi.Response{}, err
	}
	t, err := h.sessions.Refresh(ctx, token)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, t), nil
}

func (h handler) revoke(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	token, err := refreshToken(r)
	if err != nil {
		return httpapi.Response{}, err
	}
	if err := h.sessions.Revoke(ctx, token); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.Response{StatusCode: http.StatusNoContent}, nil
}

func refreshToken(r httpapi.Request) (string, error) {
	var in struct {
		RefreshToken string `json:"refreshToken"`
	}
	if err := r.DecodeJSON(bodyLimit, &in); err != nil {
		return "", err
	}
	if in.RefreshToken == "" {
		return "", validation.Field("refreshToken", "required", "is required")
	}
	return in.RefreshToken, nil
}
