package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/edge/endpoints"
)

type webAppParts struct {
	api    awsapigatewayv2.HttpApi
	pool   awscognito.UserPool
	client awscognito.UserPoolClient
}

// webApp is the people's side: a user pool with one group per role, the
// app client the sign-in uses, and a second HTTP API that serves the app
// and the same endpoint table as the machines' API, every non-public route
// behind a JWT authorizer on the pool. The functions read the role, the
// partner and the subject from the verified claims (auth.FromClaims), so a
// person and an API key meet the same policy.
func webApp(stack awscdk.Stack, cfg Config, fns map[string]awslambda.IFunction) webAppParts {
	pool := awscognito.NewUserPool(stack, jsii.String("Users"), &awscognito.UserPoolProps{
		SelfSignUpEnabled:   jsii.Bool(false), // admins and partner admins invite people
		SignInAliases:       &awscognito.SignInAliases{Email: jsii.Bool(true)},
		SignInCaseSensitive: jsii.Bool(false),
		AutoVerify:          &awscognito.AutoVerifiedAttrs{Email: jsii.Bool(true)},
		CustomAttributes: &map[string]awscognito.ICustomAttribute{
			"partnerId": awscognito.NewStringAttribute(&awscognito.StringAttributeProps{Mutable: jsii.Bool(true), MaxLen: jsii.Number(64)}),
			"subjectId": awscognito.NewStringAttribute(&awscognito.StringAttributeProps{Mutable: jsii.Bool(true), MaxLen: jsii.Number(64)}),
		},
		Mfa:             awscognito.Mfa_OPTIONAL,
		MfaSecondFactor: &awscognito.MfaSecondFactor{Otp: jsii.Bool(true), Sms: jsii.Bool(false)},
		PasswordPolicy: &awscognito.PasswordPolicy{
			MinLength: jsii.Number(12), RequireDigits: jsii.Bool(true), RequireLowercase: jsii.Bool(true),
			RequireUppercase: jsii.Bool(true), RequireSymbols: jsii.Bool(true),
		},
		AccountRecovery: awscognito.AccountRecovery_EMAIL_ONLY,
		RemovalPolicy:   awscdk.RemovalPolicy_RETAIN,
	})
	for _, r := range auth.Roles {
		awscognito.NewCfnUserPoolGroup(stack, jsii.String("Group"+string(r)), &awscognito.CfnUserPoolGroupProps{
			UserPoolId: pool.UserPoolId(), GroupName: jsii.String(string(r)),
		})
	}
	client := pool.AddClient(jsii.String("AppClient"), &awscognito.UserPoolClientOptions{
		GenerateSecret: jsii.Bool(false),
		// The client is public (its id is in every token), so a user may
		// write no attribute of their own: above all not custom:partnerId or
		// custom:subjectId, which say whom the user acts for. Admins set them.
		WriteAttributes:            awscognito.NewClientAttributes().WithStandardAttributes(&awscognito.StandardAttributesMask{Fullname: jsii.Bool(true)}),
		AuthFlows:                  &awscognito.AuthFlow{UserPassword: jsii.Bool(true)},
		PreventUserExistenceErrors: jsii.Bool(true),
		EnableTokenRevocation:      jsii.Bool(true),
		IdTokenValidity:            awscdk.Duration_Hours(jsii.Number(1)),
		AccessTokenValidity:        awscdk.Duration_Hours(jsii.Number(1)),
		RefreshTokenValidity:       awscdk.Duration_Days(jsii.Number(30)),
	})
	webFn := cfg.goFunction(stack, "Web", "web", map[string]*string{
		"USER_POOL_CLIENT_ID": client.UserPoolClientId(),
	})
	all := map[string]awslambda.IFunction{endpoints.Web: webFn}
	for k, v := range fns {
		all[k] = v
	}
	authorizer := awsapigatewayv2authorizers.NewHttpUserPoolAuthorizer(jsii.String("AppAuthorizer"), pool,
		&awsapigatewayv2authorizers.HttpUserPoolAuthorizerProps{UserPoolClients: &[]awscognito.IUserPoolClient{client}})
	api := httpAPI(stack, cfg, "App", all, func(endpoints.Endpoint) bool { return true }, authorizer)
	return webAppParts{api: api, pool: pool, client: client}
}
