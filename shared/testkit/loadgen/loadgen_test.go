package loadgen

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// A server that answers like the intake API: 201 for a new email, 409 for
// one it has seen, 422 or 400 for a body without a usable email.
func TestDoSendsThePlannedMix(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Contact struct{ Email string } `json:"contact"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			w.WriteHeader(400)
			return
		}
		if in.Contact.Email == "" || in.Contact.Email == "not-an-email" {
			w.WriteHeader(422)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if seen[r.Header.Get("Authorization")+in.Contact.Email] {
			w.WriteHeader(409)
			return
		}
		seen[r.Header.Get("Authorization")+in.Contact.Email] = true
		w.WriteHeader(201)
		_ = json.NewEncoder(w).Encode(map[string]string{"id": in.Contact.Email, "status": "new"})
	}))
	defer srv.Close()
	tokens := make([]string, 20)
	for i := range tokens {
		tokens[i] = string(rune('a' + i))
	}
	res, err := Do(t.Context(), srv.Client(), Config{URL: srv.URL, Tokens: tokens, PerPartner: 50, Run: "t"})
	if err != nil {
		t.Fatal(err)
	}
	total := 20 * 50
	cases := []struct {
		kind         Kind
		status, want int
	}{
		{New, 201, total * 85 / 100},
		{Duplicate, 409, total / 10},
	}
	for _, c := range cases {
		if got := res.Count(c.kind, c.status); got != c.want || res.Planned(c.kind) != c.want {
			t.Errorf("kind %d: %d answered %d of %d planned, want %d", c.kind, got, c.status, res.Planned(c.kind), c.want)
		}
	}
	if got := res.Count(Malformed, 422) + res.Count(Malformed, 400); got != total/20 || res.Planned(Malformed) != got {
		t.Errorf("malformed: %d refused of %d planned, want %d", got, res.Planned(Malformed), total/20)
	}
	ids := map[string]bool{}
	for _, a := range res.Answers {
		if a.Status == 201 {
			ids[a.LeadID] = true
		}
	}
	if len(ids) != total*85/100 || ids[""] {
		t.Errorf("%d distinct lead ids among the 201s (empty id: %v), want %d", len(ids), ids[""], total*85/100)
	}
	if len(res.Answers) != total || res.Percentile(0.99) < res.Percentile(0.5) {
		t.Errorf("%d answers, p50 %v p99 %v", len(res.Answers), res.Percentile(0.5), res.Percentile(0.99))
	}
}
