package chaos

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The harness reads the machines' side of the stack: the people's API (the
// one with a JWT authorizer) and the web function, which needs the user
// pool, are left out; everything else is kept.
func TestReadTemplateLeavesOutThePeoplesSide(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tpl := `{"Resources":{
  "Pool":{"Type":"AWS::Cognito::UserPool","Properties":{}},
  "PoolClient":{"Type":"AWS::Cognito::UserPoolClient","Properties":{}},
  "Intake1":{"Type":"AWS::Lambda::Function","Properties":{"Timeout":10,"Environment":{"Variables":{"MODE":"x"}}}},
  "Web1":{"Type":"AWS::Lambda::Function","Properties":{"Environment":{"Variables":{"USER_POOL_CLIENT_ID":{"Ref":"PoolClient"}}}}},
  "Api1":{"Type":"AWS::ApiGatewayV2::Api","Properties":{}},
  "AppApi1":{"Type":"AWS::ApiGatewayV2::Api","Properties":{}},
  "AppAuthorizer":{"Type":"AWS::ApiGatewayV2::Authorizer","Properties":{"ApiId":{"Ref":"AppApi1"}}},
  "IntakeIntegration":{"Type":"AWS::ApiGatewayV2::Integration","Properties":{"IntegrationUri":{"Fn::GetAtt":["Intake1","Arn"]}}},
  "AppIntakeIntegration":{"Type":"AWS::ApiGatewayV2::Integration","Properties":{"IntegrationUri":{"Fn::GetAtt":["Intake1","Arn"]}}},
  "WebIntegration":{"Type":"AWS::ApiGatewayV2::Integration","Properties":{"IntegrationUri":{"Fn::GetAtt":["Web1","Arn"]}}},
  "R1":{"Type":"AWS::ApiGatewayV2::Route","Properties":{"ApiId":{"Ref":"Api1"},"RouteKey":"POST /v1/leads","Target":{"Fn::Join":["",["integrations/",{"Ref":"IntakeIntegration"}]]}}},
  "R2":{"Type":"AWS::ApiGatewayV2::Route","Properties":{"ApiId":{"Ref":"AppApi1"},"RouteKey":"POST /v1/leads","Target":{"Fn::Join":["",["integrations/",{"Ref":"AppIntakeIntegration"}]]}}},
  "R3":{"Type":"AWS::ApiGatewayV2::Route","Properties":{"ApiId":{"Ref":"AppApi1"},"RouteKey":"GET /app","Target":{"Fn::Join":["",["integrations/",{"Ref":"WebIntegration"}]]}}}
}}`
	if err := os.WriteFile(filepath.Join(dir, "S.template.json"), []byte(tpl), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTemplate(dir, "S")
	if err != nil {
		t.Fatal(err)
	}
	var fns []string
	for id := range got.Functions {
		fns = append(fns, id)
	}
	if !slices.Equal(fns, []string{"Intake1"}) {
		t.Errorf("functions %v, want only Intake1", fns)
	}
	if _, ok := got.PeopleOnly["Web1"]; !ok || len(got.PeopleOnly) != 1 {
		t.Errorf("people-only functions %v, want Web1", got.PeopleOnly)
	}
	if want := []RouteSpec{{Method: "POST", Path: "/v1/leads", Function: "Intake1"}}; !slices.Equal(got.Routes, want) {
		t.Errorf("routes %+v, want %+v", got.Routes, want)
	}
}
