//go:build e2e

package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/partnerleads/pipeline/shared/testkit/intaketest"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

func TestE2EIntake(t *testing.T) {
	a := newAPI(t)
	pa, keyA := a.partner(t, "E2E Partner A")
	_, keyB := a.partner(t, "E2E Partner B")

	t.Run("create then get", func(t *testing.T) {
		tag := storetest.Unique("cg")
		r := a.call(t, "POST", "/v1/leads", keyA, lead(tag), nil, true)
		if r.status != 201 || r.body["status"] != "new" {
			t.Fatalf("create: %s", r)
		}
		id := r.str(t, "id")
		g := a.call(t, "GET", "/v1/leads/"+id, keyA, "", nil, true)
		if g.status != 200 || g.body["id"] != id || g.body["partnerId"] != pa || g.body["externalRef"] != "ext-"+tag {
			t.Fatalf("get: %s", g)
		}
		if x := a.call(t, "GET", "/v1/leads/"+id, keyB, "", nil, true); x.status != 404 || x.problemType() != "not-found" {
			t.Fatalf("cross-partner get: %s", x)
		}
	})

	t.Run("list with pagination", func(t *testing.T) {
		_, key := a.partner(t, "E2E Lister")
		want := map[string]bool{}
		for range 5 {
			want[a.createLead(t, key, lead(storetest.Unique("ls")))] = true
		}
		got, pages, cursor := map[string]bool{}, 0, ""
		for {
			path := "/v1/leads?limit=2" // no status filter: the router moves leads on
			if cursor != "" {
				path += "&cursor=" + url.QueryEscape(cursor)
			}
			r := a.call(t, "GET", path, key, "", nil, true).expect(t, 200)
			for _, it := range r.items(t, "items") {
				got[it.str(t, "id")] = true
			}
			pages++
			c, _ := r.body["nextCursor"].(string)
			if c == "" || pages > 5 {
				break
			}
			cursor = c
		}
		if len(got) != len(want) || pages < 3 {
			t.Fatalf("listed %d leads in %d pages, want %d in at least 3: listed %v, created %v", len(got), pages, len(want), got, want)
		}
		for id := range want {
			if !got[id] {
				t.Fatalf("lead %s missing from the listing: listed %v", id, got)
			}
		}
	})

	t.Run("idempotent and conflicting retries", func(t *testing.T) {
		tag := storetest.Unique("id")
		h := map[string]string{"Idempotency-Key": "retry-" + tag}
		first := a.call(t, "POST", "/v1/leads", keyA, lead(tag), h, true)
		again := a.call(t, "POST", "/v1/leads", keyA, lead(tag), h, true)
		if first.status != 201 || again.status != 201 || again.body["id"] != first.body["id"] || again.header.Get("Idempotency-Replayed") != "true" {
			t.Fatalf("retry: %s / %s", first, again.dump())
		}
		other := a.call(t, "POST", "/v1/leads", keyA, lead(tag+"x"), h, true)
		if other.status != 422 || other.problemType() != "idempotency-key-reused" {
			t.Fatalf("conflicting retry: %s", other)
		}
	})

	t.Run("duplicate from the same partner names its lead", func(t *testing.T) {
		tag := storetest.Unique("dp")
		first := a.call(t, "POST", "/v1/leads", keyA, lead(tag), nil, true)
		dup := a.call(t, "POST", "/v1/leads", keyA, lead(tag), nil, true)
		if dup.status != 409 || dup.problemType() != "duplicate-lead" || dup.body["existingLeadId"] != first.body["id"] {
			t.Fatalf("duplicate: %s / %s", first, dup)
		}
	})

	t.Run("channel conflict hides the other partner", func(t *testing.T) {
		tag := storetest.Unique("cc")
		a.createLead(t, keyA, lead(tag))
		r := a.call(t, "POST", "/v1/leads", keyB, lead(tag), nil, true)
		if r.status != 409 || r.problemType() != "already-registered" || strings.Contains(string(r.raw), pa) {
			t.Fatalf("channel conflict: %s", r)
		}
	})

	t.Run("20 concurrent submissions of one identity make one lead", func(t *testing.T) {
		tag := storetest.Unique("cx")
		keys := []string{keyA, keyB}
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			codes   = map[int]int{}
			answers []reply
		)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := a.call(t, "POST", "/v1/leads", keys[i%2], lead(tag), nil, true)
				mu.Lock()
				codes[r.status]++
				answers = append(answers, r)
				mu.Unlock()
			}()
		}
		wg.Wait()
		if codes[201] != 1 || codes[409] != 19 {
			var odd []string // every answer but the 409s, which are alike
			for _, r := range answers {
				if r.status != 409 {
					odd = append(odd, r.String())
				}
			}
			t.Fatalf("status counts %v, want one 201 and nineteen 409; the others:\n%s", codes, strings.Join(odd, "\n"))
		}
		var stored []string
		for _, k := range keys {
			r := a.call(t, "GET", "/v1/leads?limit=100", k, "", nil, true).expect(t, 200)
			for _, it := range r.items(t, "items") {
				if it.get("externalRef") == "ext-"+tag {
					stored = append(stored, it.String())
				}
			}
		}
		if len(stored) != 1 {
			t.Fatalf("%d leads stored for one identity:\n%s", len(stored), strings.Join(stored, "\n"))
		}
	})
}

