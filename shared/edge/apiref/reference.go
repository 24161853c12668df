// Package apiref renders the OpenAPI document as the reference page at
// GET /v1/docs. It is apart from package openapi so that only the function
// serving the page links html/template.
package apiref

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/partnerleads/pipeline/shared/edge/openapi"
)

// The reference page at GET /v1/docs: the document in words, one section
// per operation (who may call it, its parameters, body and answers) and the
// schemas, rendered once from Document by html/template, so every value is
// escaped. Its only style is inline, allowed by its hash in the CSP.

var (
	referenceOnce sync.Once
	referencePage []byte
	referenceCSP  string
)

// Reference is the page and the Content-Security-Policy to serve it with.
func Reference() (page []byte, csp string) {
	referenceOnce.Do(func() {
		sum := sha256.Sum256([]byte(referenceStyle))
		referenceCSP = "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
		page, err := renderReference(openapi.Document)
		if err != nil {
			panic("apiref: the embedded document does not render: " + err.Error()) // a test renders it
		}
		referencePage = page
	})
	return referencePage, referenceCSP
}

type refParam struct {
	Name, In, Type, Description string
	Required                    bool
}

type refOperation struct {
	ID, Method, Path, Summary, Description string
	Roles                                  []string
	Params                                 []refParam
	Body                                   string
	Responses                              []refResponse
}

type refResponse struct{ Status, Description, Schema string }

type refSchema struct{ Name, JSON string }

type refDoc struct {
	Title, Version, Description string
	Operations                  []refOperation
	Schemas                     []refSchema
	Style                       template.CSS
}

