// Command admin is the Lambda behind partner and API key administration.
package main

import (
	"context"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerleads/pipeline/shared/admin"
	"github.com/partnerleads/pipeline/shared/auth"
	"github.com/partnerleads/pipeline/shared/dynamo"
	"github.com/partnerleads/pipeline/shared/httpapi"
	"github.com/partnerleads/pipeline/shared/platform"
)

func main() {
	log := platform.NewLogger(os.Stdout)
	var env platform.Env
	directoryTable := env.String("DIRECTORY_TABLE")
	if err := env.Err(); err != nil {
		log.Error("bad configuration", "error", err.Error())
		os.Exit(1)
	}
	awsCfg, err := platform.AWSConfig(context.Background())
	if err != nil {
		log.Error("aws config", "error", err.Error())
		os.Exit(1)
	}
	dir := dynamo.NewDirectoryStore(dynamodb.NewFromConfig(awsCfg), directoryTable)
	h := handler{admin: admin.Service{Partners: dir, Keys: dir, Now: time.Now}}
	router := httpapi.Router{Routes: routes(h), Auth: auth.Authenticator{Keys: dir}, Log: log}
	lambda.Start(router.Handle)
}
