package sladb

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/domain/sla"
)

// Seed writes SLA items in BatchWriteItem calls of 25, without the version
// guard Put keeps: for filling a scratch table in tests and benchmarks
// (about 20 times faster than a Put each on the emulator), never for the
// live table, where the projector's guarded writes are the only writers.
func (x *DueIndex) Seed(ctx context.Context, steps []sla.Pending) error {
	for chunk := range slices.Chunk(steps, 25) {
		reqs := make([]types.WriteRequest, 0, len(chunk))
		for _, p := range chunk {
			item, err := dueItem(p)
			if err != nil {
				return err
			}
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
		}
		pending := map[string][]types.WriteRequest{x.table: reqs}
		for try := 0; len(pending) > 0; try++ {
			if try == 10 {
				return fmt.Errorf("seed SLA items: %d left unprocessed", len(pending[x.table]))
			}
			if try > 0 {
				time.Sleep(time.Duration(try) * 50 * time.Millisecond)
			}
			out, err := x.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
			if err != nil {
				return fmt.Errorf("seed SLA items: %w", err)
			}
			pending = out.UnprocessedItems
		}
	}
	return nil
}
