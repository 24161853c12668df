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
	if records, withID, unstructured := logShape(f.Output()); records != 2 || withID != 1 || len(unstructured) != 1 || unstructured[0] != "panic: boom" {
		t.Fatalf("records %d, with a request id %d, unstructured %q", records, withID, unstructured)
	}
}
