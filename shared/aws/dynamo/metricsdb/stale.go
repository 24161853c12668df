package metricsdb

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/metrics"
)

var _ metrics.StaleLeads = StaleLeads{}

// StaleLeads finds open leads without an update since a time through the
// byPartnerStatus index: one key-condition query per partner and open
// status, reading only leads that are stale.
type StaleLeads struct {
	Leads     *dynamo.Leads
	Directory *dynamo.Directory
}

func (x StaleLeads) Stale(ctx context.Context, partnerID string, before time.Time, limit int) ([]metrics.StaleLead, error) {
	partners := []string{partnerID}
	if partnerID == "" {
		var err error
		if partners, err = x.Directory.PartnerIDs(ctx); err != nil {
			return nil, err
		}
	}
	var out []metrics.StaleLead
	for _, p := range partners {
		for _, st := range lead.Statuses {
			if !st.HoldsOwner() {
				continue
			}
			page, err := x.Leads.DB.Query(ctx, &dynamodb.QueryInput{
				TableName: &x.Leads.Table, IndexName: aws.String(dynamo.GSIByPartnerStatus),
				KeyConditionExpression: aws.String("GSI2PK = :pk AND GSI2SK < :before"),
				ExpressionAttributeValues: map[string]types.AttributeValue{
					":pk": dynamo.S(dynamo.PartnerStatusPK(p, st)), ":before": dynamo.S(dynamo.TimeKey(before)),
				},
				Limit: aws.Int32(int32(limit)),
			})
			if err != nil {
				return nil, fmt.Errorf("query stale leads of %s: %w", p, err)
			}
			for _, it := range page.Items {
				l, err := dynamo.DecodeLead(it)
				if err != nil {
					return nil, err
				}
				out = append(out, metrics.StaleLead{LeadID: l.ID, PartnerID: l.PartnerID, Status: l.Status, OwnerID: l.OwnerID, UpdatedAt: l.UpdatedAt})
			}
		}
	}
	slices.SortFunc(out, func(a, b metrics.StaleLead) int {
		return cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt), cmp.Compare(a.LeadID, b.LeadID))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
