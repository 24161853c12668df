// Package metricsdb stores indicator counters and weekly reports, and finds
// stale leads.
package metricsdb

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/metrics"
)

var _ metrics.Store = (*Store)(nil)

// Store keeps indicator counters in the Metrics table (see DESIGN.md).
type Store struct {
	db    *dynamodb.Client
	table string
}

func New(db *dynamodb.Client, table string) *Store {
	return &Store{db: db, table: table}
}

const gsiByMonth = "byMonth"

func dayPK(partnerID string) string { return "DAY#" + partnerID }

// Apply adds a lead version's deltas in one transaction with the lead's
// SEEN marker, whose version only goes up: a replayed version cancels the
// whole transaction and counts nothing.
func (m *Store) Apply(ctx context.Context, leadID string, version int64, deltas []metrics.Delta) error {
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName: &m.table, Key: dynamo.Key("SEEN#"+leadID, "SEEN"),
		UpdateExpression:          aws.String("SET version = :v"),
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR version < :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": dynamo.N(version)},
	}}}
	// One update per item: a transaction may touch each item once, and
	// every delta's gauge change lands on the partner's one gauge item.
	gauges := map[string]metrics.Counters{}
	for _, d := range deltas {
		day := metrics.Counters{}
		for k, v := range d.Add {
			if k == metrics.Idle {
				if gauges[d.PartnerID] == nil {
					gauges[d.PartnerID] = metrics.Counters{}
				}
				gauges[d.PartnerID]["d|"+d.Date] += v
			} else {
				day[k] = v
			}
		}
		if len(day) > 0 {
			u := adds(m.table, dynamo.Key(dayPK(d.PartnerID), d.Date), day)
			*u.UpdateExpression += " SET GSI1PK = :month, GSI1SK = :daypartner"
			u.ExpressionAttributeValues[":month"] = dynamo.S("MONTH#" + d.Date[:7])
			u.ExpressionAttributeValues[":daypartner"] = dynamo.S(d.Date + "#" + d.PartnerID)
			items = append(items, types.TransactWriteItem{Update: u})
		}
	}
	for partnerID, g := range gauges {
		items = append(items, types.TransactWriteItem{Update: adds(m.table, dynamo.Key("GAUGE", partnerID), g)})
	}
	_, err := dynamo.Transact(ctx, m.db, func(string) ([]types.TransactWriteItem, error) { return items, nil })
	if dynamo.CancelledAt(err) == 0 {
		return nil // this version was applied already
	}
	if err != nil {
		return fmt.Errorf("apply counters of %s v%d: %w", leadID, version, err)
	}
	return nil
}

// adds is an UpdateItem that ADDs each counter.
func adds(table string, k map[string]types.AttributeValue, c metrics.Counters) *types.Update {
	names, vals := map[string]string{}, map[string]types.AttributeValue{}
	var parts []string
	i := 0
	for name, v := range c {
		n, p := "#c"+strconv.Itoa(i), ":c"+strconv.Itoa(i)
		names[n], vals[p] = name, dynamo.N(v)
		parts = append(parts, n+" "+p)
		i++
	}
	return &types.Update{
		TableName: &table, Key: k, UpdateExpression: aws.String("ADD " + strings.Join(parts, ", ")),
		ExpressionAttributeNames: names, ExpressionAttributeValues: vals,
	}
}

func counters(it map[string]types.AttributeValue, prefix string) metrics.Counters {
	c := metrics.Counters{}
	for k, v := range it {
		n, ok := v.(*types.AttributeValueMemberN)
		if !ok || !strings.HasPrefix(k, prefix) {
			continue
		}
		x, _ := strconv.ParseInt(n.Value, 10, 64)
		c[strings.TrimPrefix(k, prefix)] = x
	}
	return c
}

func (m *Store) Days(ctx context.Context, partnerID, from, to string) ([]metrics.Day, error) {
	var out []metrics.Day
	each := func(in *dynamodb.QueryInput) error {
		p := dynamodb.NewQueryPaginator(m.db, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("query day counters: %w", err)
			}
			for _, it := range page.Items {
				pk, _ := it[dynamo.AttrPK].(*types.AttributeValueMemberS)
				sk, _ := it[dynamo.AttrSK].(*types.AttributeValueMemberS)
				if pk == nil || sk == nil {
					continue
				}
				c := counters(it, "")
				delete(c, "version")
				out = append(out, metrics.Day{PartnerID: strings.TrimPrefix(pk.Value, "DAY#"), Date: sk.Value, Counters: c})
			}
		}
		return nil
	}
	if partnerID != "" {
		return out, each(&dynamodb.QueryInput{
			TableName: &m.table, KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :from AND :to"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S(dayPK(partnerID)), ":from": dynamo.S(from), ":to": dynamo.S(to)},
		})
	}
	f, err1 := time.Parse(time.DateOnly, from)
	t, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("days %s..%s: not dates", from, to)
	}
	for month := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, time.UTC); !month.After(t); month = month.AddDate(0, 1, 0) {
		err := each(&dynamodb.QueryInput{
			TableName: &m.table, IndexName: aws.String(gsiByMonth),
			KeyConditionExpression: aws.String("GSI1PK = :m AND GSI1SK BETWEEN :from AND :to"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":m": dynamo.S("MONTH#" + month.Format("2006-01")), ":from": dynamo.S(from), ":to": dynamo.S(to + "#~"),
			},
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (m *Store) Gauges(ctx context.Context, partnerID string) ([]metrics.Gauge, error) {
	in := &dynamodb.QueryInput{
		TableName: &m.table, KeyConditionExpression: aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S("GAUGE")},
	}
	if partnerID != "" {
		in.KeyConditionExpression = aws.String("PK = :pk AND SK = :sk")
		in.ExpressionAttributeValues[":sk"] = dynamo.S(partnerID)
	}
	var out []metrics.Gauge
	p := dynamodb.NewQueryPaginator(m.db, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("query gauges: %w", err)
		}
		for _, it := range page.Items {
			sk, _ := it[dynamo.AttrSK].(*types.AttributeValueMemberS)
			if sk == nil {
				continue
			}
			out = append(out, metrics.Gauge{PartnerID: sk.Value, ByDate: counters(it, "d|")})
		}
	}
	return out, nil
}

func (m *Store) PutReport(ctx context.Context, r metrics.Report) error {
	body, err := dynamo.JSONBody(r)
	if err != nil {
		return err
	}
	item := dynamo.Key("REPORT#"+r.PartnerID, r.Week)
	item["body"] = dynamo.S(body)
	if _, err := m.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &m.table, Item: item}); err != nil {
		return fmt.Errorf("put report %s %s: %w", r.PartnerID, r.Week, err)
	}
	return nil
}

func (m *Store) GetReport(ctx context.Context, partnerID, week string) (metrics.Report, error) {
	out, err := m.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &m.table, Key: dynamo.Key("REPORT#"+partnerID, week)})
	if err != nil {
		return metrics.Report{}, fmt.Errorf("get report: %w", err)
	}
	if out.Item == nil {
		return metrics.Report{}, metrics.ErrNoReport
	}
	return dynamo.DecodeDoc[metrics.Report](out.Item)
}
