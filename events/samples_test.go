package events

import (
	"encoding/json"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	lambdaevents "github.com/aws/aws-lambda-go/events"
)

// Every sample decodes into its aws-lambda-go type and encodes back to the
// same JSON, so a sample can't drift from what Lambda really sends.
func TestSamplesRoundTrip(t *testing.T) {
	t.Parallel()
	types := map[string]func() any{
		"http-api-":        func() any { return &lambdaevents.APIGatewayV2HTTPRequest{} },
		"dynamodb-stream-": func() any { return &lambdaevents.DynamoDBEvent{} },
	}
	names, err := fs.Glob(samples, "samples/*.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "samples/"), ".json")
		var newT func() any
		for prefix, f := range types {
			if strings.HasPrefix(base, prefix) {
				newT = f
			}
		}
		if newT == nil {
			t.Errorf("%s: no event type for this sample", name)
			continue
		}
		raw, _ := samples.ReadFile(name)
		v := newT()
		if err := Sample(base, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		again, _ := json.Marshal(v)
		var a, b any
		_ = json.Unmarshal(raw, &a)
		_ = json.Unmarshal(again, &b)
		if !reflect.DeepEqual(prune(a), prune(b)) {
			t.Errorf("%s does not round-trip:\n%s", name, again)
		}
	}
}

// prune drops empty values, which the Go types omit or zero.
func prune(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if p := prune(e); p != nil {
				out[k] = p
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case string:
		if x == "" {
			return nil
		}
	case bool:
		if !x {
			return nil
		}
	case float64:
		if x == 0 {
			return nil
		}
	}
	return v
}
