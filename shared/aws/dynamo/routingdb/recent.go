package routingdb

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// RecentLeads finds the newest leads across every partner of the directory,
// for the what-if simulator.
type RecentLeads struct {
	Leads     *dynamo.Leads
	Directory *dynamo.Directory
}

// Recent returns up to n leads, newest update first: one query per partner
// on the byPartner index, no scan.
func (r RecentLeads) Recent(ctx context.Context, n int) ([]lead.Lead, error) {
	partners, err := r.Directory.PartnerIDs(ctx)
	if err != nil {
		return nil, err
	}
	var all []lead.Lead
	for _, p := range partners {
		out, err := r.Leads.DB.Query(ctx, &dynamodb.QueryInput{
			TableName: &r.Leads.Table, IndexName: aws.String(dynamo.GSIByPartner),
			KeyConditionExpression:    aws.String("GSI1PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S(dynamo.PartnerPK(p))},
			ScanIndexForward:          aws.Bool(false),
			Limit:                     aws.Int32(int32(n)),
		})
		if err != nil {
			return nil, fmt.Errorf("recent leads of %s: %w", p, err)
		}
		for _, it := range out.Items {
			l, err := dynamo.DecodeLead(it)
			if err != nil {
				return nil, err
			}
			all = append(all, l)
		}
	}
	slices.SortFunc(all, func(a, b lead.Lead) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	return all[:min(n, len(all))], nil
}
