package apiref

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/partnerleads/pipeline/shared/edge/openapi"
)

// The page has a section per operation, with its roles, and the schemas;
// its one inline style is the one its CSP allows by hash.
func TestReferenceShowsEveryOperation(t *testing.T) {
	page, csp := Reference()
	html := string(page)
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string   `json:"operationId"`
			Roles       []string `json:"x-roles"`
		}
	}
	if err := json.Unmarshal(openapi.Document, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for path, ops := range doc.Paths {
		for _, op := range ops {
			n++
			i := strings.Index(html, `<section id="`+op.OperationID+`"`)
			if i < 0 {
				t.Errorf("no section for %s (%s)", op.OperationID, path)
				continue
			}
			section := html[i : i+strings.Index(html[i:], "</section>")]
			if !strings.Contains(section, "<code>"+path+"</code>") {
				t.Errorf("section %s does not name its path %s", op.OperationID, path)
			}
			for _, r := range op.Roles {
				if !strings.Contains(section, "<code>"+r+"</code>") {
					t.Errorf("section %s does not name role %s", op.OperationID, r)
				}
			}
		}
	}
	if n < 60 {
		t.Fatalf("read %d operations from the document", n)
	}
	if !strings.Contains(html, `<section id="schema-Lead"`) || !strings.Contains(html, `href="#schema-Lead"`) {
		t.Error("the page neither shows nor links the Lead schema")
	}
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(html)
	if style == nil {
		t.Fatal("no style element")
	}
	sum := sha256.Sum256([]byte(style[1]))
	if want := "style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, want) || !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("CSP %q does not allow the page's style (%s) and nothing else", csp, want)
	}
	if strings.Contains(html, "<script") {
		t.Error("the page has a script")
	}
}

// Text from the document is escaped, never markup.
func TestReferenceEscapesTheDocument(t *testing.T) {
	doc := []byte(`{"info":{"title":"<b>T</b>","version":"1"},"paths":{"/x":{"get":{"operationId":"x","summary":"a <script>alert(1)</script>","responses":{"200":{"description":"ok"}}}}},"components":{"schemas":{}}}`)
	page, err := renderReference(doc)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(page); strings.Contains(s, "<script>") || strings.Contains(s, "<b>T</b>") || !strings.Contains(s, "&lt;script&gt;") {
		t.Fatalf("the page lets the document's text through as markup:\n%s", s)
	}
}