// Every malformed request is answered 4xx problem+json and stores nothing.
func TestE2EMalformedRequestsStoreNothing(t *testing.T) {
	a := newAPI(t)
	_, key := a.partner(t, "E2E Malformed")
	revoke := a.call(t, "POST", "/v1/admin/keys", a.admin, `{"role":"partner","partnerId":"`+partnerOf(t, a, key)+`","name":"to revoke"}`, nil, true).expect(t, 201)
	revokedToken, revokedID := revoke.str(t, "apiKey"), revoke.str(t, "key", "id")
	a.call(t, "GET", "/v1/leads", revokedToken, "", nil, true).expect(t, 200)
	a.call(t, "POST", "/v1/admin/keys/"+revokedID+"/revoke", a.admin, "", nil, true).expect(t, 200)

	type tc struct {
		name, token, body string
		headers           map[string]string
		status            int
	}
	valid := lead(storetest.Unique("mf"))
	cases := []tc{
		{"missing key", "", valid, nil, 401},
		{"malformed key", "not-a-key", valid, nil, 401},
		{"unknown key", "plk_" + strings.Repeat("0", 26) + "." + strings.Repeat("A", 43), valid, nil, 401},
		{"revoked key", revokedToken, valid, nil, 401},
		{"admin key cannot submit", a.admin, valid, nil, 403},
		{"text/plain body", key, valid, map[string]string{"Content-Type": "text/plain"}, 415},
		{"idempotency key too long", key, valid, map[string]string{"Idempotency-Key": strings.Repeat("k", 256)}, 400},
		{"non-ASCII idempotency key", key, valid, map[string]string{"Idempotency-Key": "chave-ç"}, 400},
	}
	for _, ib := range intaketest.InvalidBodies() {
		status := 422
		switch ib.Code {
		case "malformed_json":
			status = 400
		case "too_large":
			status = 413
		}
		cases = append(cases, tc{"body: " + ib.Name, key, ib.Body, nil, status})
	}
	if len(cases) < 30 {
		t.Fatalf("only %d malformed requests", len(cases))
	}
	for _, c := range cases {
		r := a.call(t, "POST", "/v1/leads", c.token, c.body, c.headers, false)
		if r.status != c.status || r.problemType() == "" {
			t.Errorf("%s: want a %d problem, got %s", c.name, c.status, r)
		}
	}
	r := a.call(t, "GET", "/v1/leads", key, "", nil, true).expect(t, 200)
	if n := len(r.list(t, "items")); n != 0 {
		t.Fatalf("%d leads stored by %d refused requests: %s", n, len(cases), r)
	}
	t.Logf("%d malformed requests refused, nothing stored", len(cases))
}

// partnerOf reads the partner id a key belongs to from a listing's view.
func partnerOf(t *testing.T, a *api, key string) string {
	t.Helper()
	r := a.call(t, "GET", "/v1/admin/keys", a.admin, "", nil, true).expect(t, 200)
	for _, k := range r.items(t, "items") {
		if strings.HasPrefix(key, fmt.Sprintf("plk_%s.", k.get("id"))) {
			return k.str(t, "partnerId")
		}
	}
	t.Fatalf("key not listed: %s", r)
	return ""
}

func TestE2EOpenAPIServed(t *testing.T) {
	a := newAPI(t)
	r := a.call(t, "GET", "/v1/openapi.json", "", "", nil, true)
	if r.status != 200 || r.body["openapi"] != "3.1.0" {
		t.Fatalf("openapi: %s", r)
	}
}
