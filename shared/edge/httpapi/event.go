package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// HandleJSON is the Lambda entry point: it decodes the event as Decode does
// and hands it to Handle.
func (rt Router) HandleJSON(ctx context.Context, raw json.RawMessage) (Response, error) {
	ev, err := Decode(raw)
	if err != nil {
		return Response{}, err
	}
	return rt.Handle(ctx, ev)
}

// Decode reads an API Gateway event. A JWT authorizer's claims are strings
// on AWS but keep their JSON types on the emulator (groups as an array), so
// each claim that is not a string is kept as its JSON text.
func Decode(raw []byte) (events.APIGatewayV2HTTPRequest, error) {
	var ev events.APIGatewayV2HTTPRequest
	err := json.Unmarshal(raw, &ev)
	var typeErr *json.UnmarshalTypeError
	if err != nil && !(errors.As(err, &typeErr) && strings.Contains(typeErr.Field, "claims")) {
		return ev, fmt.Errorf("decode API Gateway event: %w", err)
	}
	var claims struct {
		RequestContext struct {
			Authorizer *struct {
				JWT *struct {
					Claims map[string]json.RawMessage `json:"claims"`
				} `json:"jwt"`
			} `json:"authorizer"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(raw, &claims); err != nil {
		return ev, fmt.Errorf("decode API Gateway event claims: %w", err)
	}
	a := claims.RequestContext.Authorizer
	if a == nil || a.JWT == nil || ev.RequestContext.Authorizer == nil || ev.RequestContext.Authorizer.JWT == nil {
		return ev, nil
	}
	out := make(map[string]string, len(a.JWT.Claims))
	for k, v := range a.JWT.Claims {
		var s string
		if json.Unmarshal(v, &s) != nil {
			s = string(v)
		}
		out[k] = s
	}
	ev.RequestContext.Authorizer.JWT.Claims = out
	return ev, nil
}
