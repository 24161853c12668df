package chaos

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/partnerleads/pipeline/shared/aws/dynamo/schema"
)

// Template is what the harness needs of a synthesized CloudFormation
// template: the same tables, functions, rules, event source mappings and
// routes that go to AWS.
type Template struct {
	Dir       string                  // the cloud assembly directory holding the assets
	Tables    map[string]schema.Table // by logical id; the shape is the schema's, which the stack builds from
	Functions map[string]FunctionSpec
	// PeopleOnly are the functions left out of the harness because they
	// need the user pool (the web app's), by logical id.
	PeopleOnly map[string]FunctionSpec
	Queues     []string   // queue logical ids; the harness sets its own visibility timeout
	Rules      []RuleSpec // rules on the stack's event bus
	Mappings   []MappingSpec
	Routes     []RouteSpec
	Bus        string // the event bus's logical id
	Buckets    []string
}

// FunctionSpec is an AWS::Lambda::Function: its bundled binary and its
// environment, whose values may reference other resources.
type FunctionSpec struct {
	Asset      string // directory under Dir holding the bootstrap binary
	Env        map[string]Value
	Timeout    int
	MemorySize int
}

// RuleSpec is an AWS::Events::Rule on the bus with one target.
type RuleSpec struct {
	ID      string
	Pattern json.RawMessage
	Target  string // a function's or a queue's logical id
}

// MappingSpec is an AWS::Lambda::EventSourceMapping.
type MappingSpec struct {
	ID        string
	Source    string // the table's or the queue's logical id
	Stream    bool   // Source is a table stream
	Function  string
	BatchSize int
	Filters   []json.RawMessage // event patterns, any of which must match
}

// RouteSpec is one HTTP API route and the function behind it.
type RouteSpec struct {
	Method, Path string
	Function     string
}

// Value is a template value: a literal, {"Ref": id} or {"Fn::GetAtt": [id, attr]}.
type Value struct {
	Literal string
	Ref     string
	Attr    string
}

func (v *Value) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &v.Literal); err == nil {
		return nil
	}
	var ref struct {
		Ref    string   `json:"Ref"`
		GetAtt []string `json:"Fn::GetAtt"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		return err
	}
	v.Ref = ref.Ref
	if len(ref.GetAtt) == 2 {
		v.Ref, v.Attr = ref.GetAtt[0], ref.GetAtt[1]
	}
	if v.Ref == "" {
		return fmt.Errorf("unsupported template value %s", b)
	}
	return nil
}

type resource struct {
	Type       string          `json:"Type"`
	Properties json.RawMessage `json:"Properties"`
	Metadata   struct {
		AssetPath string `json:"aws:asset:path"`
	} `json:"Metadata"`
}

// ReadTemplate reads stack's template from the cloud assembly in dir.
func ReadTemplate(dir, stack string) (*Template, error) {
	raw, err := os.ReadFile(filepath.Join(dir, stack+".template.json"))
	if err != nil {
		return nil, fmt.Errorf("read the synthesized template (run make synth or make deploy-local first): %w", err)
	}
	var doc struct {
		Resources map[string]resource `json:"Resources"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s template: %w", stack, err)
	}
	t := &Template{Dir: dir, Tables: map[string]schema.Table{}, Functions: map[string]FunctionSpec{}, PeopleOnly: map[string]FunctionSpec{}}
	ids := make([]string, 0, len(doc.Resources))
	for id := range doc.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	integrations := map[string]string{} // integration id → function id
	var routes []struct {
		RouteKey string
		Target   json.RawMessage
		ApiID    Value `json:"ApiId"`
	}
	people := map[string]bool{}  // APIs with a JWT authorizer: the app's, for people's tokens
	cognito := map[string]bool{} // the user pool and its parts, which the harness does not create
	for _, id := range ids {
		r := doc.Resources[id]
		var err error
		switch r.Type {
		case "AWS::DynamoDB::Table":
			st, ok := tableOf(id)
			if !ok {
				return nil, fmt.Errorf("table %s is not in shared/aws/dynamo/schema", id)
			}
			t.Tables[id] = st
		case "AWS::Lambda::Function":
			var p struct {
				Timeout     int
				MemorySize  int
				Environment struct{ Variables map[string]Value }
			}
			err = json.Unmarshal(r.Properties, &p)
			t.Functions[id] = FunctionSpec{Asset: r.Metadata.AssetPath, Env: p.Environment.Variables, Timeout: p.Timeout, MemorySize: p.MemorySize}
		case "AWS::SQS::Queue":
			t.Queues = append(t.Queues, id)
		case "AWS::Events::EventBus":
			t.Bus = id
		case "AWS::S3::Bucket":
			t.Buckets = append(t.Buckets, id)
		case "AWS::Events::Rule":
			err = t.addRule(id, r.Properties)
		case "AWS::Lambda::EventSourceMapping":
			err = t.addMapping(id, r.Properties)
		case "AWS::ApiGatewayV2::Integration":
			var p struct {
				IntegrationURI Value `json:"IntegrationUri"`
			}
			err = json.Unmarshal(r.Properties, &p)
			integrations[id] = p.IntegrationURI.Ref
		case "AWS::ApiGatewayV2::Route":
			var p struct {
				RouteKey string
				Target   json.RawMessage
				ApiID    Value `json:"ApiId"`
			}
			err = json.Unmarshal(r.Properties, &p)
			routes = append(routes, p)
		case "AWS::ApiGatewayV2::Authorizer":
			var p struct {
				ApiID Value `json:"ApiId"`
			}
			err = json.Unmarshal(r.Properties, &p)
			people[p.ApiID.Ref] = true
		}
		if strings.HasPrefix(r.Type, "AWS::Cognito::") {
			cognito[id] = true
		}
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", r.Type, id, err)
		}
	}
	// The harness drives the pipeline as machines do, with API keys: the
	// people's API (the same routes behind a JWT authorizer) and the
	// functions that need the user pool (the web app's) are left out.
	for id, f := range t.Functions {
		for _, v := range f.Env {
			if cognito[v.Ref] {
				t.PeopleOnly[id] = f
				delete(t.Functions, id)
			}
		}
	}
	for _, r := range routes {
		if people[r.ApiID.Ref] {
			continue
		}
		method, path, _ := strings.Cut(r.RouteKey, " ")
		var join struct {
			Join []json.RawMessage `json:"Fn::Join"`
		}
		var parts []Value
		if err := json.Unmarshal(r.Target, &join); err != nil || len(join.Join) != 2 || json.Unmarshal(join.Join[1], &parts) != nil || len(parts) != 2 {
			return nil, fmt.Errorf("route %s: unsupported target %s", r.RouteKey, r.Target)
		}
		t.Routes = append(t.Routes, RouteSpec{Method: method, Path: path, Function: integrations[parts[1].Ref]})
	}
	return t, nil
}

