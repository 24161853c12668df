package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/partnerleads/pipeline/shared/domain/auth"
)

func jwtEvent(path, claims string) []byte {
	return []byte(`{"version":"2.0","rawPath":"` + path + `","headers":{"authorization":"Bearer plk_ignored"},` +
		`"requestContext":{"http":{"method":"GET","path":"` + path + `"},"authorizer":{"jwt":{"claims":` + claims + `,"scopes":null}}}}`)
}

func TestDecodeReadsClaimsInBothForms(t *testing.T) {
	t.Parallel()
	for name, claims := range map[string]string{
		"the emulator's JSON types": `{"token_use":"id","sub":"u1","cognito:groups":["partner"],"custom:partnerId":"p1","auth_time":1764000000}`,
		"AWS's strings":             `{"token_use":"id","sub":"u1","cognito:groups":"[partner]","custom:partnerId":"p1","auth_time":"1764000000"}`,
	} {
		ev, err := Decode(jwtEvent("/x", claims))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		p, err := auth.FromClaims(ev.RequestContext.Authorizer.JWT.Claims)
		if err != nil || p.Role != auth.RolePartner || p.PartnerID != "p1" || ev.RawPath != "/x" {
			t.Fatalf("%s: principal %+v, %v from claims %v (path %q)", name, p, err, ev.RequestContext.Authorizer.JWT.Claims, ev.RawPath)
		}
	}
	if _, err := Decode([]byte(`{"rawPath":7}`)); err == nil {
		t.Fatal("a malformed event decoded without an error")
	}
}

// A person's token decides, not an API key sent beside it; and a user in
// no role group is refused.
func TestTheAuthorizersClaimsAreThePrincipal(t *testing.T) {
	t.Parallel()
	var seen auth.Principal
	rt := Router{
		Routes: []Route{{Method: "GET", Pattern: "/x", Roles: []auth.Role{auth.RolePartner}, Handler: func(_ context.Context, r Request) (Response, error) {
			seen = r.Principal
			return JSON(http.StatusOK, map[string]string{}), nil
		}}},
		Auth: tokens{"plk_ignored": {Role: auth.RoleAdmin, KeyID: "k"}, "removed:u9": {}},
		Log:  slog.New(slog.NewJSONHandler(io.Discard, nil)),
	}
	call := func(claims string) int {
		r, err := rt.HandleJSON(context.Background(), json.RawMessage(jwtEvent("/x", claims)))
		if err != nil {
			t.Fatal(err)
		}
		return r.StatusCode
	}
	if got := call(`{"token_use":"id","sub":"u9","cognito:groups":["partner"],"custom:partnerId":"p1"}`); got != 401 {
		t.Fatalf("a removed partner user: status %d, want 401", got)
	}
	if got := call(`{"token_use":"id","sub":"u1","cognito:groups":["partner"],"custom:partnerId":"p1"}`); got != 200 || seen.UserID != "u1" || seen.KeyID != "" {
		t.Fatalf("partner user: status %d, principal %+v", got, seen)
	}
	if got := call(`{"token_use":"id","sub":"u2","cognito:groups":["rep"],"custom:subjectId":"rep-u2"}`); got != 403 {
		t.Fatalf("a rep user on a partner route: status %d, want 403", got)
	}
	if got := call(`{"token_use":"id","sub":"u3"}`); got != 403 {
		t.Fatalf("a user in no group: status %d, want 403", got)
	}
}
