// Package events holds the project's sample Lambda events (samples/) and the
// JSON Schemas of its domain events (schemas/). Tests load them from here.
package events

import (
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed samples/*.json
var samples embed.FS

// Sample decodes samples/<name>.json into v.
func Sample(name string, v any) error {
	b, err := samples.ReadFile("samples/" + name + ".json")
	if err != nil {
		return fmt.Errorf("sample %s: %w", name, err)
	}
	return json.Unmarshal(b, v)
}
