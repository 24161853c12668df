package openapi

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestDocumentIsValidOpenAPI31(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(Document)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %s", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	for _, p := range []string{"/v1/leads", "/v1/leads/{id}", "/v1/openapi.json", "/v1/admin/keys"} {
		if doc.Paths.Find(p) == nil {
			t.Errorf("path %s is not documented", p)
		}
	}
}

// Every answer the edge can give must be documented: a key problem and
// "busy" on every secured operation, the rate limit on every one a partner
// can call, a body problem on every operation that takes one.
func TestEveryOperationDocumentsTheEdgeErrors(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(Document)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			var want []int
			if op.Security == nil || len(*op.Security) > 0 {
				want = append(want, 401, 403, 500, 503)
				if slices.Contains(roles(op), "partner") {
					want = append(want, 429)
				}
			}
			if op.RequestBody != nil {
				want = append(want, 400, 413, 415)
			}
			for _, code := range want {
				if op.Responses.Status(code) == nil {
					t.Errorf("%s %s does not document %d", method, path, code)
				}
			}
		}
	}
}

// roles is the operation's x-roles.
func roles(op *openapi3.Operation) []string {
	var out []string
	b, _ := json.Marshal(op.Extensions["x-roles"])
	_ = json.Unmarshal(b, &out)
	return out
}
