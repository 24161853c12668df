package platform

import (
	"os"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Bool is true when the variable is "true"; anything else is false.
func (e *Env) Bool(name string) bool { return os.Getenv(name) == "true" }

// Optional returns a variable that may be unset.
func (e *Env) Optional(name string) string { return os.Getenv(name) }

// The settings below are read by more than one function; each default is
// written here once. The CDK stack sets them (infra/config.go).

// PartnerView is what partners see of the sales side: with
// PARTNER_SEES_OWNER=true, who owns their leads and why (off by default).
func (e *Env) PartnerView() lead.PartnerView {
	return lead.PartnerView{ShowOwner: e.Bool("PARTNER_SEES_OWNER")}
}

// RateLimitPerMinute is each partner's default request budget across the
// API; -1 turns it off.
func (e *Env) RateLimitPerMinute() int { return e.Int("RATE_LIMIT_PER_MINUTE", 600, -1, 100_000) }

// LocalMode allows webhook targets on 127.0.0.1 (local deploys only).
func (e *Env) LocalMode() bool { return e.Bool("LOCAL_MODE") }

// RoutingConfigTTL is how long a warm function trusts the reps, teams,
// calendars and rule set it read.
func (e *Env) RoutingConfigTTL() time.Duration {
	return e.Seconds("ROUTING_CONFIG_TTL_SECONDS", 30, 0, 3600)
}

// ConfigCacheTTL is how long a warm function trusts other directory
// settings it read: partners' rate limits, channels, SLA policies.
func (e *Env) ConfigCacheTTL() time.Duration {
	return e.Seconds("CONFIG_CACHE_TTL_SECONDS", 30, 0, 3600)
}
