package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/smithy-go"
)

func TestIfMatchReadsNumbersAndEntityTags(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		header string
		want   int64
		bad    bool
	}{
		{"", 0, false}, {"3", 3, false}, {`"3"`, 3, false}, {`W/"12"`, 12, false}, {" 7 ", 7, false},
		{"0", 0, true}, {"-1", 0, true}, {`"x"`, 0, true}, {"*", 0, true},
	} {
		r := Request{Event: events.APIGatewayV2HTTPRequest{Headers: map[string]string{"if-match": c.header}}}
		got, err := r.IfMatch()
		if got != c.want || (err != nil) != c.bad {
			t.Errorf("If-Match %q: %d, %v; want %d, error %v", c.header, got, err, c.want, c.bad)
		}
	}
}

func TestMediaTypeIgnoresCaseAndParameters(t *testing.T) {
	t.Parallel()
	for header, want := range map[string]string{
		"application/json": "application/json", "Application/JSON; charset=utf-8": "application/json",
		"text/csv;charset=UTF-8": "text/csv", "": "", "not a type;;": "",
	} {
		r := Request{Event: events.APIGatewayV2HTTPRequest{Headers: map[string]string{"Content-Type": header}}}
		if got := r.MediaType(); got != want {
			t.Errorf("Content-Type %q: %q, want %q", header, got, want)
		}
	}
}

// AWS saying "not now", after every retry, is a 503 the caller may retry,
// never a 500; a cancelled transaction whose condition failed is not.
func TestBusyAWSAnswersAre503WithRetryAfter(t *testing.T) {
	t.Parallel()
	conflict := &smithy.GenericAPIError{Code: "TransactionCanceledException",
		Message: "Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None, None]"}
	condition := &smithy.GenericAPIError{Code: "TransactionCanceledException",
		Message: "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]"}
	for _, c := range []struct {
		err    error
		status int
	}{
		{fmt.Errorf("write lead x: %w", conflict), 503},
		{fmt.Errorf("get lead: %w", &smithy.GenericAPIError{Code: "ProvisionedThroughputExceededException"}), 503},
		{fmt.Errorf("put events: %w", &smithy.GenericAPIError{Code: "ThrottlingException"}), 503},
		{fmt.Errorf("write lead x: %w", condition), 500},
		{errors.New("something else"), 500},
	} {
		p := ProblemFor(c.err)
		if p.Status != c.status || (c.status == 503 && (p.RetryAfter < 1 || !strings.HasSuffix(p.Type, ":busy"))) {
			t.Errorf("%v: %d %s retry-after %d, want %d", c.err, p.Status, p.Type, p.RetryAfter, c.status)
		}
	}
}

// ?updatedSince= is not ?updatedSince absent: it is refused, while an empty
// cursor (the first page) is fine.
func TestEmptyQueryParametersAreRefused(t *testing.T) {
	t.Parallel()
	ok := func(context.Context, Request) (Response, error) { return JSON(200, map[string]string{}), nil }
	rt := Router{Routes: []Route{{Method: "GET", Pattern: "/x", Handler: ok}}, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	for q, want := range map[string]int{"updatedSince": 400, "period": 400, "to": 400, "cursor": 200, "after": 200} {
		ev := events.APIGatewayV2HTTPRequest{RawPath: "/x", QueryStringParameters: map[string]string{q: ""}}
		ev.RequestContext.HTTP.Method = "GET"
		r, _ := rt.Handle(context.Background(), ev)
		if r.StatusCode != want || (want == 400 && !strings.Contains(r.Body, "invalid-parameter")) {
			t.Errorf("?%s=: %d %s, want %d", q, r.StatusCode, r.Body, want)
		}
	}
}
