//go:build e2e

package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
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
	if status, msg := b.send(method, path, in, out); status != 200 {
		b.t.Fatalf("webdriver %s %s: %d %s", method, path, status, msg)
	}
}

// send is one WebDriver command; it returns the status and, unless 200,
// the error the driver gave.
func (b *browser) send(method, path string, in, out any) (int, string) {
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
		return resp.StatusCode, string(wrap.Value)
	}
	if out != nil {
		_ = json.Unmarshal(wrap.Value, out)
	}
	return 200, ""
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

// click clicks the element; when the page re-rendered it between finding
// and clicking (a stale element, as a person's click would land on the new
// one), it finds it again.
func (b *browser) click(css string) {
	b.t.Helper()
	for try := 0; ; try++ {
		status, msg := b.send("POST", "/session/"+b.session+"/element/"+b.mustFind(css)+"/click", map[string]any{}, nil)
		switch {
		case status == 200:
			return
		case try < 3 && strings.Contains(msg, "stale element reference"):
			time.Sleep(200 * time.Millisecond)
		default:
			b.t.Fatalf("webdriver click %s: %d %s", css, status, msg)
		}
	}
}

// text is the rendered text of the element, as a person reads it.
func (b *browser) text(css string) string {
	id := b.find(css)
	if id == "" {
		return ""
	}
	var s string
	// The page may have replaced the element since it was found: then it
	// shows nothing, and a wait asks again.
	if status, msg := b.send("GET", "/session/"+b.session+"/element/"+id+"/text", nil, &s); status != 200 && !strings.Contains(msg, "stale element") {
		b.t.Fatalf("webdriver text of %s: %d %s", css, status, msg)
	}
	return s
}

// property is a DOM property of the element (an anchor's absolute href).
func (b *browser) property(css, name string) string {
	var v string
	b.do("GET", "/session/"+b.session+"/element/"+b.mustFind(css)+"/property/"+name, nil, &v)
	return v
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

func (b *browser) clear(css string) {
	b.do("POST", "/session/"+b.session+"/element/"+b.mustFind(css)+"/clear", map[string]any{}, nil)
}

// waitContains waits until the element's text contains want.
func (b *browser) waitContains(css, want string, within time.Duration) string {
	b.t.Helper()
	var got string
	eventually(b.t, within, 250*time.Millisecond, fmt.Sprintf("%s containing %q", css, want), func() (bool, string) {
		got = b.text(css)
		return strings.Contains(got, want), fmt.Sprintf("%s shows %q", css, got)
	})
	return got
}

// selectOption picks the option with value in a select, as a person does.
func (b *browser) selectOption(css, value string) {
	b.click(css + ` option[value="` + value + `"]`)
}

// The sizes every page is checked at: a partner's salesperson's phone and
// an office laptop.
var viewports = [][2]int{{390, 844}, {1366, 768}}

// audit checks the page as it is now at each viewport: a screenshot under
// .local/screenshots for review, and axe-core (pinned in
// localstack/package.json) finding no serious or critical violation. It
// ends at the last viewport.
func (b *browser) audit(name string) {
	b.t.Helper()
	src, err := os.ReadFile("../../localstack/node_modules/axe-core/axe.min.js")
	if err != nil {
		b.t.Fatalf("axe-core is not installed (make test installs it with npm ci): %v", err)
	}
	dir := "../../.local/screenshots"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	// axe on a long page (finance's month of every partner on a stack many
	// runs have filled) can pass WebDriver's default 30 s script timeout.
	b.do("POST", "/session/"+b.session+"/timeouts", map[string]int{"script": 120_000}, nil)
	for _, v := range viewports {
		b.do("POST", "/session/"+b.session+"/window/rect", map[string]int{"width": v[0], "height": v[1]}, nil)
		var shot string
		b.do("GET", "/session/"+b.session+"/screenshot", nil, &shot)
		png, err := base64.StdEncoding.DecodeString(shot)
		if err != nil {
			b.t.Fatalf("screenshot of %s: %v", name, err)
		}
		if err := os.WriteFile(fmt.Sprintf("%s/%s-%dx%d.png", dir, name, v[0], v[1]), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
		b.do("POST", "/session/"+b.session+"/execute/sync", map[string]any{"script": string(src) + "\nreturn true;", "args": []any{}}, nil)
		var found struct {
			Rules      int // how many rules axe ran: none means it did not run
			Violations []struct {
				ID, Impact, Help string
				Nodes            []string
			}
		}
		b.do("POST", "/session/"+b.session+"/execute/async", map[string]any{"args": []any{}, "script": `const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ["violations"] })
  .then((r) => done({ rules: r.passes.length + r.inapplicable.length + r.incomplete.length + r.violations.length,
    violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })) }))
  .catch((e) => done({ rules: 0, violations: [{ id: "axe-failed", impact: "critical", help: String(e), nodes: [] }] }));`}, &found)
		if found.Rules == 0 && len(found.Violations) == 0 {
			b.t.Fatalf("%s at %dx%d: axe-core ran no rule", name, v[0], v[1])
		}
		for _, f := range found.Violations {
			if f.Impact == "serious" || f.Impact == "critical" {
				b.t.Errorf("%s at %dx%d: %s (%s): %s on %v", name, v[0], v[1], f.ID, f.Impact, f.Help, f.Nodes)
			}
		}
	}
}
