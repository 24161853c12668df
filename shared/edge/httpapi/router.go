package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/edge/endpoints"
)

// Request is what a route handler gets: the raw event, the caller and the
// path parameters.
type Request struct {
	Event     events.APIGatewayV2HTTPRequest
	Principal auth.Principal
	Params    map[string]string
}

// Header returns a request header, whatever its case.
func (r Request) Header(name string) string {
	for k, v := range r.Event.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// Query returns a query string parameter.
func (r Request) Query(name string) string { return r.Event.QueryStringParameters[name] }

// Body returns the decoded body, refusing one over limit bytes.
func (r Request) Body(limit int) ([]byte, error) {
	body := r.Event.Body
	if len(body) > limit*4/3+4 {
		return nil, edgeError(http.StatusRequestEntityTooLarge, "body-too-large", "Request body too large", "the body exceeds the size limit")
	}
	var b []byte
	if r.Event.IsBase64Encoded {
		var err error
		if b, err = base64.StdEncoding.DecodeString(body); err != nil {
			return nil, edgeError(http.StatusBadRequest, "malformed-json", "Malformed body", "the body is not valid base64")
		}
	} else {
		b = []byte(body)
	}
	if len(b) > limit {
		return nil, edgeError(http.StatusRequestEntityTooLarge, "body-too-large", "Request body too large", "the body exceeds the size limit")
	}
	return b, nil
}

// MediaType is the body's declared media type, lower case and without
// parameters ("text/csv; charset=utf-8" is "text/csv"); "" if unreadable.
func (r Request) MediaType() string {
	mt, _, err := mime.ParseMediaType(r.Header("Content-Type"))
	if err != nil {
		return ""
	}
	return mt
}

// RequireJSON refuses a body that is not declared as JSON.
func (r Request) RequireJSON() error {
	if r.MediaType() != "application/json" {
		return UnsupportedMediaType("send the body as application/json")
	}
	return nil
}

// JSONBody returns a body declared as JSON, of at most limit bytes.
func (r Request) JSONBody(limit int) ([]byte, error) {
	if err := r.RequireJSON(); err != nil {
		return nil, err
	}
	return r.Body(limit)
}

// DecodeJSON reads a JSON body of at most limit bytes strictly into v.
func (r Request) DecodeJSON(limit int, v any) error {
	body, err := r.JSONBody(limit)
	if err != nil {
		return err
	}
	return validation.Decode(body, v)
}

// UnsupportedMediaType is a 415 problem.
func UnsupportedMediaType(detail string) error {
	return edgeError(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type", detail)
}

// Response is a route's successful answer.
type Response = events.APIGatewayV2HTTPResponse

// HandlerFunc serves one route.
type HandlerFunc func(ctx context.Context, r Request) (Response, error)

// Route binds a method and a path pattern ("/v1/leads/{id}") to a handler.
// Roles lists who may call it; an empty list makes the route public.
type Route struct {
	Method  string
	Pattern string
	Roles   []auth.Role
	Handler HandlerFunc
}

// Authenticator checks the Authorization header.
type Authenticator interface {
	Authenticate(ctx context.Context, header string) (auth.Principal, error)
	Person(ctx context.Context, claims map[string]string) (auth.Principal, error)
}

// Limiter bounds a partner's request rate (ratelimit.Limiter).
type Limiter interface {
	Allow(ctx context.Context, partnerID string) error
}

// Router dispatches API Gateway events to routes. With a Limiter, partner
// keys' requests are counted after authentication.
type Router struct {
	Routes  []Route
	Auth    Authenticator
	Limiter Limiter
	Log     *slog.Logger
}

// Handle is the Lambda handler. It never returns an error: every failure is
// an HTTP answer, and the failure is logged once here.
func (rt Router) Handle(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	start := time.Now()
	method, path := ev.RequestContext.HTTP.Method, ev.RawPath
	if path == "" {
		path = ev.RequestContext.HTTP.Path
	}
	req := Request{Event: ev}
	resp, route, err := rt.dispatch(ctx, method, path, &req)
	if err != nil {
		p, known := problemFor(err)
		resp = problemResponse(p)
		if !known {
			rt.Log.ErrorContext(ctx, "request failed", "route", route, "error", err.Error())
		}
	}
	rt.Log.InfoContext(ctx, "request",
		"route", route, "status", resp.StatusCode, "keyId", req.Principal.KeyID, "userId", req.Principal.UserID,
		"role", string(req.Principal.Role), "partnerId", req.Principal.PartnerID,
		"ms", float64(time.Since(start).Microseconds())/1000)
	return resp, nil
}

// principal is the caller: a person whose token the API's JWT authorizer
// checked (the app's API), or else the holder of an API key.
func (rt Router) principal(ctx context.Context, req *Request) (auth.Principal, error) {
	if a := req.Event.RequestContext.Authorizer; a != nil && a.JWT != nil {
		if rt.Auth == nil {
			return auth.Principal{}, auth.ErrUnauthenticated // no way to check removals: refuse
		}
		return rt.Auth.Person(ctx, a.JWT.Claims)
	}
	return rt.Auth.Authenticate(ctx, req.Header("Authorization"))
}

func (rt Router) dispatch(ctx context.Context, method, path string, req *Request) (Response, string, error) {
	methodMismatch := false
	for _, r := range rt.Routes {
		params, ok := match(r.Pattern, path)
		if !ok {
			continue
		}
		if r.Method != method {
			methodMismatch = true
			continue
		}
		name := r.Method + " " + r.Pattern
		req.Params = params
		if err := emptyParameter(req.Event.QueryStringParameters); err != nil {
			return Response{}, name, err
		}
		if len(r.Roles) > 0 {
			p, err := rt.principal(ctx, req)
			if err != nil {
				return Response{}, name, err
			}
			req.Principal = p
			if !p.Has(r.Roles...) {
				return Response{}, name, auth.ErrForbidden
			}
			if rt.Limiter != nil && p.Role == auth.RolePartner {
				if err := rt.Limiter.Allow(ctx, p.PartnerID); err != nil {
					return Response{}, name, err
				}
			}
		}
		resp, err := r.Handler(ctx, *req)
		return resp, name, err
	}
	if methodMismatch {
		return Response{}, "unmatched", edgeError(http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed", method+" is not supported on "+path)
	}
	return Response{}, "unmatched", edgeError(http.StatusNotFound, "not-found", "Not found", "no such route")
}

// startParameters may be sent empty: an empty cursor is the first page.
var startParameters = map[string]bool{"cursor": true, "after": true}

// emptyParameter refuses a query parameter sent with no value
// (?updatedSince=): read as absent it would quietly widen the request.
func emptyParameter(q map[string]string) error {
	for k, v := range q {
		if v == "" && !startParameters[k] {
			return BadRequest("invalid-parameter", "Empty parameter", k+" has no value: leave it out, or give one")
		}
	}
	return nil
}

// match reports whether path fits pattern, returning "{name}" segments.
func match(pattern, path string) (map[string]string, bool) {
	ps, xs := strings.Split(strings.Trim(pattern, "/"), "/"), strings.Split(strings.Trim(path, "/"), "/")
	if len(ps) != len(xs) {
		return nil, false
	}
	var params map[string]string
	for i, p := range ps {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if xs[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[p[1:len(p)-1]] = xs[i]
			continue
		}
		if p != xs[i] {
			return nil, false
		}
	}
	return params, true
}

// JSON answers with a JSON body.
func JSON(status int, v any) Response { return jsonResponse(status, v) }

func jsonResponse(status int, v any) events.APIGatewayV2HTTPResponse {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"type":"`+ProblemTypePrefix+`internal","title":"Internal error","status":500}`)
	}
	return events.APIGatewayV2HTTPResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"},
		Body:       string(b),
	}
}

// BadRequest is a problem about one query or header parameter.
func BadRequest(slug, title, detail string) error {
	return edgeError(http.StatusBadRequest, slug, title, detail)
}

// Bind makes a function's routes from its rows of the endpoint table
// (endpoints.Of): handlers are keyed "METHOD /path". Every row needs a
// handler and every handler a row; otherwise Bind fails, and so does the
// cold start.
func Bind(rows []endpoints.Endpoint, handlers map[string]HandlerFunc) ([]Route, error) {
	var errs []error
	routes := make([]Route, 0, len(rows))
	bound := map[string]bool{}
	for _, e := range rows {
		h, ok := handlers[e.Key()]
		if !ok {
			errs = append(errs, fmt.Errorf("no handler for %s", e.Key()))
			continue
		}
		bound[e.Key()] = true
		routes = append(routes, Route{Method: e.Method, Pattern: e.Path, Roles: e.Roles, Handler: h})
	}
	for k := range handlers {
		if !bound[k] {
			errs = append(errs, fmt.Errorf("%s has a handler but is not in the endpoint table for this function", k))
		}
	}
	return routes, errors.Join(errs...)
}

// MustBind is Bind for a cold start: it panics on a mismatch, which the
// function's handler tests catch first.
func MustBind(function string, handlers map[string]HandlerFunc) []Route {
	routes, err := Bind(endpoints.Of(function), handlers)
	if err != nil {
		panic(fmt.Sprintf("%s routes: %v", function, err))
	}
	return routes
}

// IfMatch reads the version the caller last read, from If-Match: a bare
// number, an entity tag ("3") or a weak one (W/"3"); 0 when absent.
func (r Request) IfMatch() (int64, error) {
	h := strings.TrimSpace(r.Header("If-Match"))
	if h == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), 10, 64)
	if err != nil || v < 1 {
		return 0, BadRequest("invalid-if-match", "Invalid If-Match", `send the version you read as If-Match: "3"`)
	}
	return v, nil
}

// ETag is a version as an entity tag, for If-Match.
func ETag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }
