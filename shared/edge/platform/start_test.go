package platform

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

func TestARepeatedInvocationGetsTheFirstAnswer(t *testing.T) {
	t.Parallel()
	runs := 0
	fail := true
	h := once(func(_ context.Context, in string) (string, error) {
		runs++
		if in == "flaky" && fail {
			fail = false
			return "", errors.New("first attempt failed")
		}
		return in + "-answer", nil
	})
	inv := func(id, in string) (string, error) {
		return h(lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: id}), in)
	}
	for range 3 {
		if out, err := inv("req-1", "create"); out != "create-answer" || err != nil {
			t.Fatalf("req-1: %q %v", out, err)
		}
	}
	if runs != 1 {
		t.Fatalf("one invocation delivered three times ran %d times, want 1", runs)
	}
	if out, _ := inv("req-2", "other"); out != "other-answer" || runs != 2 {
		t.Fatalf("a new request id: %q after %d runs, want a second run", out, runs)
	}
	// A failed run is not remembered: the same request id runs again, as
	// Lambda's retry of a failed asynchronous invocation does.
	if _, err := inv("req-3", "flaky"); err == nil {
		t.Fatal("the first flaky run should fail")
	}
	if out, err := inv("req-3", "flaky"); out != "flaky-answer" || err != nil || runs != 4 {
		t.Fatalf("retry of a failed run: %q %v after %d runs", out, err, runs)
	}
}
