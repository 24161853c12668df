package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"log"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/smithy-go/logging"
)

func TestLoggerAddsTheRequestID(t *testing.T) {
	var buf bytes.Buffer
	log := NewLogger(&buf).With("fn", "intake")
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})
	log.InfoContext(ctx, "request", "leadId", "L1")
	log.Info("cold start")
	dec := json.NewDecoder(&buf)
	var first, second map[string]any
	if err := dec.Decode(&first); err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(&second); err != nil {
		t.Fatal(err)
	}
	if first["requestId"] != "req-1" || first["fn"] != "intake" || first["leadId"] != "L1" || first["msg"] != "request" {
		t.Errorf("in an invocation: %v", first)
	}
	if _, ok := second["requestId"]; ok {
		t.Errorf("outside an invocation: %v", second)
	}
}

func TestSDKWarningsGoToTheJSONLog(t *testing.T) {
	var buf bytes.Buffer
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})
	logging.WithContext(ctx, sdkLogger(NewLogger(&buf))).Logf(logging.Warn, "failed to close HTTP response body: %v", "boom")
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("not one JSON record: %q", buf.String())
	}
	if rec["level"] != "WARN" || rec["msg"] != "aws sdk" || rec["detail"] != "failed to close HTTP response body: boom" || rec["requestId"] != "req-1" {
		t.Fatalf("record %v", rec)
	}
}

func TestTheLogPackageWritesJSONRecords(t *testing.T) {
	before, level := slog.Default(), slog.SetLogLoggerLevel(slog.LevelInfo)
	t.Cleanup(func() { slog.SetDefault(before); slog.SetLogLoggerLevel(level) })
	var buf bytes.Buffer
	defaultLogger(&buf)
	log.Printf("%s", `{"errorMessage":"route L1: throttled","errorType":"wrapError"}`) // as aws-lambda-go reports a failed invoke
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("not one JSON record: %q", buf.String())
	}
	if rec["level"] != "ERROR" || !strings.Contains(rec["msg"].(string), "route L1: throttled") {
		t.Fatalf("record %v", rec)
	}
}
