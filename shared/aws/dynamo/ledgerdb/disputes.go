package ledgerdb

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/commission"
)

// A dispute is one item. The byGroup index holds the finance queue
// (DISPUTES#open, then DISPUTES#answered), byPartner each partner's list;
// both sort by filing time.
func disputeItem(d commission.Dispute) (map[string]types.AttributeValue, error) {
	group := "open"
	if d.State != commission.DisputeOpen {
		group = "answered"
	}
	sort := d.FiledAt.UTC().Format("2006-01-02T15:04:05.000000Z") + "#" + d.ID
	item, err := docItem(map[string]string{dynamo.AttrPK: "DISPUTE#" + d.ID, dynamo.AttrSK: "DISPUTE",
		"GSI1PK": "DISPUTES#" + group, "GSI1SK": sort, "GSI2PK": "PARTNERDISPUTES#" + d.PartnerID, "GSI2SK": sort}, d)
	if err == nil {
		item["state"] = dynamo.S(string(d.State))
	}
	return item, err
}

func (st *Store) FileDispute(ctx context.Context, d commission.Dispute) (commission.Dispute, bool, error) {
	item, err := disputeItem(d)
	if err != nil {
		return commission.Dispute{}, false, err
	}
	err = st.put(ctx, item, "attribute_not_exists(PK)")
	if dynamo.ConditionFailed(err) {
		old, err := st.Dispute(ctx, d.ID)
		return old, false, err
	}
	return d, err == nil, err
}

func (st *Store) Dispute(ctx context.Context, id string) (commission.Dispute, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: dynamo.Key("DISPUTE#"+id, "DISPUTE"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return commission.Dispute{}, err
	}
	if out.Item == nil {
		return commission.Dispute{}, commission.ErrDisputeNotFound
	}
	return dynamo.DecodeDoc[commission.Dispute](out.Item)
}

func (st *Store) AnswerDispute(ctx context.Context, d commission.Dispute, line *commission.Entry) error {
	item, err := disputeItem(d)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{{Put: &types.Put{TableName: &st.table, Item: item, ConditionExpression: aws.String("#state = :open"),
		ExpressionAttributeNames:  map[string]string{"#state": "state"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":open": dynamo.S(string(commission.DisputeOpen))}}}}
	if line != nil {
		more, err := st.newLine(*line)
		if err != nil {
			return err
		}
		items = append(items, more...)
	}
	return st.transact(ctx, "answer dispute "+d.ID, items)
}

func (st *Store) Disputes(ctx context.Context, partnerID, state string) ([]commission.Dispute, error) {
	var groups []string
	if state == "all" {
		groups = []string{"open", "answered"}
	} else {
		groups = []string{state}
	}
	var out []commission.Dispute
	if partnerID != "" {
		all, err := collect[commission.Dispute](ctx, st, &dynamodb.QueryInput{
			IndexName:                 aws.String("byPartner"),
			KeyConditionExpression:    aws.String("GSI2PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("PARTNERDISPUTES#" + partnerID)},
		})
		for _, d := range all {
			if state == "all" || (state == "open") == (d.State == commission.DisputeOpen) {
				out = append(out, d)
			}
		}
		return out, err
	}
	for _, g := range groups {
		ds, err := collect[commission.Dispute](ctx, st, &dynamodb.QueryInput{
			IndexName:                 aws.String("byGroup"),
			KeyConditionExpression:    aws.String("GSI1PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("DISPUTES#" + g)},
		})
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}
