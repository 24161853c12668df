package chaos

import (
	"math"
	"testing"
	"time"
)

func TestCostPricesWhatARunCounted(t *testing.T) {
	o := &Outcome{
		Accepted: 500, Notifier: "N",
		Invocations: map[string]int64{"A": 900, "N": 100}, Busy: map[string]time.Duration{"A": 100 * time.Second},
		MemoryMB: map[string]int{"A": 1024, "N": 256},
		Calls: map[string]int{"dynamodb.GetItem": 2000, "dynamodb.TransactWriteItems": 500, "sqs.SendMessage": 100,
			"s3.PUT": 2, "s3.GET": 1, "sesv2.SendEmail": 30, "events.PutEvents": 40},
		Requests: 1500, Events: 3000, LedgerLines: 100, LogBytes: 1 << 30,
	}
	want := map[string]float64{ // units per 1,000 leads: twice the run's
		"Lambda requests":             2000,
		"Lambda compute (arm64)":      200,
		"API Gateway HTTP API":        3000,
		"DynamoDB reads (on-demand)":  4000,
		"DynamoDB writes (on-demand)": 8000,
		"EventBridge custom events":   6200,
		"SQS requests":                (100 + 2*100 + 3000) * 2,
		"S3 PUT/POST":                 4,
		"S3 GET":                      2,
		"SES emails":                  60,
		"CloudWatch Logs ingestion":   2,
	}
	lines := Cost(o)
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d", len(lines), len(want))
	}
	total := 0.0
	for _, l := range lines {
		if math.Abs(l.Quantity-want[l.Item]) > 1e-9 {
			t.Errorf("%s: %v units, want %v", l.Item, l.Quantity, want[l.Item])
		}
		total += want[l.Item] * l.Price.USD
	}
	if math.Abs(Total(lines)-total) > 1e-12 || Total(lines) < 1.0 {
		t.Errorf("total %v, want %v", Total(lines), total)
	}
	if Cost(&Outcome{}) != nil {
		t.Error("a run without leads has no cost per lead")
	}
}
