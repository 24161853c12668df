package chaos

import "strings"

// Price is an AWS list price (us-east-1, arm64 Lambda, on-demand
// DynamoDB, standard SQS) in US$ per unit.
type Price struct {
	Item string
	Unit string
	USD  float64
}

// Prices are the list prices the cost model uses, checked 2026-11.
var Prices = map[string]Price{
	"lambda-requests": {"Lambda requests", "request", 0.20 / 1e6},
	"lambda-compute":  {"Lambda compute (arm64)", "GB-second", 0.0000133334},
	"http-api":        {"API Gateway HTTP API", "request", 1.00 / 1e6},
	"dynamodb-read":   {"DynamoDB reads (on-demand)", "read request unit", 0.125 / 1e6},
	"dynamodb-write":  {"DynamoDB writes (on-demand)", "write request unit", 0.625 / 1e6},
	"eventbridge":     {"EventBridge custom events", "event", 1.00 / 1e6},
	"sqs":             {"SQS requests", "request", 0.40 / 1e6},
	"s3-put":          {"S3 PUT/POST", "request", 0.005 / 1000},
	"s3-get":          {"S3 GET", "request", 0.0004 / 1000},
	"ses":             {"SES emails", "email", 0.10 / 1000},
	"logs":            {"CloudWatch Logs ingestion", "GB", 0.50},
}

// CostLine is one item of the cost model, per 1,000 leads.
type CostLine struct {
	Price
	Quantity float64 // units per 1,000 leads
}

// USD is the line's cost per 1,000 leads.
func (c CostLine) USD() float64 { return c.Quantity * c.Price.USD }

// writeUnits is what one DynamoDB call writes, assuming items of at most
// 1 KB. A transaction costs 2 units per item. The proxy counts calls, not
// items, so every transaction is priced at 4 items, the size of intake's
// (lead, first history entry, identity claim, idempotency record); the
// others (assignments, status changes, ledger lines, counters) vary around it.
var writeUnits = map[string]float64{"PutItem": 1, "UpdateItem": 1, "DeleteItem": 1, "BatchWriteItem": 1, "TransactWriteItems": 8}

// readUnits assumes strongly consistent reads of at most 4 KB per call.
var readUnits = map[string]float64{"GetItem": 1, "Query": 1, "Scan": 1, "BatchGetItem": 1, "TransactGetItems": 2}

// Cost prices a clean run per 1,000 leads from what it counted:
// invocations and the time spent in each handler, the HTTP requests, the
// functions' AWS calls by operation, the events published and the log
// bytes. Lambda's own queue polling is added: a receive and a delete per
// batch the notifier handled, and one SQS send per event EventBridge put
// on the notification queue.
func Cost(o *Outcome) []CostLine {
	if o.Accepted == 0 {
		return nil
	}
	per := 1000 / float64(o.Accepted)
	var invocations, gbSeconds float64
	for id, n := range o.Invocations {
		invocations += float64(n)
		gbSeconds += o.Busy[id].Seconds() * float64(max(o.MemoryMB[id], 128)) / 1024
	}
	var reads, writes, sqsCalls, s3Put, s3Get, emails, published float64
	for call, n := range o.Calls {
		svc, op, _ := strings.Cut(call, ".")
		switch svc {
		case "dynamodb":
			reads += readUnits[op] * float64(n)
			writes += writeUnits[op] * float64(n)
		case "sqs":
			sqsCalls += float64(n)
		case "sesv2":
			if op == "SendEmail" {
				emails += float64(n)
			}
		case "s3":
			if op == "GET" || op == "HEAD" {
				s3Get += float64(n)
			} else {
				s3Put += float64(n)
			}
		}
	}
	published = float64(o.Events + o.LedgerLines)
	sqsCalls += 2*float64(o.Invocations[o.Notifier]) + float64(o.Events)
	line := func(key string, q float64) CostLine { return CostLine{Price: Prices[key], Quantity: q * per} }
	return []CostLine{
		line("lambda-requests", invocations),
		line("lambda-compute", gbSeconds),
		line("http-api", float64(o.Requests)),
		line("dynamodb-read", reads),
		line("dynamodb-write", writes),
		line("eventbridge", published),
		line("sqs", sqsCalls),
		line("s3-put", s3Put),
		line("s3-get", s3Get),
		line("ses", emails),
		line("logs", float64(o.LogBytes)/(1<<30)),
	}
}

// Total sums a cost model.
func Total(lines []CostLine) float64 {
	t := 0.0
	for _, l := range lines {
		t += l.USD()
	}
	return t
}
