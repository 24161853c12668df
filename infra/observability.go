package main

import (
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerleads/pipeline/shared/edge/emf"
)

// observability adds, once every function and queue exists, an alarm topic,
// the alarms (any function error, any message in a dead-letter queue, a
// stale backlog over the threshold) and one CloudWatch dashboard. Walking the
// tree means a new function or dead-letter queue is watched without a change
// here.
func observability(stack awscdk.Stack, cfg Config) {
	var fns []awslambda.Function
	var dlqs []awssqs.Queue
	for _, c := range *stack.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		switch v := c.(type) {
		case awslambda.Function:
			fns = append(fns, v)
		case awssqs.Queue:
			if strings.HasSuffix(*v.Node().Id(), dlqSuffix) {
				dlqs = append(dlqs, v)
			}
		}
	}
	sort.Slice(fns, func(i, j int) bool { return *fns[i].Node().Id() < *fns[j].Node().Id() })

	topic := awssns.NewTopic(stack, jsii.String("Alarms"), &awssns.TopicProps{EnforceSSL: jsii.Bool(true)})
	if cfg.AlarmEmail != "" {
		topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(cfg.AlarmEmail), nil))
	}
	notify := awscloudwatchactions.NewSnsAction(topic)
	alarm := func(id, what string, m awscloudwatch.IMetric, threshold float64) {
		a := awscloudwatch.NewAlarm(stack, jsii.String(id), &awscloudwatch.AlarmProps{
			AlarmDescription:   jsii.String(what),
			Metric:             m,
			Threshold:          jsii.Number(threshold),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			EvaluationPeriods:  jsii.Number(1),
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
		a.AddAlarmAction(notify)
	}
	fiveMinutes := awscdk.Duration_Minutes(jsii.Number(5))

	var errs, depths []awscloudwatch.IMetric
	for _, fn := range fns {
		m := fn.MetricErrors(&awscloudwatch.MetricOptions{Period: fiveMinutes, Statistic: jsii.String("Sum")})
		alarm(*fn.Node().Id()+"ErrorsAlarm", *fn.Node().Id()+" failed an invocation", m, 1)
		errs = append(errs, m)
	}
	for _, q := range dlqs {
		m := q.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(1)), Statistic: jsii.String("Maximum")})
		alarm(*q.Node().Id()+"DepthAlarm", "something landed in "+*q.Node().Id()+": read it, fix the cause, replay", m, 1)
		depths = append(depths, m)
	}
	backlog := pipelineMetric("scanner", emf.StaleBacklog, "Maximum", fiveMinutes)
	// Any lead still without an owner after routing again: the scanner
	// retries it every hour, so an hour's maximum catches each one.
	unowned := pipelineMetric("scanner", emf.UnownedLeads, "Maximum", awscdk.Duration_Hours(jsii.Number(1)))
	alarm("UnownedLeadsAlarm", "leads have no owner after routing again: check the routing rules and the router's failures, or assign them", unowned, 1)
	alarm("StaleBacklogAlarm", "the SLA scanner found too many due steps in one run: leads are not being worked", backlog, cfg.StaleBacklogAlarm)

	sum := func(service string, names ...string) *[]awscloudwatch.IMetric {
		var ms []awscloudwatch.IMetric
		for _, n := range names {
			ms = append(ms, pipelineMetric(service, n, "Sum", fiveMinutes))
		}
		return &ms
	}
	graph := func(title string, ms *[]awscloudwatch.IMetric) awscloudwatch.IWidget {
		return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{Title: jsii.String(title), Left: ms, Width: jsii.Number(8)})
	}
	dash := awscloudwatch.NewDashboard(stack, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{
		DefaultInterval: awscdk.Duration_Hours(jsii.Number(24)),
	})
	dash.AddWidgets(
		graph("Leads received", sum("intake", emf.LeadsAccepted, emf.LeadsDuplicate, emf.LeadsRejected)),
		graph("Leads routed", sum("router", emf.LeadsRouted)),
		graph("Partner notifications", sum("notifier", emf.NotificationsSent, emf.NotificationsFailed)),
	)
	dash.AddWidgets(
		graph("Commission (cents)", sum("commission", emf.CommissionAccruedCents, emf.CommissionClawedBackCents)),
		graph("Stale backlog (due SLA steps)", &[]awscloudwatch.IMetric{backlog}),
		graph("Dead-letter queue depth", &depths),
	)
	dash.AddWidgets(awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{Title: jsii.String("Function errors"), Left: &errs, Width: jsii.Number(24)}))

	awscdk.NewCfnOutput(stack, jsii.String("AlarmTopicArn"), &awscdk.CfnOutputProps{Value: topic.TopicArn()})
	awscdk.NewCfnOutput(stack, jsii.String("DashboardName"), &awscdk.CfnOutputProps{Value: dash.DashboardName()})
}

// pipelineMetric is one of the metrics the functions emit in embedded
// metric format (shared/emf).
func pipelineMetric(service, name, statistic string, period awscdk.Duration) awscloudwatch.Metric {
	return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:     jsii.String(emf.Namespace),
		MetricName:    jsii.String(name),
		DimensionsMap: &map[string]*string{"Service": jsii.String(service)},
		Statistic:     jsii.String(statistic),
		Period:        period,
	})
}
