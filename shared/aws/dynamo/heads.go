package dynamo

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

var _ lead.HeadLister = (*Leads)(nil)

// Heads walks every lead's chain head: one scan of the table that reads
// only lead items' keys, version and head hash.
func (st *Leads) Heads(ctx context.Context, each func(lead.Head) error) error {
	p := dynamodb.NewScanPaginator(st.DB, &dynamodb.ScanInput{
		TableName:                &st.Table,
		FilterExpression:         aws.String("SK = :lead"),
		ProjectionExpression:     aws.String("PK, #v, historyHash"),
		ExpressionAttributeNames: map[string]string{"#v": "version"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":lead": S("LEAD"),
		},
		ConsistentRead: aws.Bool(true),
	})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("scan chain heads: %w", err)
		}
		for _, item := range out.Items {
			h, err := decodeHead(item)
			if err != nil {
				return err
			}
			if err := each(h); err != nil {
				return err
			}
		}
	}
	return nil
}

func decodeHead(item map[string]types.AttributeValue) (lead.Head, error) {
	pk, _ := item[AttrPK].(*types.AttributeValueMemberS)
	v, _ := item["version"].(*types.AttributeValueMemberN)
	hash, _ := item["historyHash"].(*types.AttributeValueMemberS)
	if pk == nil || v == nil || hash == nil {
		return lead.Head{}, fmt.Errorf("lead item %v has no version or head hash", item[AttrPK])
	}
	seq, err := strconv.ParseInt(v.Value, 10, 64)
	if err != nil {
		return lead.Head{}, fmt.Errorf("lead item %s: version %q: %w", pk.Value, v.Value, err)
	}
	return lead.Head{LeadID: strings.TrimPrefix(pk.Value, "LEAD#"), Seq: seq, Hash: hash.Value}, nil
}
