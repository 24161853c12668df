package chaos

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Response is an HTTP API answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Call plays API Gateway: it finds the route the template gives method and
// path, invokes its function with a payload-2.0 event and returns the
// answer. A function error or timeout is a 502 or 504, as API Gateway
// answers them.
func (w *World) Call(ctx context.Context, method, path string, header http.Header, body string) (Response, error) {
	rawPath, query, _ := strings.Cut(path, "?")
	fn := w.route(method, rawPath)
	if fn == nil {
		return Response{}, fmt.Errorf("no route for %s %s", method, rawPath)
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RawPath: rawPath, RawQueryString: query, Body: body, Headers: map[string]string{},
		QueryStringParameters: map[string]string{},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "chaos-" + strconv.FormatInt(time.Now().UnixNano(), 36), TimeEpoch: time.Now().UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: rawPath, SourceIP: "127.0.0.1", Protocol: "HTTP/1.1"},
		},
	}
	for k, v := range header {
		ev.Headers[strings.ToLower(k)] = strings.Join(v, ",")
	}
	values, err := url.ParseQuery(query)
	if err != nil {
		return Response{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	for k, v := range values {
		ev.QueryStringParameters[k] = strings.Join(v, ",")
	}
	payload, _ := json.Marshal(ev)
	w.requests.Add(1)
	out, err := fn.Invoke(ctx, payload)
	switch {
	case IsFunctionError(err):
		return Response{Status: http.StatusBadGateway, Header: http.Header{}}, nil
	case err != nil:
		return Response{Status: http.StatusGatewayTimeout, Header: http.Header{}}, nil
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		return Response{}, fmt.Errorf("%s %s: the function's answer is not an HTTP response: %w", method, rawPath, err)
	}
	r := Response{Status: resp.StatusCode, Header: http.Header{}, Body: []byte(resp.Body)}
	for k, v := range resp.Headers {
		r.Header.Set(k, v)
	}
	return r, nil
}

// route matches a path against the template's route keys: {name} is one
// segment, {name+} the rest.
func (w *World) route(method, path string) *Function {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, r := range w.cfg.Template.Routes {
		if r.Method != method && r.Method != "ANY" {
			continue
		}
		want := strings.Split(strings.Trim(r.Path, "/"), "/")
		if routeMatches(want, segs) {
			return w.fns[r.Function]
		}
	}
	return nil
}

func routeMatches(want, got []string) bool {
	for i, p := range want {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "+}") {
			return len(got) > i
		}
		if i >= len(got) || (p != got[i] && !strings.HasPrefix(p, "{")) {
			return false
		}
	}
	return len(want) == len(got)
}
