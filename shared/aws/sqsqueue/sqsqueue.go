// Package sqsqueue is the notification queue: enqueue (replays), postpone a
// message (retry backoff) and dead-letter one that ran out of attempts.
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
