package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/logging"
)

// Env reads typed configuration, collecting every problem so that a cold
// start fails once with the whole list.
type Env struct{ errs []error }

// String returns a required variable.
func (e *Env) String(name string) string {
	v := os.Getenv(name)
	if v == "" {
		e.errs = append(e.errs, fmt.Errorf("%s is required", name))
	}
	return v
}

// Days returns a whole number of days, or def when unset, within [min, max].
func (e *Env) Days(name string, def, min, max int) time.Duration {
	return e.intUnit(name, def, min, max, 24*time.Hour)
}

// Seconds returns a whole number of seconds, or def when unset, within [min, max].
func (e *Env) Seconds(name string, def, min, max int) time.Duration {
	return e.intUnit(name, def, min, max, time.Second)
}

// Hours returns a whole number of hours, or def when unset, within [min, max].
func (e *Env) Hours(name string, def, min, max int) time.Duration {
	return e.intUnit(name, def, min, max, time.Hour)
}

// Int returns a whole number, or def when unset, within [min, max].
func (e *Env) Int(name string, def, min, max int) int {
	return int(e.intUnit(name, def, min, max, 1))
}

func (e *Env) intUnit(name string, def, min, max int, unit time.Duration) time.Duration {
	raw := os.Getenv(name)
	if raw == "" {
		return time.Duration(def) * unit
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		e.errs = append(e.errs, fmt.Errorf("%s=%q: want a whole number from %d to %d", name, raw, min, max))
		return time.Duration(def) * unit
	}
	return time.Duration(n) * unit
}

// Err returns every configuration problem found, or nil.
func (e *Env) Err() error { return errors.Join(e.errs...) }

// Millis returns a whole number of milliseconds, or def when unset, within [min, max].
func (e *Env) Millis(name string, def, min, max int) time.Duration {
	return e.intUnit(name, def, min, max, time.Millisecond)
}

// awsConfig is the SDK configuration of a function, built once per cold
// start from what Lambda puts in the environment: the region, the execution
// role's credentials and, for the local emulator, AWS_ENDPOINT_URL. The
// SDK's full resolver (config.LoadDefaultConfig: profiles, SSO, STS, IMDS)
// finds the same values here, but links about 3 MiB more into every function
// and runs its init at every cold start. An attempt whose answer has not
// begun within responseTimeout is abandoned and retried by the SDK: without
// it, a stalled connection would hold the invocation until the function's
// own timeout.
func awsConfig(responseTimeout time.Duration) (aws.Config, error) {
	region := os.Getenv("AWS_REGION")
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if region == "" || id == "" || secret == "" {
		return aws.Config{}, errors.New("AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required (Lambda sets them)")
	}
	cfg := aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(id, secret, os.Getenv("AWS_SESSION_TOKEN"))),
		HTTPClient:  HTTPClient(responseTimeout),
		Retryer:     func() aws.Retryer { return retry.NewStandard() },
	}
	if ep := os.Getenv("AWS_ENDPOINT_URL"); ep != "" {
		cfg.BaseEndpoint = &ep
	}
	cfg.ConfigSources = []any{serviceEndpoints{}}
	return cfg, nil
}

// serviceEndpoints reads AWS_ENDPOINT_URL_<SERVICE> (AWS_ENDPOINT_URL_DYNAMODB
// …), which each service client asks its configuration sources for, as
// config.LoadDefaultConfig's environment source does: tests point one
// service of a function at a fault-injecting proxy with it.
type serviceEndpoints struct{}

func (serviceEndpoints) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	v := os.Getenv("AWS_ENDPOINT_URL_" + strings.ToUpper(strings.ReplaceAll(sdkID, " ", "_")))
	return v, v != "", nil
}

// HTTPClient is the SDK's HTTP client with a bound on the wait for each
// answer's headers (request bodies and streamed answers are not cut short).
func HTTPClient(responseTimeout time.Duration) *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) { t.ResponseHeaderTimeout = responseTimeout })
}

// MustStart ends the cold start once configuration is read: it exits with
// every configuration problem logged, or returns the AWS SDK configuration.
// SDK_RESPONSE_TIMEOUT_MS (default 3000) bounds each AWS call's wait for an
// answer; the SDK's three attempts then fit in the default 10 s function timeout.
func MustStart(log *slog.Logger, env *Env) aws.Config {
	responseTimeout := env.Millis("SDK_RESPONSE_TIMEOUT_MS", 3000, 100, 60_000)
	if err := env.Err(); err != nil {
		log.Error("bad configuration", "error", err.Error())
		os.Exit(1)
	}
	cfg, err := awsConfig(responseTimeout)
	if err != nil {
		log.Error("aws config", "error", err.Error())
		os.Exit(1)
	}
	cfg.Logger = sdkLogger(log)
	return cfg
}

// sdkLogger sends the SDK's own warnings (a connection it could not reuse,
// a retry it gave up) to the function's JSON log instead of plain text on
// stderr. Request and response logging stays off, so no payload is logged.
func sdkLogger(log *slog.Logger) logging.Logger { return sdkLog{log, context.Background()} }

// sdkLog implements logging.ContextLogger: the SDK hands it each call's
// context, so its warnings carry the request id of the invocation that made
// the call.
type sdkLog struct {
	log *slog.Logger
	ctx context.Context
}

func (l sdkLog) Logf(c logging.Classification, format string, v ...any) {
	level := slog.LevelWarn
	if c == logging.Debug {
		level = slog.LevelDebug
	}
	l.log.Log(l.ctx, level, "aws sdk", "detail", fmt.Sprintf(format, v...))
}

func (l sdkLog) WithContext(ctx context.Context) logging.Logger { return sdkLog{l.log, ctx} }

// PathStyleS3 reports whether S3 must be addressed path-style: on an
// emulator (a custom endpoint), bucket host names do not resolve.
func PathStyleS3() bool { return os.Getenv("AWS_ENDPOINT_URL") != "" }
