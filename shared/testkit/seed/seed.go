// Package seed sets up routing through the HTTP API the way an admin would,
// for the end-to-end tests, the chaos run and the benchmarks: reps, and a
// rule for some partners' leads put in front of the current rule set.
package seed

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// API sends one request to the HTTP API and returns the status and the
// decoded JSON body (nil when the body is not a JSON object).
type API func(ctx context.Context, method, path, token, body string, header map[string]string) (status int, doc map[string]any, raw []byte, err error)

// Routing is the reps to save and the rule that sends the partners' leads
// to them, at any hour.
type Routing struct {
	RuleID   string
	Partners []string
	Reps     []string
	MaxOpen  int    // each rep's capacity; default 1,000
	Strategy string // default weighted_round_robin
}

// FallbackRep is the rule set's fallback owner when seed makes the set.
const FallbackRep = "mgr-seed"

// RepJSON is a rep working São Paulo business hours (the rule's
// allowAfterHours makes the hour of the run irrelevant).
func RepJSON(id string, maxOpen int) string {
	return fmt.Sprintf(`{"id":%q,"name":"Seed %s","active":true,"weight":1,"capacity":{"maxOpen":%d},
		"workingHours":{"timeZone":"America/Sao_Paulo","calendar":"BR","weekdays":[1,2,3,4,5],"start":"09:00","end":"18:00"}}`, id, id, maxOpen)
}

// RouteTo saves the reps and puts the rule in front of the current rule set,
// sending the version read as If-Match: when someone else saves meanwhile
// (a 409), it reads again and retries. It returns the saved version.
func RouteTo(ctx context.Context, api API, admin string, r Routing) (int, error) {
	maxOpen, strategy := r.MaxOpen, r.Strategy
	if maxOpen == 0 {
		maxOpen = 1000
	}
	if strategy == "" {
		strategy = "weighted_round_robin"
	}
	// The fallback owner takes leads like any rep, so it is one.
	for _, id := range append(slices.Clone(r.Reps), FallbackRep) {
		if status, _, raw, err := api(ctx, "PUT", "/v1/admin/reps/"+id, admin, RepJSON(id, maxOpen), nil); err != nil || status != 200 {
			return 0, fmt.Errorf("put rep %s: %d %s %v", id, status, raw, err)
		}
	}
	rule := map[string]any{"id": r.RuleID, "when": map[string]any{"partners": r.Partners}, "pool": r.Reps,
		"strategy": strategy, "allowAfterHours": true}
	for range 5 {
		rs := map[string]any{"fallbackOwner": FallbackRep, "scoring": map[string]any{"gradeA": 80, "gradeB": 40, "completenessPoints": 40}}
		var header map[string]string
		status, cur, raw, err := api(ctx, "GET", "/v1/admin/routing/rules", admin, "", nil)
		switch {
		case err != nil:
			return 0, err
		case status == 200 && cur != nil:
			rs = cur
			header = map[string]string{"If-Match": fmt.Sprint(rs["version"])}
			delete(rs, "version")
		case status == 409 && cur["type"] == "urn:partnerleads:problem:no-rule-set":
			// nothing saved yet: start from an empty set
		default:
			return 0, fmt.Errorf("read rules: %d %s", status, raw)
		}
		// A save that landed though its answer was lost (the SDK resends,
		// the resend finds the version taken: 409) left the rule in the
		// set; replace it rather than add it twice.
		rules, _ := rs["rules"].([]any)
		rules = slices.DeleteFunc(slices.Clone(rules), func(x any) bool {
			m, _ := x.(map[string]any)
			return m["id"] == r.RuleID
		})
		rs["rules"] = append([]any{rule}, rules...)
		body, _ := json.Marshal(rs)
		status, saved, raw, err := api(ctx, "PUT", "/v1/admin/routing/rules", admin, string(body), header)
		if err != nil {
			return 0, err
		}
		switch status {
		case 201:
			v, ok := saved["version"].(float64)
			if !ok {
				return 0, fmt.Errorf("saved rules without a version: %s", raw)
			}
			return int(v), nil
		case 409:
			continue
		}
		return 0, fmt.Errorf("save rules: %d %s", status, raw)
	}
	return 0, fmt.Errorf("save rules: 5 conflicts in a row")
}
