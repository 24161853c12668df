// Command web serves the web app and its sign-in.
package main

import (
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/partnerleads/pipeline/shared/aws/cognito"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
	"github.com/partnerleads/pipeline/shared/edge/platform"
)

func main() {
	log := platform.NewFunctionLogger()
	var env platform.Env
	clientID := env.String("USER_POOL_CLIENT_ID")
	cfg := platform.MustStart(log, &env)
	h := handler{sessions: cognito.Sessions{Client: cip.NewFromConfig(cfg), ClientID: clientID}}
	router := httpapi.Router{Routes: routes(h), Log: log}
	platform.Start(router.HandleJSON)
}
