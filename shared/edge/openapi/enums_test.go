package openapi

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/notify"
	"github.com/partnerleads/pipeline/shared/domain/routing"
)

// Every enum of the document that lists a registry's names lists exactly
// them: a strategy, plan type or channel kind registered in code but not
// documented (or the other way round) fails here.
func TestEnumsMatchTheRegistries(t *testing.T) {
	t.Parallel()
	var raw any
	if err := json.Unmarshal(Document, &raw); err != nil {
		t.Fatalf("decode: %v", err)
	}
	enums := map[string][]string{} // by JSON pointer
	collectEnums(raw, "", enums)
	registries := []struct {
		name  string
		names []string
		// at is where the document must carry the enum, at least.
		at []string
	}{
		{"routing.StrategyNames", routing.StrategyNames(), []string{
			"/components/schemas/Decision/properties/strategy",
			"/components/schemas/RuleSet/properties/rules/items/properties/strategy",
		}},
		{"commission.PlanTypeNames", commission.PlanTypeNames(), []string{
			"/components/schemas/Plan/properties/type",
		}},
		{"notify.ChannelKindNames", notify.ChannelKindNames(), []string{
			"/components/schemas/Channel/properties/kind",
		}},
		{"lead.TouchChannels", lead.TouchChannels, []string{
			"/components/schemas/HistoryEntry/properties/touch/properties/channel",
			"/paths/~1v1~1leads~1{id}~1touches/post/requestBody/content/application~1json/schema/properties/channel",
		}},
		{"lead.TouchOutcomes", lead.TouchOutcomes, []string{
			"/components/schemas/HistoryEntry/properties/touch/properties/outcome",
			"/paths/~1v1~1leads~1{id}~1touches/post/requestBody/content/application~1json/schema/properties/outcome",
		}},
	}
	for _, r := range registries {
		var found []string
		for at, values := range enums {
			// An enum is the registry's when it shares most of its names (a
			// lead's source and a touch's channel share only "whatsapp").
			shared := 0
			for _, v := range values {
				if slices.Contains(r.names, v) {
					shared++
				}
			}
			if 2*shared <= min(len(values), len(r.names)) {
				continue
			}
			found = append(found, at)
			if missing := diff(r.names, values); len(missing) > 0 {
				t.Errorf("%s: the enum lacks %q, which %s registers", at, missing, r.name)
			}
			if extra := diff(values, r.names); len(extra) > 0 {
				t.Errorf("%s: the enum has %q, which %s does not register", at, extra, r.name)
			}
		}
		for _, at := range r.at {
			if !slices.Contains(found, at) {
				t.Errorf("%s: no enum of %s (%s)", at, r.name, strings.Join(r.names, ", "))
			}
		}
	}
}

// collectEnums records every "enum" under v by its JSON pointer. A null
// value only marks a nullable enum and is left out.
func collectEnums(v any, at string, out map[string][]string) {
	switch x := v.(type) {
	case map[string]any:
		if list, ok := x["enum"].([]any); ok {
			var values []string
			for _, e := range list {
				if e != nil {
					values = append(values, jsonString(e))
				}
			}
			out[at] = values
		}
		for k, child := range x {
			collectEnums(child, at+"/"+strings.NewReplacer("~", "~0", "/", "~1").Replace(k), out)
		}
	case []any:
		for i, child := range x {
			collectEnums(child, at+"/"+strconv.Itoa(i), out)
		}
	}
}

// jsonString is a string enum value as is, any other as its JSON, so that
// it matches no registered name.
func jsonString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// diff is what a has and b lacks.
func diff(a, b []string) []string {
	var out []string
	for _, v := range a {
		if !slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}
