// Package sqsqueue is the notification queue: enqueue (replays), postpone a
// message (retry backoff) and dead-letter one that ran out of attempts; and,
// for leadctl dlq, receiving, deleting and sending one message.
package sqsqueue

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Queue is one queue and its dead-letter queue.
type Queue struct {
	client      *sqs.Client
	url, dlqURL string
}

func New(client *sqs.Client, url, dlqURL string) *Queue {
	return &Queue{client: client, url: url, dlqURL: dlqURL}
}

// Postpone makes a received message visible again after wait (max 12 h).
func (q *Queue) Postpone(ctx context.Context, receiptHandle string, wait time.Duration) error {
	secs := int32(min(wait, 12*time.Hour) / time.Second)
	_, err := q.client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
		QueueUrl: &q.url, ReceiptHandle: &receiptHandle, VisibilityTimeout: secs,
	})
	if err != nil {
		return fmt.Errorf("postpone message: %w", err)
	}
	return nil
}

// DeadLetter moves a message body to the dead-letter queue.
func (q *Queue) DeadLetter(ctx context.Context, body, reason string) error {
	_, err := q.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &q.dlqURL, MessageBody: &body,
		MessageAttributes: map[string]types.MessageAttributeValue{"reason": {DataType: aws.String("String"), StringValue: &reason}}})
	if err != nil {
		return fmt.Errorf("dead-letter message: %w", err)
	}
	return nil
}

// ReplayAttribute marks a message that re-sends an event on a partner's request.
const ReplayAttribute = "replay"

// Replay enqueues message bodies marked as replays, in batches of 10.
func (q *Queue) Replay(ctx context.Context, bodies []string) error {
	for len(bodies) > 0 {
		batch := bodies[:min(10, len(bodies))]
		bodies = bodies[len(batch):]
		entries := make([]types.SendMessageBatchRequestEntry, len(batch))
		for i, b := range batch {
			entries[i] = types.SendMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), MessageBody: aws.String(b),
				MessageAttributes: map[string]types.MessageAttributeValue{ReplayAttribute: {DataType: aws.String("String"), StringValue: aws.String("true")}}}
		}
		out, err := q.client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: &q.url, Entries: entries})
		if err != nil {
			return fmt.Errorf("enqueue replay: %w", err)
		}
		if len(out.Failed) > 0 {
			return fmt.Errorf("enqueue replay: %d of %d failed", len(out.Failed), len(batch))
		}
	}
	return nil
}

// Message is a received message.
type Message struct {
	Body, ReceiptHandle string
}

// Receive takes up to n (1 to 10) messages, hidden from other receivers
// for hide; none when the queue stays empty for a second.
func (q *Queue) Receive(ctx context.Context, n int, hide time.Duration) ([]Message, error) {
	out, err := q.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &q.url, MaxNumberOfMessages: int32(min(max(n, 1), 10)),
		WaitTimeSeconds: 1, VisibilityTimeout: int32(hide / time.Second)})
	if err != nil {
		return nil, fmt.Errorf("receive: %w", err)
	}
	ms := make([]Message, len(out.Messages))
	for i, m := range out.Messages {
		ms[i] = Message{Body: aws.ToString(m.Body), ReceiptHandle: aws.ToString(m.ReceiptHandle)}
	}
	return ms, nil
}

// Delete removes a received message.
func (q *Queue) Delete(ctx context.Context, receiptHandle string) error {
	if _, err := q.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &q.url, ReceiptHandle: &receiptHandle}); err != nil {
		return fmt.Errorf("delete message: %w", err)
	}
	return nil
}

// Send enqueues one message body as it is.
func (q *Queue) Send(ctx context.Context, body string) error {
	if _, err := q.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &q.url, MessageBody: &body}); err != nil {
		return fmt.Errorf("send message: %w", err)
	}
	return nil
}

// Depth is about how many messages the queue holds.
func (q *Queue) Depth(ctx context.Context) (int, error) {
	out, err := q.client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &q.url,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages}})
	if err != nil {
		return 0, fmt.Errorf("queue depth: %w", err)
	}
	n := 0
	_, err = fmt.Sscan(out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessages)], &n)
	return n, err
}
