package dynamo

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// ConditionFailed reports whether a single-item write was refused by its
// condition.
func ConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

// CancelledAt returns the index of the first item whose condition cancelled
// a transaction, or -1 when the transaction failed otherwise (or not at all).
func CancelledAt(err error) int {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return -1
	}
	for i, r := range tce.CancellationReasons {
		if aws.ToString(r.Code) == "ConditionalCheckFailed" {
			return i
		}
	}
	return -1
}
