package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerleads/pipeline/shared/domain/lead"
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
	rates := table(stack, "RateLimits", nil, func(p *awsdynamodb.TableProps) { p.TimeToLiveAttribute = jsii.String("ttl") })

	intakeFn := cfg.goFunction(stack, "Intake", "intake", map[string]*string{
		"LEADS_TABLE":                 leads.TableName(),
		"DIRECTORY_TABLE":             directory.TableName(),
		"PROTECTION_WINDOW_DAYS":      jsii.String(cfg.ProtectionWindowDays),
		"IDEMPOTENCY_TTL_HOURS":       jsii.String(cfg.IdempotencyTTLHours),
		"PARTNER_HISTORY_SHOWS_OWNER": jsii.String(cfg.PartnerHistoryShowsOwner),
		"RATE_LIMITS_TABLE":           rates.TableName(),
		"RATE_LIMIT_PER_MINUTE":       jsii.String(cfg.RateLimitPerMinute),
	})
	leads.GrantReadWriteData(intakeFn)
	rates.GrantReadWriteData(intakeFn)
	directory.GrantReadData(intakeFn)

	adminFn := cfg.goFunction(stack, "Admin", "admin", map[string]*string{
		"DIRECTORY_TABLE": directory.TableName(),
		"LEADS_TABLE":     leads.TableName(),
	})
	directory.GrantReadWriteData(adminFn)
	leads.GrantReadData(adminFn) // the simulator replays recent leads

	bus := eventBackbone(stack, cfg, leads)
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

	api := httpAPI(stack, intakeFn, adminFn)
	commissions(stack, cfg, bus, leads, directory, sender, api)
	followUp(stack, cfg, leads, directory, sender, api)
	observability(stack, cfg)
	acceptedFindings(stack)

	out := func(name string, v *string) {
		awscdk.NewCfnOutput(stack, jsii.String(name), &awscdk.CfnOutputProps{Value: v})
	}
	out("ApiId", api.ApiId())
	out("ApiUrl", api.ApiEndpoint())
	out("LeadsTableName", leads.TableName())
	out("DirectoryTableName", directory.TableName())
	out("EventBusName", bus.EventBusName())
	out("NotificationQueueUrl", queue.QueueUrl())
	return stack
}

func stringKey(name string) *awsdynamodb.Attribute {
	return &awsdynamodb.Attribute{Name: jsii.String(name), Type: awsdynamodb.AttributeType_STRING}
}

// table is a table as every table here is: on demand, KMS-encrypted,
// point-in-time recovery, retained on stack deletion, with the named global
// secondary indexes keyed GSI<n>PK / GSI<n>SK in order.
func table(stack awscdk.Stack, id string, indexes []string, tune func(*awsdynamodb.TableProps)) awsdynamodb.Table {
	props := &awsdynamodb.TableProps{
		PartitionKey:  stringKey("PK"),
		SortKey:       stringKey("SK"),
		BillingMode:   awsdynamodb.BillingMode_PAY_PER_REQUEST,
		Encryption:    awsdynamodb.TableEncryption_AWS_MANAGED,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
	}
	if tune != nil {
		tune(props)
	}
	t := awsdynamodb.NewTable(stack, jsii.String(id), props)
	for i, name := range indexes {
		n := string(rune('1' + i))
		t.AddGlobalSecondaryIndex(&awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:      jsii.String(name),
			PartitionKey:   stringKey("GSI" + n + "PK"),
			SortKey:        stringKey("GSI" + n + "SK"),
			ProjectionType: awsdynamodb.ProjectionType_ALL,
		})
	}
	return t
}

// leadsTable holds leads, history, identity claims and idempotency records;
// see shared/dynamo/DESIGN.md for the key design.
func leadsTable(stack awscdk.Stack) awsdynamodb.Table {
	return table(stack, "Leads", []string{"byPartner", "byPartnerStatus", "byOwner", "byDue"}, func(p *awsdynamodb.TableProps) {
		p.Stream = awsdynamodb.StreamViewType_NEW_AND_OLD_IMAGES
		p.TimeToLiveAttribute = jsii.String("ttl")
	})
}

// directoryTable holds partners and API keys (hashes only).
func directoryTable(stack awscdk.Stack) awsdynamodb.Table {
	return table(stack, "Directory", []string{"byType"}, nil)
}

func httpAPI(stack awscdk.Stack, intakeFn, adminFn awslambda.IFunction) awsapigatewayv2.HttpApi {
	api := awsapigatewayv2.NewHttpApi(stack, jsii.String("Api"), &awsapigatewayv2.HttpApiProps{
		Description: jsii.String("Partner lead pipeline API"),
	})
	intake := awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String("IntakeIntegration"), intakeFn, nil)
	adminI := awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String("AdminIntegration"), adminFn, nil)
	route := func(path string, in awsapigatewayv2.HttpRouteIntegration, methods ...awsapigatewayv2.HttpMethod) {
		api.AddRoutes(&awsapigatewayv2.AddRoutesOptions{Path: jsii.String(path), Methods: &methods, Integration: in})
	}
	route("/v1/openapi.json", intake, awsapigatewayv2.HttpMethod_GET)
	route("/v1/leads", intake, awsapigatewayv2.HttpMethod_GET, awsapigatewayv2.HttpMethod_POST)
	route("/v1/leads/{id}", intake, awsapigatewayv2.HttpMethod_GET)
	route("/v1/leads/{id}/routing", intake, awsapigatewayv2.HttpMethod_GET)
	route("/v1/leads/{id}/assign", intake, awsapigatewayv2.HttpMethod_POST)
	route("/v1/leads/{id}/status", intake, awsapigatewayv2.HttpMethod_POST)
	route("/v1/leads/{id}/history", intake, awsapigatewayv2.HttpMethod_GET)
	route("/v1/events", intake, awsapigatewayv2.HttpMethod_GET)
	route("/v1/leads/bulk-status", intake, awsapigatewayv2.HttpMethod_POST)
	route("/v1/integrations/{crm}/status", intake, awsapigatewayv2.HttpMethod_POST)
	route("/v1/admin/{proxy+}", adminI, awsapigatewayv2.HttpMethod_ANY)
	route("/v1/webhooks", adminI, awsapigatewayv2.HttpMethod_GET, awsapigatewayv2.HttpMethod_POST)
	route("/v1/webhooks/{proxy+}", adminI, awsapigatewayv2.HttpMethod_ANY)
	route("/v1/notification-preferences", adminI, awsapigatewayv2.HttpMethod_GET, awsapigatewayv2.HttpMethod_PUT)
	accessLogs(stack, api)
	return api
}

// accessLogs writes one JSON line per API request: ids, route, status and
// latencies. No source IP and no body, so no personal data.
func accessLogs(stack awscdk.Stack, api awsapigatewayv2.HttpApi) {
	logs := awslogs.NewLogGroup(stack, jsii.String("ApiAccessLogs"), &awslogs.LogGroupProps{
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
