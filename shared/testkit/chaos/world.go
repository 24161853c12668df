package chaos

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/dynamo/schema"
)

// Config is one world: the stack's resources created afresh on the
// emulator and its functions running against them.
type Config struct {
	Template *Template
	AWS      aws.Config // the harness's own calls, straight to the emulator
	// FunctionEndpoint is where the functions' AWS calls go: the emulator,
	// or a fault proxy in front of it.
	FunctionEndpoint string
	Name             string            // prefixes every resource name; unique per run
	Processes        map[string]int    // function logical id → processes (default 1)
	Env              map[string]string // set on every function, over the template's
	Duplicate        bool              // deliver every event and batch twice
	Visibility       time.Duration     // SQS visibility timeout; a failed delivery's retry delay
}

// World is a running copy of the stack.
type World struct {
	cfg     Config
	db      *dynamodb.Client
	streams *dynamodbstreams.Client
	sqs     *sqs.Client
	eb      *eventbridge.Client
	s3      *s3.Client

	refs    map[string]string // "id" or "id.Attr" → physical value
	fns     map[string]*Function
	queues  []string // every queue URL
	pumped  []string // the queues a pump consumes
	cleanup []func()
	pumps   sync.WaitGroup
	stop    context.CancelFunc
	act     activity
	// requests counts HTTP API requests, for the cost model.
	requests atomic.Int64
}

// Start creates the resources, starts the functions and the event source
// pumps. Close undoes all of it.
func Start(ctx context.Context, cfg Config) (*World, error) {
	w := &World{cfg: cfg, db: dynamodb.NewFromConfig(cfg.AWS), streams: dynamodbstreams.NewFromConfig(cfg.AWS),
		sqs: sqs.NewFromConfig(cfg.AWS), eb: eventbridge.NewFromConfig(cfg.AWS),
		s3:   s3.NewFromConfig(cfg.AWS, func(o *s3.Options) { o.UsePathStyle = true }),
		refs: map[string]string{}, fns: map[string]*Function{}}
	if w.cfg.Visibility == 0 {
		w.cfg.Visibility = 5 * time.Second
	}
	if err := w.create(ctx); err != nil {
		w.Close()
		return nil, err
	}
	if err := w.startFunctions(); err != nil {
		w.Close()
		return nil, err
	}
	pctx, cancel := context.WithCancel(context.Background())
	w.stop = cancel
	if err := w.startPumps(pctx); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

func (w *World) name(id string) string {
	return strings.ToLower(w.cfg.Name + "-" + id)
}

func (w *World) create(ctx context.Context) error {
	t := w.cfg.Template
	for id, spec := range t.Tables {
		if err := w.createTable(ctx, id, spec); err != nil {
			return fmt.Errorf("table %s: %w", id, err)
		}
	}
	for _, id := range t.Queues {
		if err := w.createQueue(ctx, id); err != nil {
			return err
		}
	}
	for _, id := range t.Buckets {
		name := w.name(id)
		var owned *s3types.BucketAlreadyOwnedByYou
		if _, err := w.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &name}); err != nil && !errors.As(err, &owned) {
			return fmt.Errorf("bucket %s: %w", id, err)
		}
		w.refs[id] = name
	}
	bus := w.name(t.Bus)
	_, err := w.eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: &bus})
	var exists *ebtypes.ResourceAlreadyExistsException
	if err != nil && !errors.As(err, &exists) { // exists: a retried create of this run's own bus
		return fmt.Errorf("event bus: %w", err)
	}
	desc, err := w.eb.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: &bus})
	if err != nil {
		return fmt.Errorf("event bus: %w", err)
	}
	w.refs[t.Bus], w.refs[t.Bus+".Arn"] = bus, aws.ToString(desc.Arn)
	w.cleanup = append(w.cleanup, func() { _, _ = w.eb.DeleteEventBus(context.Background(), &eventbridge.DeleteEventBusInput{Name: &bus}) })
	for _, r := range t.Rules {
		target := r.Target
		if _, isFn := t.Functions[target]; isFn {
			// The harness delivers to a function through a queue of its own,
			// as EventBridge's asynchronous invoke with retries would.
			target = "rule-" + r.ID
			if err := w.createQueue(ctx, target); err != nil {
				return err
			}
		}
		name := w.name(r.ID)
		if _, err := w.eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: &name, EventBusName: &bus, EventPattern: aws.String(string(r.Pattern))}); err != nil {
			return fmt.Errorf("rule %s: %w", r.ID, err)
		}
		if _, err := w.eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: &name, EventBusName: &bus,
			Targets: []ebtypes.Target{{Id: aws.String("Target0"), Arn: aws.String(w.refs[target+".Arn"])}}}); err != nil {
			return fmt.Errorf("rule %s target: %w", r.ID, err)
		}
	}
	return nil
}

