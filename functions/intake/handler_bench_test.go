package main

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/partnerleads/pipeline/shared/testkit/intaketest"
)

// Both benchmarks go through aws-lambda-go's Invoke: event JSON in, response
// JSON out, as the runtime does. BenchmarkHelloInvoke is the baseline that
// `make bench` divides by.

func BenchmarkHelloInvoke(b *testing.B) {
	h := lambda.NewHandler(func(context.Context, lambdaevents.APIGatewayV2HTTPRequest) (lambdaevents.APIGatewayV2HTTPResponse, error) {
		return lambdaevents.APIGatewayV2HTTPResponse{StatusCode: 200, Body: `{"hello":"world"}`, Headers: map[string]string{"Content-Type": "application/json"}}, nil
	})
	f := newFixture(b)
	payload, _ := json.Marshal(f.request(b, "POST", "/v1/leads", "a", intaketest.ValidBody, nil))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Invoke(context.Background(), payload); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIntakeCreateInvoke(b *testing.B) {
	h, payloads := acceptedLeads(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == len(payloads) { // identities used up: start on a fresh store
			b.StopTimer()
			h, payloads = acceptedLeads(b)
			i = 0
			b.StartTimer()
		}
		out, err := h.Invoke(context.Background(), payloads[i])
		if err != nil || !strings.Contains(string(out), `"statusCode":201`) {
			b.Fatalf("invoke: %v %s", err, out)
		}
		i++
	}
}

// acceptedLeads returns a handler on a fresh store and events for 4096
// distinct identities, so every invocation is an accepted lead.
func acceptedLeads(b *testing.B) (lambda.Handler, [][]byte) {
	f := newFixture(b)
	payloads := make([][]byte, 4096)
	for i := range payloads {
		body := strings.NewReplacer("Maria.Silva", "m"+strconv.Itoa(i), "www.Example.com.br", "e"+strconv.Itoa(i)+".com.br",
			"91234-5678", strconv.Itoa(912000000+i), `"taxId": "11.222.333/0001-81",`, "").Replace(intaketest.ValidBody)
		payloads[i], _ = json.Marshal(f.request(b, "POST", "/v1/leads", "a", body, nil))
	}
	return lambda.NewHandler(f.router.Handle), payloads
}

// BenchmarkUploadInvoke sends a 1,000-row spreadsheet (10% repeats, 5%
// invalid) to a fresh store; `make bench` compares it with 1,000
// BenchmarkIntakeCreateInvoke calls.
func BenchmarkUploadInvoke(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		f := newFixture(b)
		payload, _ := json.Marshal(f.request(b, "POST", "/v1/leads/upload", "a", sheetCSV(1000, "bench.com.br"), map[string]string{"content-type": "text/csv"}))
		h := lambda.NewHandler(f.router.Handle)
		b.StartTimer()
		out, err := h.Invoke(context.Background(), payload)
		if err != nil || !strings.Contains(string(out), `"statusCode":200`) || !strings.Contains(string(out), `\"accepted\":850`) {
			b.Fatalf("upload: %v %.300s", err, out)
		}
	}
}
