// Command hello is the benchmark baseline: the smallest aws-lambda-go HTTP
// API function, deployed only by the bench stack.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: `{"hello":"world"}`, Headers: map[string]string{"Content-Type": "application/json"}}, nil
	})
}