func (w *World) createTable(ctx context.Context, id string, t schema.Table) error {
	name := w.name(id)
	desc, err := dynamo.CreateTable(ctx, w.db, name, t, true)
	if err != nil {
		return err
	}
	w.refs[id] = name
	w.refs[id+".Arn"] = aws.ToString(desc.TableArn)
	w.refs[id+".StreamArn"] = aws.ToString(desc.LatestStreamArn)
	w.cleanup = append(w.cleanup, func() {
		_, _ = w.db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &name})
	})
	return nil
}

func (w *World) createQueue(ctx context.Context, id string) error {
	name := w.name(id)
	out, err := w.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: &name, Attributes: map[string]string{
		"VisibilityTimeout": fmt.Sprint(int(w.cfg.Visibility.Seconds())),
	}})
	if err != nil {
		return fmt.Errorf("queue %s: %w", id, err)
	}
	url := aws.ToString(out.QueueUrl)
	attrs, err := w.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &url, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		return fmt.Errorf("queue %s: %w", id, err)
	}
	w.refs[id], w.refs[id+".Arn"] = url, attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]
	w.queues = append(w.queues, url)
	w.cleanup = append(w.cleanup, func() { _, _ = w.sqs.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: &url}) })
	return nil
}

func (w *World) startFunctions() error {
	t := w.cfg.Template
	creds, err := w.cfg.AWS.Credentials.Retrieve(context.Background())
	if err != nil {
		return err
	}
	for id, spec := range t.Functions {
		env := []string{
			"AWS_REGION=" + w.cfg.AWS.Region, "AWS_DEFAULT_REGION=" + w.cfg.AWS.Region,
			"AWS_ACCESS_KEY_ID=" + creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + creds.SecretAccessKey,
			"AWS_ENDPOINT_URL=" + w.cfg.FunctionEndpoint, "AWS_ENDPOINT_URL_S3=" + w.cfg.FunctionEndpoint,
		}
		for k, v := range spec.Env {
			val := v.Literal
			if v.Ref != "" {
				key := v.Ref
				if v.Attr != "" {
					key += "." + v.Attr
				}
				var ok bool
				if val, ok = w.refs[key]; !ok {
					return fmt.Errorf("function %s: %s refers to %s, which the harness does not create", id, k, key)
				}
			}
			if _, ok := w.cfg.Env[k]; !ok {
				env = append(env, k+"="+val)
			}
		}
		for k, v := range w.cfg.Env {
			env = append(env, k+"="+v)
		}
		n := max(1, w.cfg.Processes[id])
		f, err := StartFunction(id, filepath.Join(t.Dir, spec.Asset, "bootstrap"), env, n, time.Duration(max(spec.Timeout, 3))*time.Second)
		if err != nil {
			return err
		}
		w.fns[id] = f
		w.cleanup = append(w.cleanup, f.Stop)
	}
	return nil
}

// Requests is how many HTTP API requests Call served.
func (w *World) Requests() int64 { return w.requests.Load() }

// Template is the template the world was made from.
func (w *World) Template() *Template { return w.cfg.Template }

// Functions returns the running functions by logical id.
func (w *World) Functions() map[string]*Function { return w.fns }

// Ref returns the physical name of a resource ("Leads391D8FFF" or
// "Leads391D8FFF.StreamArn").
func (w *World) Ref(id string) string { return w.refs[id] }

// Close stops the pumps and the functions and deletes what Start created.
func (w *World) Close() {
	if w.stop != nil {
		w.stop()
		w.pumps.Wait()
	}
	for i := len(w.cleanup) - 1; i >= 0; i-- {
		w.cleanup[i]()
	}
}
