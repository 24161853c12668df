package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
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

// AWSConfig loads the SDK configuration once per cold start. AWS_ENDPOINT_URL
// (set for the local emulator) is honoured by the SDK itself.
func AWSConfig(ctx context.Context) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS config: %w", err)
	}
	return cfg, nil
}

// MustStart ends the cold start once configuration is read: it exits with
// every configuration problem logged, or returns the AWS SDK configuration.
func MustStart(log *slog.Logger, env *Env) aws.Config {
	if err := env.Err(); err != nil {
		log.Error("bad configuration", "error", err.Error())
		os.Exit(1)
	}
	cfg, err := AWSConfig(context.Background())
	if err != nil {
		log.Error("aws config", "error", err.Error())
		os.Exit(1)
	}
	return cfg
}

// PathStyleS3 reports whether S3 must be addressed path-style: on an
// emulator (a custom endpoint), bucket host names do not resolve.
func PathStyleS3() bool { return os.Getenv("AWS_ENDPOINT_URL") != "" }
