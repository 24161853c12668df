package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// busyRetryAfter is what a caller told "busy" waits before trying again.
const busyRetryAfter = 2

// busy reports whether err is AWS saying "not now": throttling, contention
// between transactions, or a 5xx, still so after the SDK's and our own
// retries. The caller may try the same request again shortly: a 503 with
// Retry-After, not a 500.
func busy(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
			"TransactionConflictException", "TransactionInProgressException", "InternalServerError",
			"ServiceUnavailable", "LimitExceededException":
			return true
		case "TransactionCanceledException":
			// Cancelled for contention only: a failed condition would have
			// been answered by the domain already.
			return strings.Contains(ae.ErrorMessage(), "TransactionConflict") && !strings.Contains(ae.ErrorMessage(), "ConditionalCheckFailed")
		}
	}
	var re *smithyhttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() >= 500
}

func busyProblem() Problem {
	return Problem{Type: ProblemTypePrefix + "busy", Title: "Busy, try again", Status: http.StatusServiceUnavailable,
		Detail: "the service is busy with other changes to the same data; send the same request again after Retry-After seconds", RetryAfter: busyRetryAfter}
}
