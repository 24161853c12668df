package webhooktest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/notify"
)

func TestReceiver(t *testing.T) {
	r, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.SetSecret("p1", "s1")
	body := `{"id":"L1.1","type":"lead.created"}`
	post := func(name, secret string) int {
		req, _ := http.NewRequest("POST", r.URL(name), strings.NewReader(body))
		req.Header.Set(notify.SignatureHeader, notify.SignatureValue([]string{secret}, time.Now().Unix(), []byte(body)))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}

	steps := []struct {
		name, path, secret string
		down               bool
		want, delivered    int
	}{
		{"down", "p1", "s1", true, 503, 0},
		{"signed with the path's secret", "p1", "s1", false, 204, 1},
		{"another secret", "p1", "s2", false, 401, 1},
		{"a path without a secret", "p2", "s1", false, 401, 1},
		{"again", "p1", "s1", false, 204, 2},
	}
	for _, s := range steps {
		r.SetDown(s.down)
		if got := post(s.path, s.secret); got != s.want {
			t.Errorf("%s: status %d, want %d", s.name, got, s.want)
		}
		if got := r.Delivered("L1.1"); got != s.delivered {
			t.Errorf("%s: delivered %d, want %d", s.name, got, s.delivered)
		}
	}
	if r.Bad() != 2 {
		t.Errorf("bad = %d, want 2", r.Bad())
	}
	if r.Refused() != 1 || r.RefusedOf("L1.1") != 1 || r.RefusedOf("L1.2") != 0 {
		t.Errorf("refused = %d (L1.1: %d), want the one delivery while down", r.Refused(), r.RefusedOf("L1.1"))
	}
	if b, _ := r.Last(); b != body {
		t.Errorf("last body %q", b)
	}
	if !r.WaitFor([]string{"L1.1"}, 2, 0) || r.WaitFor([]string{"L1.1"}, 3, 300*time.Millisecond) {
		t.Error("WaitFor disagrees with the counts")
	}
}
