package sladb

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/domain/sla"
)

// Seed writes SLA items without the version guard Put keeps: for filling a
// scratch table in tests and benchmarks, never for the live table, where
// the projector's guarded writes are the only writers.
func (x *DueIndex) Seed(ctx context.Context, steps []sla.Pending) error {
	items := make([]map[string]types.AttributeValue, 0, len(steps))
	for _, p := range steps {
		item, err := dueItem(p)
		if err != nil {
			return err
		}
		items = append(items, item)
	}
	return dynamo.BatchPut(ctx, x.db, x.table, items)
}
