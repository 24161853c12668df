// Package platform is the Lambda-side glue every function shares: JSON
// logging with the request id, typed configuration from the environment, and
// the AWS SDK configuration.
package platform

import (
	"context"
	"io"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// NewLogger returns a JSON slog logger that adds the Lambda request id to
// every record. Log ids, never emails, phones or names.
func NewLogger(w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	_ = level.UnmarshalText([]byte(os.Getenv("LOG_LEVEL"))) // unset or bad: info
	return slog.New(requestIDHandler{slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})})
}

// NewFunctionLogger is the logger a function's main builds: NewLogger on
// stdout, made the default so that the standard log package, with which
// aws-lambda-go reports a failed invocation, writes JSON records too (at
// error level) rather than plain text.
func NewFunctionLogger() *slog.Logger { return defaultLogger(os.Stdout) }

func defaultLogger(w io.Writer) *slog.Logger {
	log := NewLogger(w)
	slog.SetDefault(log)
	slog.SetLogLoggerLevel(slog.LevelError)
	return log
}

type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		r.AddAttrs(slog.String("requestId", lc.AwsRequestID))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}
