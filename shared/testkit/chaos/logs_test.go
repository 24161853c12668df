package chaos

import "testing"

func TestLinesKeepAProcessesLinesWhole(t *testing.T) {
	f := &Function{}
	a, b := &lines{f: f}, &lines{f: f}
	_, _ = a.Write([]byte(`{"msg":"one",`))
	_, _ = b.Write([]byte("{\"msg\":\"two\"}\n"))
	_, _ = a.Write([]byte("\"requestId\":\"r1\"}\n{\"_aws\":{}}\npanic: boom"))
	a.flush()
	want := "{\"msg\":\"two\"}\n{\"msg\":\"one\",\"requestId\":\"r1\"}\n{\"_aws\":{}}\npanic: boom\n"
	if got := f.Output(); got != want {
		t.Fatalf("output %q, want %q", got, want)
	}
	if shape := logShape(f.Output()); shape.Records != 2 || shape.WithRequestID != 1 || len(shape.Unattributed) != 1 || len(shape.Unstructured) != 1 || shape.Unstructured[0] != "panic: boom" {
		t.Fatalf("log shape %+v", shape)
	}
}

func TestLogShapeExcusesOnlyFailedInvokeReports(t *testing.T) {
	for _, tc := range []struct {
		line         string
		unattributed int
	}{
		{`{"level":"INFO","msg":"routed","requestId":"r1"}`, 0},
		{`{"level":"ERROR","msg":"{\"errorMessage\":\"route L1: throttled\",\"errorType\":\"wrapError\"}"}`, 0},
		{`{"level":"WARN","msg":"aws sdk","detail":"retry quota exceeded"}`, 1},
		{`{"level":"ERROR","msg":"{\"errorType\":\"wrapError\"}"}`, 1},
		{`{"_aws":{"CloudWatchMetrics":[]},"LeadsAccepted":1}`, 0},
	} {
		if got := logShape(tc.line + "\n"); len(got.Unattributed) != tc.unattributed {
			t.Errorf("%s: %d unattributed, want %d", tc.line, len(got.Unattributed), tc.unattributed)
		}
	}
}
