package main

import (
	"testing"

	"github.com/partnerleads/pipeline/shared/testkit/intaketest"
)

func TestLogTouchAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.routed(t, intaketest.ValidBody)
	path := "/v1/leads/" + id + "/touches"
	cases := []struct {
		name, who, body string
		header          map[string]string
		want            int
	}{
		{"a partner may not", "a", `{"channel":"call","outcome":"reached"}`, nil, 403},
		{"an unknown channel", "manager", `{"channel":"fax","outcome":"reached"}`, nil, 422},
		{"a stale If-Match", "manager", `{"channel":"call","outcome":"reached"}`, map[string]string{"if-match": `"1"`}, 409},
		{"a call that reached the contact", "manager", `{"channel":"call","outcome":"reached","note":"ok"}`, nil, 201},
	}
	for _, c := range cases {
		code, m, resp := f.do(t, "POST", path, c.who, c.body, c.header)
		if code != c.want {
			t.Errorf("%s: %d %v, want %d", c.name, code, m, c.want)
		}
		if code == 201 && (m["touches"] != 1.0 || resp.Headers["ETag"] == "") {
			t.Errorf("%s: %v with ETag %q, want 1 touch and an ETag", c.name, m, resp.Headers["ETag"])
		}
	}
}
