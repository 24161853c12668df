// Package httpapi is the edge between API Gateway (HTTP API, payload 2.0) and
// the domain: routing, authentication, request decoding, and the one place
// where typed domain errors become status codes and RFC 9457 problems.
package httpapi

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"strconv"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/fault"
)

// ProblemTypePrefix starts every problem type URI; the suffixes are stable
// and documented in the OpenAPI document.
const ProblemTypePrefix = "urn:partnerleads:problem:"

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type   string             `json:"type"`
	Title  string             `json:"title"`
	Status int                `json:"status"`
	Detail string             `json:"detail,omitempty"`
	Errors []fault.FieldError `json:"errors,omitempty"`
	// Extensions are extra members (existingLeadId).
	Extensions map[string]string `json:"-"`
	// RetryAfter, in seconds, becomes the Retry-After header.
	RetryAfter int `json:"-"`
}

// MarshalJSON writes the extensions as members beside the standard ones.
func (p Problem) MarshalJSON() ([]byte, error) {
	type plain Problem
	b, err := json.Marshal(plain(p))
	if err != nil || len(p.Extensions) == 0 {
		return b, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range p.Extensions {
		if _, taken := m[k]; !taken {
			m[k] = v
		}
	}
	return json.Marshal(m)
}

// statusOf is the one place a kind of fault becomes an HTTP status.
var statusOf = map[fault.Kind]int{
	fault.Malformed:       http.StatusBadRequest,
	fault.Invalid:         http.StatusUnprocessableEntity,
	fault.Unauthenticated: http.StatusUnauthorized,
	fault.Forbidden:       http.StatusForbidden,
	fault.NotFound:        http.StatusNotFound,
	fault.Conflict:        http.StatusConflict,
	fault.TooLarge:        http.StatusRequestEntityTooLarge,
	fault.RateLimited:     http.StatusTooManyRequests,
	fault.Unavailable:     http.StatusServiceUnavailable,
}

// edgeError is a problem raised by the edge itself, before the domain, with
// a status no domain fault has (405, 415).
type edgeProblem struct{ p Problem }

func (e *edgeProblem) Error() string { return e.p.Title }

func edgeError(status int, slug, title, detail string) error {
	return &edgeProblem{Problem{Type: ProblemTypePrefix + slug, Title: title, Status: status, Detail: detail}}
}

// ProblemFor is the problem an error answers with; bulk endpoints use it to
// report each row the same way a single request would be answered.
func ProblemFor(err error) Problem {
	p, _ := problemFor(err)
	return p
}

// problemFor maps an error to its problem; known is false for an error no
// one classified (a 500, logged by the router).
func problemFor(err error) (p Problem, known bool) {
	var ep *edgeProblem
	if errors.As(err, &ep) {
		return ep.p, true
	}
	f, ok := fault.Of(err)
	var status int
	if ok {
		status, ok = statusOf[f.Kind]
	}
	if !ok && busy(err) {
		return busyProblem(), false // answered as retryable, and still logged
	}
	if !ok {
		return Problem{Type: ProblemTypePrefix + "internal", Title: "Internal error", Status: http.StatusInternalServerError,
			Detail: "the request could not be completed; it is safe to retry with the same Idempotency-Key"}, false
	}
	p = Problem{Type: ProblemTypePrefix + f.Slug, Title: f.Title, Status: status, Detail: f.Detail, Errors: f.Fields, Extensions: maps.Clone(f.Extensions)}
	if f.RetryAfter > 0 {
		p.RetryAfter = max(1, int(f.RetryAfter.Seconds()))
	}
	return p, true
}

func problemResponse(p Problem) events.APIGatewayV2HTTPResponse {
	r := jsonResponse(p.Status, p)
	r.Headers["Content-Type"] = "application/problem+json"
	if p.RetryAfter > 0 {
		r.Headers["Retry-After"] = strconv.Itoa(p.RetryAfter)
	}
	if p.Status == http.StatusUnauthorized {
		r.Headers["WWW-Authenticate"] = `Bearer realm="partner-leads"`
	}
	return r
}
