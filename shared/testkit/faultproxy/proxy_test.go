package faultproxy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestOperation(t *testing.T) {
	cases := []struct {
		target, path, service, op string
	}{
		{"DynamoDB_20120810.TransactWriteItems", "/", "dynamodb", "TransactWriteItems"},
		{"DynamoDBStreams_20120810.GetRecords", "/", "dynamodbstreams", "GetRecords"},
		{"AWSEvents.PutEvents", "/", "events", "PutEvents"},
		{"AmazonSQS.SendMessageBatch", "/", "sqs", "SendMessageBatch"},
		{"", "/?Action=SendMessage", "query", "SendMessage"},
		{"", "/exports/2026-11.csv", "s3", "PUT"},
		{"", "/v2/email/outbound-emails", "sesv2", "SendEmail"},
		{"", "/v2/email/identities/x", "sesv2", "PUT identities"},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodPut, c.path, nil)
		if c.target != "" {
			r.Header.Set("X-Amz-Target", c.target)
		}
		if s, op := Operation(r); s != c.service || op != c.op {
			t.Errorf("%q %q: %s.%s, want %s.%s", c.target, c.path, s, op, c.service, c.op)
		}
	}
}

// Against a loopback upstream that counts what reaches it: the faults come
// in turn, refused calls never reach the service, a lost or held answer's
// call does.
func TestFaultsAreInjectedAtTheRate(t *testing.T) {
	reached, upstream := countingUpstream(t)
	p, err := Start(Config{Upstream: upstream, Rate: 0.1, Seed: 7, Hold: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const n = 2000
	statuses := map[int]int{}
	dropped := 0
	for range n {
		req, _ := http.NewRequest(http.MethodPost, p.URL(), strings.NewReader("{}"))
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810.PutItem")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			dropped++
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		statuses[resp.StatusCode]++
		if resp.StatusCode == 400 && !strings.Contains(string(body), "ProvisionedThroughputExceededException") {
			t.Fatalf("throttling answered %s", body)
		}
	}
	inj := p.Injected()
	total := 0
	for _, f := range Faults {
		total += inj[f]
		if inj[f] == 0 {
			t.Errorf("no %s injected: %v", f, inj)
		}
	}
	if total < n*7/100 || total > n*13/100 {
		t.Errorf("%d faults in %d calls at 10%%", total, n)
	}
	if statuses[400] != inj[Throttled] || statuses[500] != inj[ServerError] || statuses[503] != inj[Unavailable] || dropped != inj[LostResponse]+inj[Timeout] {
		t.Errorf("answers %v, %d dropped; injected %v", statuses, dropped, inj)
	}
	if int(reached.Load()) != n-inj[Throttled]-inj[ServerError]-inj[Unavailable] || p.Calls()["dynamodb.PutItem"] != n {
		t.Errorf("%d calls reached the service, %v counted", reached.Load(), p.Calls())
	}
}

// A held answer: the call reaches the service, and a client with a response
// timeout gives up on it long before the proxy would drop it.
func TestTimeoutHoldsTheAnswerUntilTheClientGivesUp(t *testing.T) {
	reached, upstream := countingUpstream(t)
	p, err := Start(Config{Upstream: upstream, Rate: 1, Kinds: []Fault{Timeout}, Hold: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	client := &http.Client{Transport: &http.Transport{ResponseHeaderTimeout: 100 * time.Millisecond}}
	start := time.Now()
	resp, err := client.Post(p.URL(), "application/json", strings.NewReader("{}"))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("answered %d, want a timeout", resp.StatusCode)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("the client waited %v", took)
	}
	for deadline := time.Now().Add(5 * time.Second); p.GaveUp() == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if reached.Load() != 1 || p.GaveUp() != 1 || p.Injected()[Timeout] != 1 {
		t.Fatalf("reached %d, gave up %d, injected %v", reached.Load(), p.GaveUp(), p.Injected())
	}
}

// countingUpstream is a loopback service that answers {} and counts the
// calls that reach it.
func countingUpstream(t *testing.T) (*atomic.Int64, string) {
	var reached atomic.Int64
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		_, _ = io.WriteString(w, "{}")
	}))
	t.Cleanup(up.Close)
	return &reached, up.URL
}

func TestStartRefusesBadConfig(t *testing.T) {
	for _, c := range []Config{{Upstream: "not a url", Rate: 0.1}, {Upstream: "http://127.0.0.1:1", Rate: 1.5}} {
		if p, err := Start(c); err == nil {
			p.Close()
			t.Errorf("%+v accepted", c)
		}
	}
}
