package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/routing"
)

var _ routing.ConfigStore = (*DirectoryStore)(nil)

// Reps are REP#<id> items with the rep as a JSON document; rule sets are
// RULESET / V#<version, 6 digits> items, newest read first.

func (st *DirectoryStore) PutRep(ctx context.Context, r routing.Rep) error {
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("marshal rep: %w", err)
	}
	_, err = st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: map[string]types.AttributeValue{
		attrPK: s("REP#" + r.ID), attrSK: s("REP"), "GSI1PK": s("REP"), "GSI1SK": s(r.ID), "body": s(string(body)),
	}})
	if err != nil {
		return fmt.Errorf("put rep %s: %w", r.ID, err)
	}
	return nil
}

func (st *DirectoryStore) Reps(ctx context.Context) ([]routing.Rep, error) {
	return listType(ctx, st, "REP", func(it map[string]types.AttributeValue) (routing.Rep, error) {
		var r routing.Rep
		err := json.Unmarshal([]byte(it["body"].(*types.AttributeValueMemberS).Value), &r)
		return r, err
	})
}

func (st *DirectoryStore) RuleSet(ctx context.Context) (routing.RuleSet, error) {
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 &st.table,
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s("RULESET")},
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
	if err := json.Unmarshal([]byte(out.Items[0]["body"].(*types.AttributeValueMemberS).Value), &rs); err != nil {
		return routing.RuleSet{}, fmt.Errorf("unmarshal rule set: %w", err)
	}
	return rs, nil
}

func (st *DirectoryStore) AddRuleSet(ctx context.Context, rs routing.RuleSet) error {
	body, err := json.Marshal(rs)
	if err != nil {
		return fmt.Errorf("marshal rule set: %w", err)
	}
	_, err = st.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &st.table,
		Item: map[string]types.AttributeValue{
			attrPK: s("RULESET"), attrSK: s(fmt.Sprintf("V#%06d", rs.Version)), "body": s(string(body)),
		},
		ConditionExpression: aws.String("attribute_not_exists(PK)"),
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return routing.ErrRuleSetVersionTaken
	}
	if err != nil {
		return fmt.Errorf("put rule set v%d: %w", rs.Version, err)
	}
	return nil
}
