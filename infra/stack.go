package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerleads/pipeline/shared/aws/dynamo/schema"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/edge/endpoints"
)

type PipelineStackProps struct {
	awscdk.StackProps
	Config Config
}

// NewPipelineStack is the whole pipeline: tables, functions and the API.
func NewPipelineStack(scope constructs.Construct, id string, props *PipelineStackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)
	cfg := props.Config

	leads := leadsTable(stack)
	directory := directoryTable(stack)
	// Per-partner request counters, one item per partner and minute, gone by TTL.
	rates := table(stack, schema.RateLimits)

	intakeFn := cfg.goFunction(stack, "Intake", "intake", map[string]*string{
		"LEADS_TABLE":            leads.TableName(),
		"DIRECTORY_TABLE":        directory.TableName(),
		"PROTECTION_WINDOW_DAYS": jsii.String(cfg.ProtectionWindowDays),
		"IDEMPOTENCY_TTL_HOURS":  jsii.String(cfg.IdempotencyTTLHours),
		"FREE_MAIL_DOMAINS":      jsii.String(cfg.FreeMailDomains),
		"PARTNER_SEES_OWNER":     jsii.String(cfg.PartnerSeesOwner),
		"RATE_LIMITS_TABLE":      rates.TableName(),
		"RATE_LIMIT_PER_MINUTE":  jsii.String(cfg.RateLimitPerMinute),
	}, timeout(29)) // a 1,000-row spreadsheet upload; the HTTP API waits 30 s
	leads.GrantReadWriteData(intakeFn)
	rates.GrantReadWriteData(intakeFn)
	directory.GrantReadData(intakeFn)

	adminFn := cfg.goFunction(stack, "Admin", "admin", map[string]*string{
		"DIRECTORY_TABLE": directory.TableName(),
		"LEADS_TABLE":     leads.TableName(),
	})
	directory.GrantReadWriteData(adminFn)
	leads.GrantReadData(adminFn) // webhook replays read the partner's feed

	bus := eventBackbone(stack, cfg, leads)
	reconciliation(stack, cfg, bus, leads, directory)
	routerFn := cfg.goFunction(stack, "Router", "router", map[string]*string{
		"LEADS_TABLE":     leads.TableName(),
		"DIRECTORY_TABLE": directory.TableName(),
	})
	leads.GrantReadWriteData(routerFn)
	directory.GrantReadData(routerFn)
	onEvent(stack, bus, "RouteNewLeads", routerFn, &awsevents.EventPattern{DetailType: jsii.Strings(lead.EventLeadCreated)})
	onEvent(stack, bus, "RouteRecycledLeads", routerFn, &awsevents.EventPattern{
		DetailType: jsii.Strings(lead.EventLeadStatusChanged),
		Detail:     &map[string]any{"detail": map[string]any{"to": []string{string(lead.StatusNew)}}},
	})

	queue, sender := notifications(stack, cfg, bus, leads, directory)
	adminFn.AddEnvironment(jsii.String("QUEUE_URL"), queue.QueueUrl(), nil)
	adminFn.AddEnvironment(jsii.String("LOCAL_MODE"), jsii.String(cfg.localMode()), nil)
	queue.GrantSendMessages(adminFn) // replays

	financeFn := commissions(stack, cfg, bus, leads, directory, sender)
	metricsFn := followUp(stack, cfg, leads, directory, sender)
	// Every function a partner can call counts the partner's requests in
	// the one budget intake counts them in.
	for _, fn := range []awslambda.Function{adminFn, financeFn, metricsFn} {
		fn.AddEnvironment(jsii.String("RATE_LIMITS_TABLE"), rates.TableName(), nil)
		fn.AddEnvironment(jsii.String("RATE_LIMIT_PER_MINUTE"), jsii.String(cfg.RateLimitPerMinute), nil)
		rates.GrantReadWriteData(fn)
	}
	apiFns := map[string]awslambda.IFunction{
		endpoints.Intake: intakeFn, endpoints.Admin: adminFn, endpoints.Finance: financeFn, endpoints.Metrics: metricsFn,
	}
	api := httpAPI(stack, cfg, "", apiFns, func(e endpoints.Endpoint) bool { return e.Function != endpoints.Web }, nil)
	app := webApp(stack, cfg, apiFns)
	auditAnchors(stack, cfg, leads)
	observability(stack, cfg)
	acceptedFindings(stack)

	out := func(name string, v *string) {
		awscdk.NewCfnOutput(stack, jsii.String(name), &awscdk.CfnOutputProps{Value: v})
	}
	out("ApiId", api.ApiId())
	out("ApiUrl", api.ApiEndpoint())
	out("AppApiId", app.api.ApiId())
	out("AppApiUrl", app.api.ApiEndpoint())
	out("AppUrl", awscdk.Fn_Join(jsii.String(""), &[]*string{app.api.ApiEndpoint(), jsii.String("/app")}))
	out("UserPoolId", app.pool.UserPoolId())
	out("UserPoolClientId", app.client.UserPoolClientId())
	out("LeadsTableName", leads.TableName())
	out("DirectoryTableName", directory.TableName())
	out("RateLimitsTableName", rates.TableName())
	out("EventBusName", bus.EventBusName())
	out("NotificationQueueUrl", queue.QueueUrl())
	return stack
}

