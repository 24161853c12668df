package events

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schemas/*.json
var schemaFiles embed.FS

// Schema compiles the JSON Schema of a domain event type and version, e.g.
// ("lead.created", 1), with the envelope it builds on.
func Schema(eventType string, version int) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	names, _ := fs.Glob(schemaFiles, "schemas/*.json")
	for _, n := range names {
		b, _ := schemaFiles.ReadFile(n)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		if err := c.AddResource(id, doc); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
	}
	c.AssertFormat()
	return c.Compile(fmt.Sprintf("urn:partnerleads:event:%s:v%d", eventType, version))
}
