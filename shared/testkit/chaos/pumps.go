package chaos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// activity tells Settle whether a pump did anything lately.
type activity struct {
	last       atomic.Int64 // unix nanoseconds of the last delivery
	failures   atomic.Int64 // deliveries that failed and will be retried
	deliveries atomic.Int64 // batches and events a function took (first delivery answered)
	duplicates atomic.Int64 // of those, handed over a second time on purpose
}

func (a *activity) touch() { a.last.Store(time.Now().UnixNano()) }

// Redeliveries is how many deliveries failed (an error answer, a timeout
// or a reported batch item failure) and were delivered again.
func (w *World) Redeliveries() int64 { return w.act.failures.Load() }

// Deliveries is how many batches and events were handed to functions, and
// how many of those were handed over a second time (Config.Duplicate).
func (w *World) Deliveries() (delivered, duplicated int64) {
	return w.act.deliveries.Load(), w.act.duplicates.Load()
}

// startPumps plays the Lambda service's part: the event source mappings
// and the rules' asynchronous invocations, at least once, in order per
// stream, duplicated when the config says so.
func (w *World) startPumps(ctx context.Context) error {
	t := w.cfg.Template
	for _, m := range t.Mappings {
		f, ok := w.fns[m.Function]
		if !ok {
			return fmt.Errorf("mapping %s: no function %s", m.ID, m.Function)
		}
		if m.Stream {
			w.pumps.Go(func() { w.pumpStream(ctx, m, f) })
			continue
		}
		url := w.refs[m.Source]
		w.pumped = append(w.pumped, url)
		for range max(1, w.cfg.Processes[m.Function]) {
			w.pumps.Go(func() { w.pumpQueue(ctx, url, m.BatchSize, f) })
		}
	}
	for _, r := range t.Rules {
		f, ok := w.fns[r.Target]
		if !ok {
			continue // a queue target: its own mapping consumes it
		}
		url := w.refs["rule-"+r.ID]
		w.pumped = append(w.pumped, url)
		for range max(1, w.cfg.Processes[r.Target]) {
			w.pumps.Go(func() { w.pumpRule(ctx, url, f) })
		}
	}
	return nil
}

// deliver invokes f with payload once, or twice when duplicating, and
// returns each answer.
func (w *World) deliver(ctx context.Context, f *Function, payload []byte) ([][]byte, error) {
	n := 1
	if w.cfg.Duplicate {
		n = 2
	}
	var answers [][]byte
	for i := range n {
		if i > 0 {
			w.act.duplicates.Add(1)
		}
		out, err := f.Invoke(ctx, payload)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			w.act.deliveries.Add(1)
		}
		answers = append(answers, out)
	}
	return answers, nil
}

func (w *World) failed(ctx context.Context, err error) {
	w.act.failures.Add(1)
	if ctx.Err() == nil && !IsFunctionError(err) && !errors.Is(err, context.DeadlineExceeded) {
		time.Sleep(100 * time.Millisecond)
	}
}

// pumpStream reads the table's stream from its start and hands the
// records that pass the mapping's filters to f in batches, one batch at a
// time. A batch is retried from the first record either answer reports
// failed, or whole after an error.
func (w *World) pumpStream(ctx context.Context, m MappingSpec, f *Function) {
	arn := w.refs[m.Source+".StreamArn"]
	var pending []events.DynamoDBEventRecord
	iter := ""
	for ctx.Err() == nil {
		if iter == "" {
			desc, err := w.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &arn})
			if err != nil || len(desc.StreamDescription.Shards) == 0 {
				time.Sleep(200 * time.Millisecond)
				continue
			}
			it, err := w.streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: &arn,
				ShardId: desc.StreamDescription.Shards[0].ShardId, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
			if err != nil {
				time.Sleep(200 * time.Millisecond)
				continue
			}
			iter = aws.ToString(it.ShardIterator)
		}
		if len(pending) < m.BatchSize {
			out, err := w.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: &iter, Limit: aws.Int32(1000)})
			if err != nil {
				time.Sleep(200 * time.Millisecond)
				continue
			}
			if out.NextShardIterator != nil {
				iter = *out.NextShardIterator
			}
			for _, r := range out.Records {
				rec := streamRecord(r, arn)
				if matches(m.Filters, rec) {
					pending = append(pending, rec)
				}
			}
		}
		if len(pending) == 0 {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		w.act.touch()
		batch := pending[:min(len(pending), m.BatchSize)]
		payload, _ := json.Marshal(events.DynamoDBEvent{Records: batch})
		answers, err := w.deliver(ctx, f, payload)
		if err != nil {
			w.failed(ctx, err)
			continue
		}
		done := len(batch)
		for _, a := range answers {
			var resp events.DynamoDBEventResponse
			_ = json.Unmarshal(a, &resp)
			for _, fail := range resp.BatchItemFailures {
				for i, r := range batch {
					if r.Change.SequenceNumber == fail.ItemIdentifier {
						done = min(done, i)
					}
				}
			}
		}
		if done < len(batch) {
			w.act.failures.Add(1)
		}
		pending = pending[done:]
		w.act.touch()
	}
}

