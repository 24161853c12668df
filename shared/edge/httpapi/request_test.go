package httpapi

import (
	"testing"

	"github.com/aws/aws-lambda-go/events"
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
