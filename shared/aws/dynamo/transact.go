package dynamo

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// transactAttempts bounds how often Transact tries a transaction that other
// transactions keep cancelling; the waits between (full jitter, doubling
// from 20 ms up to 200 ms) add up to a second at most.
const transactAttempts = 8

// Transact runs the transaction build makes for a token. One that DynamoDB
// cancels only because other transactions touched the same items at the
// same moment (TransactionConflict) is tried again, which the SDK does not
// do; a failed condition is not. Each attempt has its own token, which is
// the attempt's ClientRequestToken (the SDK sends it again on its own
// retries, so an attempt that committed is not applied twice); Transact
// returns the token of the last attempt, the only one that can have
// committed.
func Transact(ctx context.Context, db *dynamodb.Client, build func(token string) ([]types.TransactWriteItem, error)) (token string, err error) {
	for attempt := range transactAttempts {
		if attempt > 0 {
			wait := time.Duration(rand.Int64N(int64(min(20*time.Millisecond<<attempt, 200*time.Millisecond))))
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return token, ctx.Err()
			}
		}
		token = NewWriteToken()
		items, err := build(token)
		if err != nil {
			return token, err
		}
		_, err = db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items, ClientRequestToken: &token})
		if err == nil || !conflictOnly(err) || attempt == transactAttempts-1 {
			return token, err
		}
	}
	return token, err
}

// conflictOnly reports whether a transaction was cancelled for contention
// alone: some reason is TransactionConflict and none is a failed condition.
func conflictOnly(err error) bool {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		var inProgress *types.TransactionInProgressException
		return errors.As(err, &inProgress)
	}
	conflict := false
	for _, r := range tce.CancellationReasons {
		switch aws.ToString(r.Code) {
		case "TransactionConflict":
			conflict = true
		case "ConditionalCheckFailed":
			return false
		}
	}
	return conflict
}
