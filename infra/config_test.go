package main

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
)

// Context values from cdk.json arrive as JSON numbers and booleans, from
// -c key=value as strings: both must take effect.
func TestConfigReadsContextOfEveryJSONType(t *testing.T) {
	for _, ctx := range []map[string]any{
		{"scanMinutes": float64(15), "local": true, "rateLimitPerMinute": float64(-1), "protectionWindowDays": float64(60)},
		{"scanMinutes": "15", "local": "true", "rateLimitPerMinute": "-1", "protectionWindowDays": "60"},
	} {
		c := ConfigFromContext(awscdk.NewApp(&awscdk.AppProps{Context: &ctx}))
		if c.ScanMinutes != 15 || !c.Local || c.RateLimitPerMinute != "-1" || c.ProtectionWindowDays != "60" {
			t.Errorf("context %v: scan %v, local %v, rate %q, window %q", ctx, c.ScanMinutes, c.Local, c.RateLimitPerMinute, c.ProtectionWindowDays)
		}
	}
}
