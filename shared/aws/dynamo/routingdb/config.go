package routingdb

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/routing"
)

// Config keeps reps, teams, calendars and rule sets in the directory.
type Config struct{ *dynamo.Directory }

var _ routing.ConfigStore = (*Config)(nil)

func NewConfig(db *dynamodb.Client, table string) *Config {
	return &Config{dynamo.NewDirectory(db, table)}
}

// Reps are REP#<id> documents; rule sets are RULESET / V#<version, 6 digits>
// items, newest read first.

func (st *Config) PutRep(ctx context.Context, r routing.Rep) error {
	return st.PutDoc(ctx, "REP", r.ID, r)
}

func (st *Config) Reps(ctx context.Context) ([]routing.Rep, error) {
	return dynamo.ListDocs[routing.Rep](ctx, st.Directory, "REP")
}

func (st *Config) RuleSet(ctx context.Context) (routing.RuleSet, error) {
	out, err := st.DB.Query(ctx, &dynamodb.QueryInput{
		TableName:                 &st.Table,
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("RULESET")},
		ScanIndexForward:          aws.Bool(false),
		Limit:                     aws.Int32(1),
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return routing.RuleSet{}, fmt.Errorf("read rule set: %w", err)
	}
	if len(out.Items) == 0 {
		return routing.RuleSet{}, nil
	}
	var rs routing.RuleSet
	if err := json.Unmarshal([]byte(dynamo.Str(out.Items[0], "body")), &rs); err != nil {
		return routing.RuleSet{}, fmt.Errorf("unmarshal rule set: %w", err)
	}
	return rs, nil
}

func (st *Config) AddRuleSet(ctx context.Context, rs routing.RuleSet) error {
	body, err := json.Marshal(rs)
	if err != nil {
		return fmt.Errorf("marshal rule set: %w", err)
	}
	_, err = st.DB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &st.Table,
		Item: map[string]types.AttributeValue{
			dynamo.AttrPK: dynamo.S("RULESET"), dynamo.AttrSK: dynamo.S(fmt.Sprintf("V#%06d", rs.Version)), "body": dynamo.S(string(body)),
		},
		ConditionExpression: aws.String("attribute_not_exists(PK)"),
	})
	if dynamo.ConditionFailed(err) {
		return routing.ErrRuleSetVersionTaken
	}
	if err != nil {
		return fmt.Errorf("put rule set v%d: %w", rs.Version, err)
	}
	return nil
}

// Calendars are CAL#<name> items with the definition as a JSON document.

func (st *Config) PutCalendar(ctx context.Context, c routing.CalendarDef) error {
	return st.PutDoc(ctx, "CAL", c.Name, c)
}

func (st *Config) Calendars(ctx context.Context) ([]routing.CalendarDef, error) {
	return dynamo.ListDocs[routing.CalendarDef](ctx, st.Directory, "CAL")
}

func (st *Config) PutTeam(ctx context.Context, t routing.Team) error {
	return st.PutDoc(ctx, "TEAM", t.ID, t)
}

func (st *Config) Teams(ctx context.Context) ([]routing.Team, error) {
	return dynamo.ListDocs[routing.Team](ctx, st.Directory, "TEAM")
}
