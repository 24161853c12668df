package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/routing"
)

var (
	_ routing.ConfigStore    = (*DirectoryStore)(nil)
	_ lifecycle.MappingStore = (*DirectoryStore)(nil)
)

// Reps are REP#<id> documents; rule sets are RULESET / V#<version, 6 digits>
// items, newest read first.

func (st *DirectoryStore) PutRep(ctx context.Context, r routing.Rep) error {
	return st.putDoc(ctx, "REP", r.ID, r)
}

func (st *DirectoryStore) Reps(ctx context.Context) ([]routing.Rep, error) {
	return listType(ctx, st, "REP", decodeDoc[routing.Rep])
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

// Calendars are CAL#<name> items with the definition as a JSON document.

func (st *DirectoryStore) PutCalendar(ctx context.Context, c routing.CalendarDef) error {
	return st.putDoc(ctx, "CAL", c.Name, c)
}

func (st *DirectoryStore) Calendars(ctx context.Context) ([]routing.CalendarDef, error) {
	return listType(ctx, st, "CAL", decodeDoc[routing.CalendarDef])
}

// putDoc stores a directory document of type typ under <typ>#<id>, listed by
// the byType index.
func (st *DirectoryStore) putDoc(ctx context.Context, typ, id string, v any) error {
	k := key(typ+"#"+id, typ)
	k["GSI1PK"], k["GSI1SK"] = s(typ), s(id)
	return st.putItemDoc(ctx, k, v)
}

func jsonBody(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("marshal document: %w", err)
	}
	return string(b), nil
}

// decodeDoc reads the JSON document of a putDoc item.
func decodeDoc[T any](item map[string]types.AttributeValue) (T, error) {
	var v T
	body, ok := item["body"].(*types.AttributeValueMemberS)
	if !ok {
		return v, fmt.Errorf("item %v has no body", item[attrPK])
	}
	return v, json.Unmarshal([]byte(body.Value), &v)
}

func (st *DirectoryStore) PutTeam(ctx context.Context, t routing.Team) error {
	return st.putDoc(ctx, "TEAM", t.ID, t)
}

func (st *DirectoryStore) Teams(ctx context.Context) ([]routing.Team, error) {
	return listType(ctx, st, "TEAM", decodeDoc[routing.Team])
}

func (st *DirectoryStore) PutCRMMapping(ctx context.Context, m lifecycle.CRMMapping) error {
	return st.putDoc(ctx, "CRMMAP", m.CRM, m)
}

func (st *DirectoryStore) CRMMapping(ctx context.Context, crm string) (lifecycle.CRMMapping, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key("CRMMAP#"+crm, "CRMMAP")})
	if err != nil {
		return lifecycle.CRMMapping{}, fmt.Errorf("get CRM mapping %s: %w", crm, err)
	}
	if out.Item == nil {
		return lifecycle.CRMMapping{}, lifecycle.ErrNoMapping
	}
	return decodeDoc[lifecycle.CRMMapping](out.Item)
}
