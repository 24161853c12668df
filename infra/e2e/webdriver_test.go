//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"testing"
	"time"
)

// browser is a headless Chromium driven through chromedriver's WebDriver
// API on loopback: what a person sees, not what the server sent.
type browser struct {
	t       *testing.T
	base    string
	session string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	driver, err := exec.LookPath("chromedriver")
	if err != nil {
		t.Fatal("chromedriver is not installed: run make test, which installs Debian's chromium and chromium-driver")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(driver, fmt.Sprintf("--port=%d", port), "--allowed-ips=127.0.0.1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	b := &browser{t: t, base: fmt.Sprintf("http://127.0.0.1:%d", port)}
	eventually(t, 20*time.Second, 200*time.Millisecond, "chromedriver answering on "+b.base, func() (bool, string) {
		resp, err := http.Get(b.base + "/status")
		if err != nil {
			return false, err.Error()
		}
		resp.Body.Close()
		return true, ""
	})
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName":        "chrome",
		"goog:chromeOptions": map[string]any{"args": []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1600"}},
	}}}
	var created struct {
		SessionID string `json:"sessionId"`
	}
	b.do("POST", "/session", caps, &created)
	b.session = created.SessionID
	t.Cleanup(func() { b.do("DELETE", "/session/"+b.session, nil, nil) })
	return b
}

func (b *browser) do(method, path string, in, out any) {
	b.t.Helper()
	var body bytes.Buffer
	if in != nil {
		_ = json.NewEncoder(&body).Encode(in)
	}
	req, _ := http.NewRequest(method, b.base+path, &body)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatalf("webdriver %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var wrap struct {
		Value json.RawMessage `json:"value"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&wrap)
	if resp.StatusCode != 200 {
		b.t.Fatalf("webdriver %s %s: %d %s", method, path, resp.StatusCode, wrap.Value)
	}
	if out != nil {
		_ = json.Unmarshal(wrap.Value, out)
	}
}

func (b *browser) open(url string) {
	b.do("POST", "/session/"+b.session+"/url", map[string]string{"url": url}, nil)
}

// find returns the element matching a CSS selector, or "".
func (b *browser) find(css string) string {
	var els []map[string]string
	b.do("POST", "/session/"+b.session+"/elements", map[string]string{"using": "css selector", "value": css}, &els)
	for _, el := range els {
		for _, id := range el {
			return id
		}
	}
	return ""
}

func (b *browser) typeInto(css, text string) {
	b.do("POST", "/session/"+b.session+"/element/"+b.mustFind(css)+"/value", map[string]string{"text": text}, nil)
}

func (b *browser) click(css string) {
	b.do("POST", "/session/"+b.session+"/element/"+b.mustFind(css)+"/click", map[string]any{}, nil)
}

// text is the rendered text of the element, as a person reads it.
func (b *browser) text(css string) string {
	id := b.find(css)
	if id == "" {
		return ""
	}
	var s string
	b.do("GET", "/session/"+b.session+"/element/"+id+"/text", nil, &s)
	return s
}

func (b *browser) displayed(css string) bool {
	id := b.find(css)
	if id == "" {
		return false
	}
	var v bool
	b.do("GET", "/session/"+b.session+"/element/"+id+"/displayed", nil, &v)
	return v
}

func (b *browser) mustFind(css string) string {
	b.t.Helper()
	id := b.find(css)
	if id == "" {
		b.t.Fatalf("no %s on the page", css)
	}
	return id
}

// waitText waits until the element shows want.
func (b *browser) waitText(css, want string, within time.Duration) {
	b.t.Helper()
	eventually(b.t, within, 250*time.Millisecond, fmt.Sprintf("%s showing %q", css, want), func() (bool, string) {
		got := b.text(css)
		return got == want, fmt.Sprintf("%s shows %q (status line: %q)", css, got, b.text("#status"))
	})
}