// pumpQueue is an SQS event source mapping with partial batch failures.
func (w *World) pumpQueue(ctx context.Context, url string, batchSize int, f *Function) {
	for ctx.Err() == nil {
		msgs := w.receive(ctx, url, batchSize)
		if len(msgs) == 0 {
			continue
		}
		w.act.touch()
		ev := events.SQSEvent{Records: make([]events.SQSMessage, len(msgs))}
		for i, m := range msgs {
			ev.Records[i] = sqsMessage(m, w.arnOf(url))
		}
		payload, _ := json.Marshal(ev)
		answers, err := w.deliver(ctx, f, payload)
		if err != nil {
			w.failed(ctx, err)
			continue
		}
		failed := map[string]bool{}
		for _, a := range answers {
			var resp events.SQSEventResponse
			_ = json.Unmarshal(a, &resp)
			for _, fail := range resp.BatchItemFailures {
				failed[fail.ItemIdentifier] = true
			}
		}
		if len(failed) > 0 {
			w.act.failures.Add(1)
		}
		var del []sqstypes.DeleteMessageBatchRequestEntry
		for i, m := range msgs {
			if !failed[aws.ToString(m.MessageId)] {
				del = append(del, sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
			}
		}
		w.deleteMessages(ctx, url, del)
		w.act.touch()
	}
}

// pumpRule is a rule's asynchronous invocation of a function: one event
// per invocation, retried after the visibility timeout until it succeeds.
func (w *World) pumpRule(ctx context.Context, url string, f *Function) {
	for ctx.Err() == nil {
		msgs := w.receive(ctx, url, 10)
		if len(msgs) == 0 {
			continue
		}
		w.act.touch()
		var (
			mu  sync.Mutex
			del []sqstypes.DeleteMessageBatchRequestEntry
			wg  sync.WaitGroup
		)
		for i, m := range msgs {
			wg.Go(func() {
				if _, err := w.deliver(ctx, f, []byte(aws.ToString(m.Body))); err != nil {
					w.failed(ctx, err)
					return
				}
				mu.Lock()
				del = append(del, sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
				mu.Unlock()
			})
		}
		wg.Wait()
		w.deleteMessages(ctx, url, del)
		w.act.touch()
	}
}

func (w *World) receive(ctx context.Context, url string, n int) []sqstypes.Message {
	out, err := w.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: int32(min(n, 10)), WaitTimeSeconds: 1,
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		MessageAttributeNames:       []string{"All"}})
	if err != nil {
		if ctx.Err() == nil {
			time.Sleep(200 * time.Millisecond)
		}
		return nil
	}
	return out.Messages
}

func (w *World) deleteMessages(ctx context.Context, url string, del []sqstypes.DeleteMessageBatchRequestEntry) {
	if len(del) == 0 {
		return
	}
	// Deleting is the harness's bookkeeping, not a function's call: it is
	// retried until it succeeds or the world stops.
	for ctx.Err() == nil {
		if _, err := w.sqs.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: &url, Entries: del}); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Settle waits until no delivery happened for quiet and every queue is
// empty, including messages in flight and delayed ones.
func (w *World) Settle(ctx context.Context, quiet time.Duration) error {
	for {
		idle := time.Since(time.Unix(0, w.act.last.Load())) >= quiet
		if idle && w.queuesEmpty(ctx) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the pipeline did not settle: %w", ctx.Err())
		case <-time.After(quiet / 4):
		}
	}
}

func (w *World) queuesEmpty(ctx context.Context) bool {
	for _, url := range w.pumped {
		out, err := w.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &url, AttributeNames: []sqstypes.QueueAttributeName{
			sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
			sqstypes.QueueAttributeNameApproximateNumberOfMessagesDelayed}})
		if err != nil {
			return false
		}
		for _, v := range out.Attributes {
			if v != "0" {
				return false
			}
		}
	}
	return true
}

// DeadLetters counts the messages in every queue nothing consumes: the
// dead-letter queues. A message there is something the pipeline gave up on.
func (w *World) DeadLetters(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, url := range w.queues {
		if slices.Contains(w.pumped, url) {
			continue
		}
		a, err := w.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &url, AttributeNames: []sqstypes.QueueAttributeName{
			sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
		if err != nil {
			return nil, err
		}
		for _, v := range a.Attributes {
			if n, _ := strconv.Atoi(v); n > 0 {
				out[url] += n
			}
		}
	}
	return out, nil
}

func (w *World) arnOf(url string) string {
	for k, v := range w.refs {
		if v == url {
			return w.refs[k+".Arn"]
		}
	}
	return ""
}
