package endpoints_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/edge/endpoints"
	"github.com/partnerleads/pipeline/shared/edge/openapi"
)

// The OpenAPI document lists exactly the table's /v1 operations, each with
// the table's roles in x-roles: a widened or a forgotten endpoint fails here.
func TestTableMatchesTheOpenAPIDocument(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document)
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string][]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			var roles []string
			raw, ok := op.Extensions["x-roles"]
			if !ok {
				t.Errorf("%s %s has no x-roles", method, path)
				continue
			}
			b, _ := json.Marshal(raw)
			if err := json.Unmarshal(b, &roles); err != nil {
				t.Errorf("%s %s: x-roles %s: %v", method, path, b, err)
			}
			documented[method+" "+path] = roles
		}
	}
	seen := map[string]bool{}
	for _, e := range endpoints.All {
		if seen[e.Key()] {
			t.Errorf("%s is in the table twice", e.Key())
		}
		seen[e.Key()] = true
		if !strings.HasPrefix(e.Path, "/v1/") {
			continue // the dashboard's static files are not API operations
		}
		roles, ok := documented[e.Key()]
		if !ok {
			t.Errorf("%s is in the table but not in the OpenAPI document", e.Key())
			continue
		}
		var want []string
		for _, r := range e.Roles {
			want = append(want, string(r))
		}
		slices.Sort(want)
		slices.Sort(roles)
		if !slices.Equal(want, roles) {
			t.Errorf("%s: the table allows %v, the document says %v", e.Key(), want, roles)
		}
		if (e.Roles == nil) != (len(roles) == 0) {
			t.Errorf("%s: public in one and not the other", e.Key())
		}
	}
	for op := range documented {
		if !seen[op] {
			t.Errorf("%s is documented but no function serves it", op)
		}
	}
}

func TestEveryRoleIsKnown(t *testing.T) {
	t.Parallel()
	for _, e := range endpoints.All {
		for _, r := range e.Roles {
			if !slices.Contains(auth.Roles, r) {
				t.Errorf("%s names role %q", e.Key(), r)
			}
		}
		if !slices.Contains(endpoints.Functions(), e.Function) {
			t.Errorf("%s: function %q", e.Key(), e.Function)
		}
	}
}
