package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// BatchGet reads keys of one table with consistent reads, 100 per call,
// reading again what DynamoDB left unprocessed (after a short pause, as it
// asks), and hands each item found to each. Missing keys are skipped.
func BatchGet(ctx context.Context, db *dynamodb.Client, table string, keys []map[string]types.AttributeValue, each func(map[string]types.AttributeValue) error) error {
	for len(keys) > 0 {
		batch := keys[:min(len(keys), 100)]
		keys = keys[len(batch):]
		for pause := 10 * time.Millisecond; len(batch) > 0; pause = min(2*pause, time.Second) {
			out, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
				table: {Keys: batch, ConsistentRead: aws.Bool(true)},
			}})
			if err != nil {
				return fmt.Errorf("batch read %s: %w", table, err)
			}
			for _, it := range out.Responses[table] {
				if err := each(it); err != nil {
					return err
				}
			}
			if batch = out.UnprocessedKeys[table].Keys; len(batch) > 0 {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(pause):
				}
			}
		}
	}
	return nil
}
