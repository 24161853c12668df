package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/partnerleads/pipeline/shared/aws/deployed"
	"github.com/partnerleads/pipeline/shared/aws/eventbus"
	"github.com/partnerleads/pipeline/shared/aws/sqsqueue"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
)

// drain is a dead-letter queue being emptied.
type drain interface {
	Receive(ctx context.Context, n int, hide time.Duration) ([]sqsqueue.Message, error)
	Delete(ctx context.Context, receiptHandle string) error
}

// resend puts one dead-lettered body back where it failed to go.
type resend func(ctx context.Context, body string) error

// streamBatch marks what a stream mapping's on-failure queue holds: where
// the failed batch was in the stream, not its records.
const streamBatch = "DDBStreamBatchInfo"

// redriveTo moves up to max messages from a dead-letter queue to where they
// failed to go, deleting each only once it is re-sent. Stream batch
// metadata cannot be re-sent and stays; so does everything after a failure.
func redriveTo(ctx context.Context, from drain, to resend, max int, out io.Writer) (moved, kept int, err error) {
	for moved+kept < max {
		ms, err := from.Receive(ctx, min(10, max-moved-kept), 5*time.Minute)
		if err != nil {
			return moved, kept, err
		}
		if len(ms) == 0 {
			break
		}
		for _, m := range ms {
			if strings.Contains(m.Body, streamBatch) {
				kept++
				continue
			}
			if err := to(ctx, m.Body); err != nil {
				return moved, kept, fmt.Errorf("re-send message %d: %w (it stays in the queue)", moved+kept+1, err)
			}
			if err := from.Delete(ctx, m.ReceiptHandle); err != nil {
				return moved, kept, err
			}
			moved++
		}
		fmt.Fprintf(out, "  %d re-sent so far\n", moved)
	}
	return moved, kept, nil
}

// dlqs are the stack's dead-letter queues by name (RouteNewLeads, Notification, …).
func dlqs(outs stackinfo.Outputs) map[string]string {
	m := map[string]string{}
	for k, v := range outs {
		if name, ok := strings.CutSuffix(k, stackinfo.DLQOutputSuffix); ok {
			m[name] = v
		}
	}
	return m
}

// runDLQ is "leadctl dlq list" and "leadctl dlq redrive QUEUE".
func runDLQ(ctx context.Context, st *deployed.Stack, sub string, args []string, max int, out io.Writer) error {
	queues := dlqs(st.Outputs)
	client := sqs.NewFromConfig(st.Cfg)
	names := make([]string, 0, len(queues))
	for n := range queues {
		names = append(names, n)
	}
	slices.Sort(names)
	if sub == "list" {
		for _, n := range names {
			depth, err := sqsqueue.New(client, queues[n], "").Depth(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%-32s %6d\n", n, depth)
		}
		return nil
	}
	if sub != "redrive" || len(args) != 1 {
		return errUsage
	}
	url, ok := queues[args[0]]
	if !ok {
		return fmt.Errorf("no dead-letter queue %q; the stack has: %s", args[0], strings.Join(names, ", "))
	}
	var to resend
	switch args[0] {
	case "Publisher", "Projector":
		return errors.New(args[0] + "'s queue holds where failed stream batches were, not their records: the table still has every change; run the reconciler (not built yet) rather than a redrive")
	case "Notification":
		nq, err := st.Outputs.Get("NotificationQueueUrl")
		if err != nil {
			return err
		}
		to = sqsqueue.New(client, nq, "").Send
	default: // a rule's target: back on the bus, whose consumers drop what they already did
		bus, err := st.Outputs.Get("EventBusName")
		if err != nil {
			return err
		}
		eb := eventbridge.NewFromConfig(st.Cfg)
		to = func(ctx context.Context, body string) error { return eventbus.Resend(ctx, eb, bus, body) }
	}
	fmt.Fprintf(out, "re-sending up to %d messages of %s…\n", max, args[0])
	moved, kept, err := redriveTo(ctx, sqsqueue.New(client, url, ""), to, max, out)
	fmt.Fprintf(out, "%d re-sent, %d left in the queue\n", moved, kept)
	return err
}