func renderReference(doc []byte) ([]byte, error) {
	var d struct {
		Info struct {
			Title, Version, Description string
		}
		Paths      map[string]map[string]json.RawMessage
		Components struct {
			Schemas map[string]json.RawMessage
		}
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	out := refDoc{Title: d.Info.Title, Version: d.Info.Version, Description: d.Info.Description, Style: template.CSS(referenceStyle)}
	for _, path := range slices.Sorted(maps.Keys(d.Paths)) {
		for _, method := range []string{"get", "post", "put", "patch", "delete"} {
			raw, ok := d.Paths[path][method]
			if !ok {
				continue
			}
			op, err := operation(method, path, raw)
			if err != nil {
				return nil, err
			}
			out.Operations = append(out.Operations, op)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(d.Components.Schemas)) {
		out.Schemas = append(out.Schemas, refSchema{Name: name, JSON: pretty(d.Components.Schemas[name])})
	}
	// Parsed here, not at init: only the function serving the page pays.
	tpl, err := template.New("reference").Parse(referenceHTML)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := tpl.Execute(&b, out); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func operation(method, path string, raw json.RawMessage) (refOperation, error) {
	var o struct {
		OperationID string `json:"operationId"`
		Summary     string
		Description string
		Roles       []string `json:"x-roles"`
		Parameters  []struct {
			Name, In, Description string
			Required              bool
			Schema                struct{ Type any }
		}
		RequestBody struct {
			Content map[string]struct{ Schema json.RawMessage }
		} `json:"requestBody"`
		Responses map[string]struct {
			Description string
			Content     map[string]struct{ Schema json.RawMessage }
		}
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		return refOperation{}, err
	}
	op := refOperation{ID: o.OperationID, Method: strings.ToUpper(method), Path: path, Summary: o.Summary, Description: o.Description, Roles: o.Roles}
	for _, p := range o.Parameters {
		op.Params = append(op.Params, refParam{Name: p.Name, In: p.In, Type: typeName(p.Schema.Type), Description: p.Description, Required: p.Required})
	}
	for _, c := range o.RequestBody.Content {
		op.Body = schemaText(c.Schema)
	}
	for _, status := range slices.Sorted(maps.Keys(o.Responses)) {
		r := o.Responses[status]
		resp := refResponse{Status: status, Description: r.Description}
		for _, c := range r.Content {
			resp.Schema = schemaText(c.Schema)
		}
		op.Responses = append(op.Responses, resp)
	}
	return op, nil
}

// schemaText names a referenced schema, or shows an inline one.
func schemaText(raw json.RawMessage) string {
	var ref struct {
		Ref string `json:"$ref"`
	}
	if json.Unmarshal(raw, &ref) == nil && ref.Ref != "" {
		return strings.TrimPrefix(ref.Ref, "#/components/schemas/")
	}
	return pretty(raw)
}

func typeName(t any) string {
	switch v := t.(type) {
	case string:
		return v
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i], _ = p.(string)
		}
		return strings.Join(parts, " | ")
	}
	return ""
}

func pretty(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}

const referenceStyle = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d2733;background:#f5f7fa}
main{max-width:980px;margin:0 auto;padding:1rem}nav ol{columns:2;font-size:.9rem}
section{background:#fff;border:1px solid #c9d0d8;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
h2{font-size:1.1rem;overflow-wrap:anywhere}code,pre{font:.85rem/1.4 ui-monospace,monospace}
pre{background:#f3f4f6;padding:.5rem;overflow-x:auto}.m{display:inline-block;min-width:4.5em;font-weight:700;color:#1f5fbf}
table{border-collapse:collapse;width:100%;table-layout:fixed}td pre{white-space:pre-wrap}code,td{overflow-wrap:anywhere}th,td{text-align:left;padding:.3rem;border-bottom:1px solid #c9d0d8;vertical-align:top}
a{color:#1f5fbf}@media(max-width:640px){nav ol{columns:1}}`

const referenceHTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} — reference</title>
<style>{{.Style}}</style>
</head>
<body>
<main>
<h1>{{.Title}} <small>{{.Version}}</small></h1>
<p>{{.Description}}</p>
<p>Referência da API (em inglês). The machine-readable document: <a href="openapi.json">openapi.json</a>. Authenticate with <code>Authorization: Bearer &lt;API key or ID token&gt;</code>; each operation lists the roles that may call it.</p>
<nav aria-label="Operations"><h2>Operations</h2><ol>
{{range .Operations}}<li><a href="#{{.ID}}"><span class="m">{{.Method}}</span> {{.Path}}</a></li>
{{end}}</ol></nav>
{{range .Operations}}<section id="{{.ID}}" aria-labelledby="{{.ID}}-title">
<h2 id="{{.ID}}-title"><span class="m">{{.Method}}</span> <code>{{.Path}}</code></h2>
<p>{{.Summary}}</p>{{if .Description}}<p>{{.Description}}</p>{{end}}
<p>Roles: {{if .Roles}}{{range $i, $r := .Roles}}{{if $i}}, {{end}}<code>{{$r}}</code>{{end}}{{else}}public{{end}}</p>
{{if .Params}}<table><caption>Parameters</caption><thead><tr><th scope="col">Name</th><th scope="col">In</th><th scope="col">Type</th><th scope="col">About</th></tr></thead><tbody>
{{range .Params}}<tr><td><code>{{.Name}}</code>{{if .Required}} (required){{end}}</td><td>{{.In}}</td><td>{{.Type}}</td><td>{{.Description}}</td></tr>
{{end}}</tbody></table>{{end}}
{{if .Body}}<h3>Body</h3>{{template "schema" .Body}}{{end}}
<h3>Answers</h3><table><thead><tr><th scope="col">Status</th><th scope="col">Meaning</th><th scope="col">Body</th></tr></thead><tbody>
{{range .Responses}}<tr><td>{{.Status}}</td><td>{{.Description}}</td><td>{{if .Schema}}{{template "schema" .Schema}}{{end}}</td></tr>
{{end}}</tbody></table>
</section>
{{end}}
<h2>Schemas</h2>
{{range .Schemas}}<section id="schema-{{.Name}}" aria-label="{{.Name}}"><h3>{{.Name}}</h3><pre tabindex="0">{{.JSON}}</pre></section>
{{end}}
</main>
</body>
</html>
{{define "schema"}}{{if or (eq (printf "%.1s" .) "{") (eq (printf "%.1s" .) "[")}}<pre tabindex="0">{{.}}</pre>{{else}}<a href="#schema-{{.}}"><code>{{.}}</code></a>{{end}}{{end}}`
