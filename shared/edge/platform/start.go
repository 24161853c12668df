package platform

import (
	"context"
	"sync"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Start runs h as the function's handler. An invocation delivered to the
// process again under the same request id, after h answered it without an
// error, gets that answer again instead of a second run. Lambda delivers an
// invocation once per request id (it retries a failed asynchronous one
// under the same id, which runs again); the local emulator serves the same
// invocation to every poll until it stops the process, and a handler that
// is not idempotent would otherwise act twice and answer with its second
// result (a lead created once, then refused as its own duplicate).
func Start[In, Out any](h func(context.Context, In) (Out, error)) { lambda.Start(once(h)) }

// StartEvent is Start for a handler that answers with an error only.
func StartEvent[In any](h func(context.Context, In) error) {
	Start(func(ctx context.Context, in In) (struct{}, error) { return struct{}{}, h(ctx, in) })
}

func once[In, Out any](h func(context.Context, In) (Out, error)) func(context.Context, In) (Out, error) {
	var (
		mu     sync.Mutex
		lastID string
		last   Out
	)
	return func(ctx context.Context, in In) (Out, error) {
		var id string
		if lc, ok := lambdacontext.FromContext(ctx); ok {
			id = lc.AwsRequestID
		}
		mu.Lock()
		if id != "" && id == lastID {
			out := last
			mu.Unlock()
			return out, nil
		}
		mu.Unlock()
		out, err := h(ctx, in)
		if err == nil && id != "" {
			mu.Lock()
			lastID, last = id, out
			mu.Unlock()
		}
		return out, err
	}
}
