package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/admin"
	"github.com/partnerleads/pipeline/shared/auth"
	"github.com/partnerleads/pipeline/shared/httpapi"
	"github.com/partnerleads/pipeline/shared/memstore"
	"github.com/partnerleads/pipeline/shared/routing"
)

func TestAdminRoutes(t *testing.T) {
	t.Parallel()
	st := memstore.New()
	ctx := context.Background()
	adminKey, adminToken, _ := auth.NewKey(auth.RoleAdmin, "", "root", "root", time.Now())
	mgrKey, mgrToken, _ := auth.NewKey(auth.RoleManager, "", "m", "m", time.Now())
	_ = st.PutKey(ctx, adminKey)
	_ = st.PutKey(ctx, mgrKey)
	authn := auth.Authenticator{Keys: st}
	r := httpapi.Router{Routes: routes(handler{admin: admin.Service{Partners: st, Keys: st, Now: time.Now}, routing: routing.Admin{Store: st}, mappings: st}), Auth: authn, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	do := func(method, path, token, body string) (int, map[string]any) {
		ev := lambdaevents.APIGatewayV2HTTPRequest{RawPath: path, Body: body,
			Headers: map[string]string{"authorization": "Bearer " + token, "content-type": "application/json"}}
		ev.RequestContext.HTTP.Method = method
		resp, _ := r.Handle(ctx, ev)
		var m map[string]any
		_ = json.Unmarshal([]byte(resp.Body), &m)
		return resp.StatusCode, m
	}

	if code, _ := do("GET", "/v1/admin/keys", mgrToken, ""); code != 403 {
		t.Fatalf("manager on admin route: %d", code)
	}
	code, m := do("POST", "/v1/admin/partners", adminToken, `{"name":"Acme"}`)
	if code != 201 {
		t.Fatalf("create partner: %d %v", code, m)
	}
	partnerToken := m["apiKey"].(string)
	partnerID := m["partner"].(map[string]any)["id"].(string)
	keyID := m["key"].(map[string]any)["id"].(string)
	if p, err := authn.Authenticate(ctx, "Bearer "+partnerToken); err != nil || p.PartnerID != partnerID {
		t.Fatalf("new partner key: %+v %v", p, err)
	}
	cases := []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/v1/admin/partners", `{"name":""}`, 422},
		{"POST", "/v1/admin/partners", `{"name":"x","tier":"gold"}`, 422},
		{"POST", "/v1/admin/keys", `{"role":"root"}`, 422},
		{"POST", "/v1/admin/keys", `{"role":"partner","partnerId":"ptn_nope"}`, 422},
		{"POST", "/v1/admin/keys", `{"role":"rep","subjectId":"rep-1","name":"Rui"}`, 201},
		{"POST", "/v1/admin/keys", `{"role":"partner","partnerId":"` + partnerID + `"}`, 201},
		{"GET", "/v1/admin/keys", "", 200},
		{"POST", "/v1/admin/keys/" + keyID + "/disable", "", 200},
		{"POST", "/v1/admin/keys/" + keyID + "/enable", "", 200},
		{"POST", "/v1/admin/keys/" + keyID + "/revoke", "", 200},
		{"POST", "/v1/admin/keys/" + keyID + "/enable", "", 409},
		{"POST", "/v1/admin/keys/nokey/revoke", "", 404},
	}
	for _, c := range cases {
		if code, m := do(c.method, c.path, adminToken, c.body); code != c.want {
			t.Errorf("%s %s %s: %d %v, want %d", c.method, c.path, c.body, code, m, c.want)
		}
	}
	if _, err := authn.Authenticate(ctx, "Bearer "+partnerToken); err == nil {
		t.Fatal("revoked partner key still authenticates")
	}
	code, m = do("GET", "/v1/admin/keys", adminToken, "")
	for _, k := range m["items"].([]any) {
		if _, leaked := k.(map[string]any)["hash"]; leaked {
			t.Fatal("key listing leaks hashes")
		}
	}
	if code != 200 || len(m["items"].([]any)) != 5 {
		t.Fatalf("list: %d %d keys", code, len(m["items"].([]any)))
	}
}
