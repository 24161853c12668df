package main

import (
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Config is what the stacks read from CDK context (-c key=value).
type Config struct {
	// Arch is arm64 (the default, for AWS) or amd64 (for local deploys on
	// an x86 host).
	Arch string
	// BuildDir holds <function>/bootstrap binaries built for Arch.
	BuildDir string
	// ProtectionWindowDays and IdempotencyTTLHours are passed to intake.
	ProtectionWindowDays string
	IdempotencyTTLHours  string
	// LogRetentionDays for every function's log group.
	LogRetentionDays float64
	// Local marks a deploy onto the emulator: webhooks may then target
	// http://127.0.0.1 (a receiver on this machine). Never set it for AWS.
	Local bool
	// SenderEmail is the SES identity notifications are sent from.
	SenderEmail string
	// FinanceEmail gets commission alerts; empty turns them off.
	FinanceEmail string
	// PartnerSeesOwner lets partners see who owns their leads and why (the
	// routing explanation), in the API, history, feed, webhooks, emails and
	// the stale list; off, they see roles only. Score and grade never.
	PartnerSeesOwner string
	// APIRateLimit and APIBurstLimit throttle the whole API stage (requests
	// per second, and the burst above it), in front of every partner's own
	// budget: a flood is refused by API Gateway before it reaches a function.
	APIRateLimit, APIBurstLimit float64
	// FreeMailDomains are extra mailbox providers (comma-separated) whose
	// domain never claims a lead, beside the built-in list.
	FreeMailDomains string
	// RateLimitPerMinute is each partner's default request budget on the
	// lead API; -1 turns the limit off.
	RateLimitPerMinute string
	// ScanMinutes is how often the SLA scanner runs.
	ScanMinutes float64
	// UnownedAfterMinutes is how long a new lead may wait for an owner
	// before the scanner routes it again (then escalates, then retries).
	UnownedAfterMinutes int
	// DisputeWindowDays is how long after a period closes partners may dispute it.
	DisputeWindowDays int
	// AnchorMinutes is how often the audit anchor is taken; each anchor is
	// kept AnchorRetentionDays under Object Lock in AnchorLockMode
	// (GOVERNANCE: a privileged role may still remove one; COMPLIANCE: nobody).
	AnchorMinutes, AnchorRetentionDays float64
	AnchorLockMode                     string
	// ReconcileMinutes is how often the reconciler looks for lead events
	// the stream lost; it leaves alone leads changed in the last
	// ReconcileGraceSeconds (the stream's to publish).
	ReconcileMinutes      float64
	ReconcileGraceSeconds int
	// StaleBacklogAlarm is how many due SLA steps in one scan raise the
	// stale-backlog alarm.
	StaleBacklogAlarm float64
	// AlarmEmail, when set, is subscribed to the alarm topic.
	AlarmEmail string
	// Webhook retry schedule (seconds): first wait, longest wait, give up after.
	RetryBaseSeconds, RetryCapSeconds, RetryMaxAgeSeconds string
}

func (c Config) localMode() string {
	if c.Local {
		return "true"
	}
	return "false"
}

// ConfigFromContext reads and checks the context, panicking (as CDK apps
// do) with a clear message on a bad value.
func ConfigFromContext(scope constructs.Construct) Config {
	// Values come as strings from -c key=value and as JSON numbers or
	// booleans from cdk.json; all are read the same way.
	get := func(key, def string) string {
		switch v := scope.Node().TryGetContext(jsii.String(key)).(type) {
		case string:
			if v != "" {
				return v
			}
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			return strconv.FormatBool(v)
		}
		return def
	}
	c := Config{
		Arch:                 get("arch", "arm64"),
		BuildDir:             get("buildDir", ""),
		ProtectionWindowDays: get("protectionWindowDays", "90"),
		IdempotencyTTLHours:  get("idempotencyTtlHours", "48"),
		LogRetentionDays:     30,
		Local:                get("local", "false") == "true",
		SenderEmail:          get("senderEmail", "notifications@partner-leads.example"),
		FinanceEmail:         get("financeEmail", "finance@partner-leads.example"),
		PartnerSeesOwner:     get("partnerSeesOwner", get("partnerHistoryShowsOwner", "false")), // the old name still works
		RetryBaseSeconds:     get("retryBaseSeconds", "30"),
		RetryCapSeconds:      get("retryCapSeconds", "21600"),
		RetryMaxAgeSeconds:   get("retryMaxAgeSeconds", "259200"),
		RateLimitPerMinute:   get("rateLimitPerMinute", "600"),
		FreeMailDomains:      get("freeMailDomains", ""),
		AlarmEmail:           get("alarmEmail", ""),
	}
	backlog, err := strconv.Atoi(get("staleBacklogAlarm", "100"))
	if err != nil || backlog < 1 {
		panic(fmt.Sprintf("context staleBacklogAlarm=%q: want a whole number of due steps, at least 1", get("staleBacklogAlarm", "100")))
	}
	c.StaleBacklogAlarm = float64(backlog)
	// whole reads a whole number from min to max, in unit.
	whole := func(key string, def, min, max int, unit string) int {
		v, err := strconv.Atoi(get(key, strconv.Itoa(def)))
		if err != nil || v < min || v > max {
			panic(fmt.Sprintf("context %s=%q: want whole %s from %d to %d", key, get(key, ""), unit, min, max))
		}
		return v
	}
	c.ScanMinutes = float64(whole("scanMinutes", 5, 1, 60, "minutes"))
	c.UnownedAfterMinutes = whole("unownedAfterMinutes", 10, 1, 1440, "minutes")
	c.DisputeWindowDays = whole("disputeWindowDays", 60, 1, 366, "days")
	c.AnchorMinutes = float64(whole("anchorMinutes", 60, 5, 1440, "minutes"))
	c.ReconcileMinutes = float64(whole("reconcileMinutes", 15, 5, 1440, "minutes"))
	c.ReconcileGraceSeconds = whole("reconcileGraceSeconds", 600, 1, 86400, "seconds")
	c.AnchorRetentionDays = float64(whole("anchorRetentionDays", 400, 1, 3650, "days"))
	c.AnchorLockMode = get("anchorLockMode", "GOVERNANCE")
	if c.AnchorLockMode != "GOVERNANCE" && c.AnchorLockMode != "COMPLIANCE" {
		panic(fmt.Sprintf("context anchorLockMode=%q: want GOVERNANCE or COMPLIANCE", c.AnchorLockMode))
	}
	rate, err1 := strconv.Atoi(get("apiRateLimit", "200"))
	burst, err2 := strconv.Atoi(get("apiBurstLimit", "400"))
	if err1 != nil || err2 != nil || rate < 1 || burst < rate {
		panic(fmt.Sprintf("context apiRateLimit=%q apiBurstLimit=%q: want whole requests per second, the burst at least the rate",
			get("apiRateLimit", "200"), get("apiBurstLimit", "400")))
	}
	c.APIRateLimit, c.APIBurstLimit = float64(rate), float64(burst)
	if c.Arch != "arm64" && c.Arch != "amd64" {
		panic(fmt.Sprintf("context arch=%q: want arm64 or amd64", c.Arch))
	}
	if c.BuildDir == "" {
		c.BuildDir = filepath.Join("..", ".local", "build", c.Arch)
	}
	return c
}

func (c Config) architecture() awslambda.Architecture {
	if c.Arch == "amd64" {
		return awslambda.Architecture_X86_64()
	}
	return awslambda.Architecture_ARM_64()
}

// goFunction is a Go Lambda on provided.al2023 with its own log group;
// tune may change the defaults (256 MB, 10 s).
func (c Config) goFunction(scope constructs.Construct, id, binary string, env map[string]*string, tune ...func(*awslambda.FunctionProps)) awslambda.Function {
	logs := awslogs.NewLogGroup(scope, jsii.String(id+"Logs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	props := &awslambda.FunctionProps{
		Runtime:       awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:  c.architecture(),
		Handler:       jsii.String("bootstrap"),
		Code:          awslambda.Code_FromAsset(jsii.String(filepath.Join(c.BuildDir, binary)), nil),
		MemorySize:    jsii.Number(256),
		Timeout:       awscdk.Duration_Seconds(jsii.Number(10)),
		Environment:   &env,
		LogGroup:      logs,
		LoggingFormat: awslambda.LoggingFormat_JSON,
		Tracing:       awslambda.Tracing_ACTIVE, // X-Ray: each invocation and its AWS SDK calls
	}
	for _, f := range tune {
		f(props)
	}
	return awslambda.NewFunction(scope, jsii.String(id), props)
}