func stringKey(name string) *awsdynamodb.Attribute {
	return &awsdynamodb.Attribute{Name: jsii.String(name), Type: awsdynamodb.AttributeType_STRING}
}

// table is a table as every table here is: on demand, KMS-encrypted,
// point-in-time recovery, retained on stack deletion, in the shape its
// schema says (shared/aws/dynamo/schema, which the tests' scratch tables
// and the chaos run copy too).
func table(stack awscdk.Stack, t schema.Table) awsdynamodb.Table {
	props := &awsdynamodb.TableProps{
		PartitionKey:  stringKey(schema.PK),
		SortKey:       stringKey(schema.SK),
		BillingMode:   awsdynamodb.BillingMode_PAY_PER_REQUEST,
		Encryption:    awsdynamodb.TableEncryption_AWS_MANAGED,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
	}
	if t.Stream {
		props.Stream = awsdynamodb.StreamViewType_NEW_AND_OLD_IMAGES
	}
	if t.TTL {
		props.TimeToLiveAttribute = jsii.String(schema.TTLAttribute)
	}
	tbl := awsdynamodb.NewTable(stack, jsii.String(t.ID), props)
	for i, name := range t.Indexes {
		pk, sk := t.IndexKeys(i)
		tbl.AddGlobalSecondaryIndex(&awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:      jsii.String(name),
			PartitionKey:   stringKey(pk),
			SortKey:        stringKey(sk),
			ProjectionType: awsdynamodb.ProjectionType_ALL,
		})
	}
	return tbl
}

// leadsTable holds leads, history, identity claims and idempotency records;
// see shared/aws/dynamo/DESIGN.md for the key design.
func leadsTable(stack awscdk.Stack) awsdynamodb.Table { return table(stack, schema.Leads) }

// directoryTable holds partners and API keys (hashes only).
func directoryTable(stack awscdk.Stack) awsdynamodb.Table { return table(stack, schema.Directory) }

// httpAPI has one route per row of the endpoint table
// (shared/edge/endpoints) that keep accepts, each to the function that
// serves it; rows with roles get authorizer (nil: the functions check API
// keys). prefix keeps each API's construct ids apart ("" for the machines'
// API, whose ids predate the app's).
func httpAPI(stack awscdk.Stack, cfg Config, prefix string, fns map[string]awslambda.IFunction,
	keep func(endpoints.Endpoint) bool, authorizer awsapigatewayv2.IHttpRouteAuthorizer) awsapigatewayv2.HttpApi {
	api := awsapigatewayv2.NewHttpApi(stack, jsii.String(prefix+"Api"), &awsapigatewayv2.HttpApiProps{
		Description: jsii.String("Partner lead pipeline API " + prefix),
	})
	integrations := map[string]awsapigatewayv2.HttpRouteIntegration{}
	for _, e := range endpoints.All {
		if !keep(e) {
			continue
		}
		if _, made := integrations[e.Function]; !made {
			fn, ok := fns[e.Function]
			if !ok {
				panic("no function for the endpoints of " + e.Function)
			}
			integrations[e.Function] = awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String(prefix+integrationID(e.Function)), fn, nil)
		}
		opts := &awsapigatewayv2.AddRoutesOptions{
			Path: jsii.String(e.Path), Methods: &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod(e.Method)},
			Integration: integrations[e.Function],
		}
		if e.Roles != nil && authorizer != nil {
			opts.Authorizer = authorizer
		}
		api.AddRoutes(opts)
	}
	accessLogs(stack, prefix, api)
	stage := api.DefaultStage().Node().DefaultChild().(awsapigatewayv2.CfnStage)
	stage.SetDefaultRouteSettings(&awsapigatewayv2.CfnStage_RouteSettingsProperty{
		ThrottlingRateLimit: jsii.Number(cfg.APIRateLimit), ThrottlingBurstLimit: jsii.Number(cfg.APIBurstLimit),
	})
	return api
}

// integrationID keeps the construct ids the stack had before the table.
func integrationID(function string) string {
	return strings.ToUpper(function[:1]) + function[1:] + "Integration"
}

// accessLogs writes one JSON line per API request: ids, route, status and
// latencies. No source IP and no body, so no personal data.
func accessLogs(stack awscdk.Stack, prefix string, api awsapigatewayv2.HttpApi) {
	logs := awslogs.NewLogGroup(stack, jsii.String(prefix+"ApiAccessLogs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	format := `{"requestId":"$context.requestId","time":"$context.requestTime","route":"$context.routeKey",` +
		`"status":"$context.status","length":"$context.responseLength","latencyMs":"$context.responseLatency",` +
		`"integrationLatencyMs":"$context.integrationLatency","integrationError":"$context.integrationErrorMessage"}`
	stage := api.DefaultStage().Node().DefaultChild().(awsapigatewayv2.CfnStage)
	stage.SetAccessLogSettings(&awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
		DestinationArn: logs.LogGroupArn(),
		Format:         jsii.String(format),
	})
}
