package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerleads/pipeline/shared/edge/endpoints"
)

// synth builds the pipeline stack for arch with placeholder binaries and
// returns its template as plain JSON.
func synth(t *testing.T, arch string) (assertions.Template, map[string]any) {
	t.Helper()
	tpl := assertions.Template_FromStack(testStack(t, arch), nil)
	b, err := json.Marshal(tpl.ToJSON())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return tpl, m
}

// testStack is the pipeline stack as the app builds it, cdk-nag included.
func testStack(t *testing.T, arch string) awscdk.Stack {
	t.Helper()
	dir := t.TempDir()
	fns, err := os.ReadDir("../functions")
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range fns {
		f := fn.Name()
		if err := os.MkdirAll(filepath.Join(dir, f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f, "bootstrap"), []byte("placeholder"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	app := awscdk.NewApp(&awscdk.AppProps{Context: &map[string]any{"arch": arch, "buildDir": dir}})
	checkAwsSolutions(app)
	return NewPipelineStack(app, "Test", &PipelineStackProps{Config: ConfigFromContext(app)})
}

func resources(m map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range m["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == typ {
			props, _ := res["Properties"].(map[string]any)
			out[id] = props
		}
	}
	return out
}

func TestStack(t *testing.T) {
	tpl, m := synth(t, "arm64")

	t.Run("tables: stream, PITR, encryption, indexes", func(t *testing.T) {
		tables := resources(m, "AWS::DynamoDB::Table")
		if len(tables) != 5 {
			t.Fatalf("%d tables, want 5", len(tables))
		}
		for id, p := range tables {
			if p["PointInTimeRecoverySpecification"].(map[string]any)["PointInTimeRecoveryEnabled"] != true {
				t.Errorf("%s: no point-in-time recovery", id)
			}
			if p["SSESpecification"].(map[string]any)["SSEEnabled"] != true {
				t.Errorf("%s: not encrypted with KMS", id)
			}
			if p["BillingMode"] != "PAY_PER_REQUEST" {
				t.Errorf("%s: billing %v", id, p["BillingMode"])
			}
		}
		tpl.HasResourceProperties(jsii.String("AWS::DynamoDB::Table"), map[string]any{
			"StreamSpecification":     map[string]any{"StreamViewType": "NEW_AND_OLD_IMAGES"},
			"TimeToLiveSpecification": map[string]any{"AttributeName": "ttl", "Enabled": true},
			"GlobalSecondaryIndexes": []any{
				assertions.Match_ObjectLike(&map[string]any{"IndexName": "byPartner"}),
				assertions.Match_ObjectLike(&map[string]any{"IndexName": "byPartnerStatus"}),
				assertions.Match_ObjectLike(&map[string]any{"IndexName": "byOwner"}),
				assertions.Match_ObjectLike(&map[string]any{"IndexName": "byDue"}),
			},
		})
	})

	t.Run("functions: provided.al2023 on arm64 with JSON logs and retention", func(t *testing.T) {
		fns := resources(m, "AWS::Lambda::Function")
		if len(fns) != 16 {
			t.Fatalf("%d functions, want 16 (the bench baseline is not in this stack)", len(fns))
		}
		for id, p := range fns {
			if p["Runtime"] != "provided.al2023" || p["Handler"] != "bootstrap" {
				t.Errorf("%s: runtime %v handler %v", id, p["Runtime"], p["Handler"])
			}
			if archs := p["Architectures"].([]any); len(archs) != 1 || archs[0] != "arm64" {
				t.Errorf("%s: architectures %v", id, archs)
			}
			if p["LoggingConfig"].(map[string]any)["LogFormat"] != "JSON" {
				t.Errorf("%s: logs are not JSON", id)
			}
		}
		for id, p := range resources(m, "AWS::Logs::LogGroup") {
			if p["RetentionInDays"] != float64(30) {
				t.Errorf("%s: retention %v", id, p["RetentionInDays"])
			}
		}
	})

	t.Run("observability: X-Ray, an alarm per function and dead-letter queue, stale backlog, one dashboard", func(t *testing.T) {
		fns := resources(m, "AWS::Lambda::Function")
		for id, p := range fns {
			if p["TracingConfig"].(map[string]any)["Mode"] != "Active" {
				t.Errorf("%s: X-Ray tracing is not active", id)
			}
		}
		var dlqs []string
		for id := range resources(m, "AWS::SQS::Queue") {
			if strings.Contains(id, dlqSuffix) {
				dlqs = append(dlqs, id)
			}
		}
		if len(dlqs) != 9 {
			t.Fatalf("%d dead-letter queues, want 9: %v", len(dlqs), dlqs)
		}
		alarms := resources(m, "AWS::CloudWatch::Alarm")
		byMetric := map[string]int{}
		for id, p := range alarms {
			name, ok := p["MetricName"].(string)
			if !ok {
				t.Fatalf("%s: not a plain metric alarm (the emulator takes no metric math): %v", id, p)
			}
			byMetric[name]++
			if acts, _ := p["AlarmActions"].([]any); len(acts) != 1 {
				t.Errorf("%s: alarm actions %v, want the alarm topic", id, p["AlarmActions"])
			}
			if p["ComparisonOperator"] != "GreaterThanOrEqualToThreshold" || p["TreatMissingData"] != "notBreaching" {
				t.Errorf("%s: %v %v", id, p["ComparisonOperator"], p["TreatMissingData"])
			}
		}
		want := map[string]int{"Errors": len(fns), "ApproximateNumberOfMessagesVisible": len(dlqs), "StaleBacklog": 1, "UnownedLeads": 1}
		if !maps.Equal(byMetric, want) {
			t.Errorf("alarms by metric %v, want %v", byMetric, want)
		}
		tpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
			"MetricName": "UnownedLeads", "Namespace": "PartnerLeads", "Threshold": 1, "Period": 3600,
			"Dimensions": []any{map[string]any{"Name": "Service", "Value": "scanner"}},
		})
		tpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
			"MetricName": "StaleBacklog", "Namespace": "PartnerLeads", "Threshold": 100,
			"Dimensions": []any{map[string]any{"Name": "Service", "Value": "scanner"}},
		})
		tpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Dashboard"), jsii.Number(1))
		body, _ := json.Marshal(resources(m, "AWS::CloudWatch::Dashboard"))
		for _, metric := range []string{"LeadsAccepted", "LeadsRejected", "LeadsRouted", "NotificationsSent", "NotificationsFailed", "CommissionAccruedCents", "StaleBacklog"} {
			if !strings.Contains(string(body), metric) {
				t.Errorf("the dashboard does not show %s", metric)
			}
		}
	})

	t.Run("event backbone: filtered stream, partial failures, bisect, on-failure queue; rule with DLQ", func(t *testing.T) {
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), map[string]any{
			"FunctionResponseTypes":      []any{"ReportBatchItemFailures"},
			"BisectBatchOnFunctionError": true,
			"StartingPosition":           "TRIM_HORIZON",
			"DestinationConfig":          map[string]any{"OnFailure": assertions.Match_ObjectLike(&map[string]any{})},
			"FilterCriteria":             map[string]any{"Filters": []any{map[string]any{"Pattern": `{"dynamodb":{"Keys":{"SK":{"S":["LEAD"]}}}}`}}},
		})
		tpl.ResourceCountIs(jsii.String("AWS::Events::EventBus"), jsii.Number(1))
		tpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{
			"EventPattern": map[string]any{"source": []any{"partnerleads.leads"}, "detail-type": []any{"lead.status_changed"}, "detail": map[string]any{"detail": map[string]any{"to": []any{"new"}}}},
		})
		tpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{
			"EventPattern": map[string]any{"source": []any{"partnerleads.leads"}, "detail-type": []any{"lead.created"}},
			"Targets":      []any{assertions.Match_ObjectLike(&map[string]any{"DeadLetterConfig": assertions.Match_ObjectLike(&map[string]any{}), "RetryPolicy": assertions.Match_ObjectLike(&map[string]any{})})},
		})
		for id, p := range resources(m, "AWS::SQS::Queue") {
			if p["SqsManagedSseEnabled"] != true {
				t.Errorf("%s: queue not encrypted", id)
			}
		}
	})

	t.Run("notifications: every lead event queued, partial failures, SES through a grant", func(t *testing.T) {
		tpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{
			"EventPattern": map[string]any{"source": []any{"partnerleads.leads"}},
			"Targets":      []any{assertions.Match_ObjectLike(&map[string]any{"Arn": assertions.Match_AnyValue()})},
		})
		tpl.HasResourceProperties(jsii.String("AWS::SQS::Queue"), map[string]any{
			"MessageRetentionPeriod": 345600,
			"RedrivePolicy":          assertions.Match_ObjectLike(&map[string]any{"maxReceiveCount": 100}),
		})
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), map[string]any{
			"FunctionResponseTypes": []any{"ReportBatchItemFailures"}, "BatchSize": 10,
		})
		tpl.HasResourceProperties(jsii.String("AWS::SES::EmailIdentity"), map[string]any{})
		tpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{"ScheduleExpression": "cron(0 11 * * ? *)"})
		found := false
		for id, p := range resources(m, "AWS::IAM::Policy") {
			b, _ := json.Marshal(p)
			if strings.HasPrefix(id, "Notifier") && strings.Contains(string(b), "ses:SendEmail") {
				found = true
			}
		}
		if !found {
			t.Error("the notifier may not send email")
		}
		for id, p := range resources(m, "AWS::Lambda::Function") {
			if env, _ := p["Environment"].(map[string]any); env != nil {
				if vars, _ := env["Variables"].(map[string]any); vars != nil && vars["LOCAL_MODE"] == "true" {
					t.Errorf("%s: local mode in a template synthesized for AWS", id)
				}
			}
		}
	})

	t.Run("commissions: private versioned TLS-only bucket, monthly export, finance reader role", func(t *testing.T) {
		tpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
			"VersioningConfiguration": map[string]any{"Status": "Enabled"},
			"PublicAccessBlockConfiguration": map[string]any{
				"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
			},
			"BucketEncryption":       assertions.Match_ObjectLike(&map[string]any{}),
			"LifecycleConfiguration": assertions.Match_ObjectLike(&map[string]any{}),
		})
		policies := resources(m, "AWS::S3::BucketPolicy")
		b, _ := json.Marshal(policies)
		if !strings.Contains(string(b), `"aws:SecureTransport":"false"`) {
			t.Error("the export bucket does not refuse plain HTTP")
		}
		tpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{"ScheduleExpression": "cron(0 6 1 * ? *)"})
		tpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{
			"EventPattern": map[string]any{"source": []any{"partnerleads.commissions"}, "detail-type": []any{"deal.cancelled", "deal.revenue_confirmed"}},
		})
		found := false
		for id, p := range resources(m, "AWS::IAM::Policy") {
			b, _ := json.Marshal(p)
			if strings.HasPrefix(id, "FinanceExportReader") {
				found = strings.Contains(string(b), "exports/commissions/*") && !strings.Contains(string(b), "s3:Put") && !strings.Contains(string(b), "s3:Delete")
			}
			if strings.HasPrefix(id, "Exporter") && strings.Contains(string(b), "s3:DeleteObject") {
				t.Errorf("%s: the exporter may delete objects", id)
			}
		}
		if !found {
			t.Error("no read-only finance role scoped to the export prefix")
		}
	})

	t.Run("follow-up: scanner schedule, projector on the stream, metrics table, weekly report", func(t *testing.T) {
		tpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{"ScheduleExpression": "rate(5 minutes)"})
		tpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{"ScheduleExpression": "cron(0 11 ? * MON *)"})
		tpl.HasResourceProperties(jsii.String("AWS::DynamoDB::Table"), map[string]any{
			"GlobalSecondaryIndexes": []any{assertions.Match_ObjectLike(&map[string]any{"IndexName": "byMonth"})},
		})
		streams := 0
		for _, p := range resources(m, "AWS::Lambda::EventSourceMapping") {
			if _, ok := p["StartingPosition"]; ok {
				streams++
				if p["DestinationConfig"] == nil || p["BisectBatchOnFunctionError"] != true {
					t.Errorf("a stream consumer without an on-failure queue or bisection: %v", p)
				}
			}
		}
		if streams != 2 {
			t.Errorf("%d consumers on the leads stream, want 2 (publisher, projector)", streams)
		}
		// The metrics API reads; the only table it writes is the partners'
		// request counters.
		for id, p := range resources(m, "AWS::IAM::Policy") {
			if !strings.HasPrefix(id, "MetricsApi") {
				continue
			}
			for _, st := range p["PolicyDocument"].(map[string]any)["Statement"].([]any) {
				b, _ := json.Marshal(st)
				writes := strings.Contains(string(b), "dynamodb:PutItem") || strings.Contains(string(b), "dynamodb:UpdateItem")
				if writes && !strings.Contains(string(b), "RateLimits") {
					t.Errorf("%s: the metrics API may write %s", id, b)
				}
			}
		}
	})

	t.Run("audit anchors: an hourly schedule into a write-once bucket the anchor function can only add to", func(t *testing.T) {
		tpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{"ScheduleExpression": "rate(1 hour)"})
		tpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
			"ObjectLockEnabled": true,
			"ObjectLockConfiguration": map[string]any{"ObjectLockEnabled": "Enabled",
				"Rule": map[string]any{"DefaultRetention": map[string]any{"Mode": "GOVERNANCE", "Days": 400}}},
			"VersioningConfiguration": map[string]any{"Status": "Enabled"},
		})
		found := false
		for id, p := range resources(m, "AWS::IAM::Policy") {
			if !strings.HasPrefix(id, "Anchor") {
				continue
			}
			found = true
			// GrantPut's s3:PutObjectRetention can only lengthen a lock: shortening needs the bypass.
			b, _ := json.Marshal(p["PolicyDocument"])
			for _, never := range []string{"s3:DeleteObject", "s3:BypassGovernanceRetention", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"} {
				if strings.Contains(string(b), never) {
					t.Errorf("%s: the anchor function may %s: %s", id, never, b)
				}
			}
			if !strings.Contains(string(b), "audit/anchors/*") {
				t.Errorf("%s: its puts are not scoped to the anchor prefix: %s", id, b)
			}
		}
		if !found {
			t.Error("no policy for the anchor function")
		}
	})

	t.Run("reconciliation: a schedule, and the publisher may mark what it published", func(t *testing.T) {
		tpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{"ScheduleExpression": "rate(15 minutes)"})
		marks := false
		for id, p := range resources(m, "AWS::IAM::Policy") {
			if strings.HasPrefix(id, "Publisher") {
				b, _ := json.Marshal(p["PolicyDocument"])
				marks = strings.Contains(string(b), "dynamodb:UpdateItem") && strings.Contains(string(b), "Leads")
			}
		}
		if !marks {
			t.Error("the publisher cannot write its published marks to the leads table")
		}
	})

	t.Run("people cannot write whom they act for", func(t *testing.T) {
		clients := resources(m, "AWS::Cognito::UserPoolClient")
		if len(clients) != 1 {
			t.Fatalf("%d user pool clients, want the app's one", len(clients))
		}
		for id, p := range clients {
			write := asList(p["WriteAttributes"])
			if len(write) == 0 {
				t.Errorf("%s: no WriteAttributes, so Cognito lets users write every attribute", id)
			}
			for _, a := range write {
				if strings.HasPrefix(a, "custom:") {
					t.Errorf("%s: users may write %s", id, a)
				}
			}
		}
	})

	t.Run("the API stage is throttled as configured", func(t *testing.T) {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), map[string]any{
			"DefaultRouteSettings": map[string]any{"ThrottlingRateLimit": 200, "ThrottlingBurstLimit": 400},
		})
	})

	t.Run("API routes: one per row of the endpoint table, to the function that serves it", func(t *testing.T) {
		integrationFn := map[string]string{} // integration logical id → function logical id
		for id, p := range resources(m, "AWS::ApiGatewayV2::Integration") {
			uri, _ := p["IntegrationUri"].(map[string]any)
			att, _ := uri["Fn::GetAtt"].([]any)
			if len(att) == 2 {
				integrationFn[id], _ = att[0].(string)
			}
		}
		type route struct{ fn, auth string }
		routes := map[string]map[string]route{} // API logical id → route key → its function and authorization
		for _, p := range resources(m, "AWS::ApiGatewayV2::Route") {
			target, _ := p["Target"].(map[string]any)
			join, _ := target["Fn::Join"].([]any)
			var integration string
			if len(join) == 2 {
				for _, part := range join[1].([]any) {
					if ref, ok := part.(map[string]any); ok {
						integration, _ = ref["Ref"].(string)
					}
				}
			}
			ref, _ := p["ApiId"].(map[string]any)["Ref"].(string)
			apiID := "Api" // logical ids end in a hash
			if strings.HasPrefix(ref, "AppApi") {
				apiID = "AppApi"
			}
			if routes[apiID] == nil {
				routes[apiID] = map[string]route{}
			}
			authType, _ := p["AuthorizationType"].(string)
			routes[apiID][p["RouteKey"].(string)] = route{integrationFn[integration], authType}
		}
		if len(routes) != 2 || routes["Api"] == nil || routes["AppApi"] == nil {
			t.Fatalf("want the machines' Api and the people's AppApi, got %d APIs", len(routes))
		}
		cdkID := map[string]string{endpoints.Intake: "Intake", endpoints.Admin: "Admin", endpoints.Finance: "Finance", endpoints.Metrics: "MetricsApi", endpoints.Web: "Web"}
		for api, rs := range routes {
			for _, e := range endpoints.All {
				r, ok := rs[e.Key()]
				if api == "Api" && e.Function == endpoints.Web {
					if ok {
						t.Errorf("%s: the app's %s is on the machines' API", api, e.Key())
					}
					continue
				}
				if !ok {
					t.Errorf("%s: no route %s", api, e.Key())
					continue
				}
				if !strings.HasPrefix(r.fn, cdkID[e.Function]) || strings.HasPrefix(r.fn, cdkID[e.Function]+"Integration") {
					t.Errorf("%s: %s goes to %q, want the %s function", api, e.Key(), r.fn, e.Function)
				}
				// People's tokens are checked by the authorizer on every
				// non-public route of the app's API; keys by the functions.
				if wantJWT := api == "AppApi" && e.Roles != nil; (r.auth == "JWT") != wantJWT {
					t.Errorf("%s: %s has authorization %q, want JWT: %v", api, e.Key(), r.auth, wantJWT)
				}
				delete(rs, e.Key())
			}
			for k := range rs {
				t.Errorf("%s: route %s is not in the endpoint table", api, k)
			}
		}
	})

	t.Run("IAM: no wildcard actions, no managed full access, intake only reads the directory", func(t *testing.T) {
		for id, p := range resources(m, "AWS::IAM::Policy") {
			for _, st := range p["PolicyDocument"].(map[string]any)["Statement"].([]any) {
				s := st.(map[string]any)
				for _, a := range asList(s["Action"]) {
					if a == "*" || strings.HasSuffix(a, ":*") {
						t.Errorf("%s: wildcard action %s", id, a)
					}
					if slices.Contains(asList(s["Resource"]), "*") && !resourceStarAllowed[a] {
						t.Errorf("%s: %s on every resource (only actions without resource-level permissions may be)", id, a)
					}
					if strings.HasPrefix(id, "Intake") && refersTo(s["Resource"], "Directory") && isWrite(a) {
						t.Errorf("%s: intake may %s on the directory table", id, a)
					}
				}
			}
		}
		for id, p := range resources(m, "AWS::IAM::Role") {
			b, _ := json.Marshal(p["ManagedPolicyArns"])
			if strings.Contains(string(b), "FullAccess") {
				t.Errorf("%s: managed full-access policy", id)
			}
		}
	})
}

// resourceStarAllowed are the actions that have no resource-level
// permissions, so their grants name Resource "*" (see acceptedFindings).
var resourceStarAllowed = map[string]bool{"xray:PutTraceSegments": true, "xray:PutTelemetryRecords": true, "dynamodb:ListStreams": true}

func TestLocalArchitecture(t *testing.T) {
	_, m := synth(t, "amd64")
	for id, p := range resources(m, "AWS::Lambda::Function") {
		if archs := p["Architectures"].([]any); archs[0] != "x86_64" {
			t.Errorf("%s: architectures %v, want x86_64 for arch=amd64", id, archs)
		}
	}
}

func asList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			out[i], _ = e.(string)
		}
		return out
	}
	return nil
}

func refersTo(resource any, logicalPrefix string) bool {
	b, _ := json.Marshal(resource)
	return strings.Contains(string(b), `"`+logicalPrefix)
}

func isWrite(action string) bool {
	for _, w := range []string{"Put", "Update", "Delete", "BatchWrite", "Write"} {
		if strings.Contains(action, w) {
			return true
		}
	}
	return false
}
