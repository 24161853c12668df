package intakedb

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Owned reads a rep's leads in one status from the owner index, whose sort
// key starts with the status.
func (st *Store) Owned(ctx context.Context, owner string, s lead.Status, limit int) ([]lead.Lead, error) {
	in := &dynamodb.QueryInput{
		TableName:              &st.Table,
		IndexName:              aws.String(dynamo.GSIByOwner),
		KeyConditionExpression: aws.String("GSI3PK = :o AND begins_with(GSI3SK, :s)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":o": dynamo.S(dynamo.OwnerPK(owner)), ":s": dynamo.S(string(s) + "#"),
		},
		Limit: aws.Int32(int32(limit)),
	}
	out := []lead.Lead{}
	for p := dynamodb.NewQueryPaginator(st.DB, in); p.HasMorePages() && len(out) < limit; {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("leads of owner %s in %s: %w", owner, s, err)
		}
		for _, it := range page.Items {
			l, err := dynamo.DecodeLead(it)
			if err != nil {
				return nil, err
			}
			out = append(out, l)
		}
	}
	return out[:min(len(out), limit)], nil
}