func (t *Template) addRule(id string, props json.RawMessage) error {
	var p struct {
		EventBusName *Value
		EventPattern json.RawMessage
		Targets      []struct{ Arn Value }
	}
	if err := json.Unmarshal(props, &p); err != nil {
		return err
	}
	if p.EventBusName == nil {
		return nil // a schedule: not part of the event flow
	}
	if len(p.Targets) != 1 {
		return fmt.Errorf("want one target, found %d", len(p.Targets))
	}
	t.Rules = append(t.Rules, RuleSpec{ID: id, Pattern: p.EventPattern, Target: p.Targets[0].Arn.Ref})
	return nil
}

func (t *Template) addMapping(id string, props json.RawMessage) error {
	var p struct {
		EventSourceArn Value
		FunctionName   Value
		BatchSize      int
		FilterCriteria struct{ Filters []struct{ Pattern string } }
	}
	if err := json.Unmarshal(props, &p); err != nil {
		return err
	}
	m := MappingSpec{ID: id, Source: p.EventSourceArn.Ref, Stream: p.EventSourceArn.Attr == "StreamArn", Function: p.FunctionName.Ref, BatchSize: p.BatchSize}
	if m.BatchSize == 0 {
		m.BatchSize = 10
	}
	for _, f := range p.FilterCriteria.Filters {
		m.Filters = append(m.Filters, json.RawMessage(f.Pattern))
	}
	t.Mappings = append(t.Mappings, m)
	return nil
}

// FunctionByPrefix returns the logical id CDK made of a construct id
// ("Intake" → "IntakeA0CA28E8").
func (t *Template) FunctionByPrefix(prefix string) (string, bool) {
	return logicalID(slices.Collect(maps.Keys(t.Functions)), prefix)
}

// BucketByPrefix is the same for a bucket ("Exports" → "Exports2A3B4C5D").
func (t *Template) BucketByPrefix(prefix string) (string, bool) {
	return logicalID(t.Buckets, prefix)
}

func logicalID(ids []string, construct string) (string, bool) {
	for _, id := range ids {
		if strings.HasPrefix(id, construct) && len(id) == len(construct)+8 {
			return id, true
		}
	}
	return "", false
}

// tableOf is the schema of a table by its logical id (the CDK id plus a hash).
func tableOf(logicalID string) (schema.Table, bool) {
	for _, t := range schema.All {
		if rest, ok := strings.CutPrefix(logicalID, t.ID); ok && len(rest) == 8 {
			return t, true
		}
	}
	return schema.Table{}, false
}
