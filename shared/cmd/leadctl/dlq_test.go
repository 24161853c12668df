package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/aws/sqsqueue"
)

// fakeDLQ hands out its messages in order, ten at a time; a received one
// is hidden until deleted (the test is shorter than the hiding).
type fakeDLQ struct {
	msgs    []string
	hidden  map[int]bool
	deleted []string
}

func (q *fakeDLQ) Receive(_ context.Context, n int, _ time.Duration) ([]sqsqueue.Message, error) {
	var out []sqsqueue.Message
	for i, b := range q.msgs {
		if len(out) < n && !q.hidden[i] {
			q.hidden[i] = true
			out = append(out, sqsqueue.Message{Body: b, ReceiptHandle: fmt.Sprint(i)})
		}
	}
	return out, nil
}

func (q *fakeDLQ) Delete(_ context.Context, h string) error {
	var i int
	if _, err := fmt.Sscan(h, &i); err != nil {
		return err
	}
	q.deleted = append(q.deleted, q.msgs[i])
	return nil
}

func TestRedrive(t *testing.T) {
	t.Parallel()
	event := func(i int) string {
		return fmt.Sprintf(`{"source":"partnerleads.leads","detail-type":"lead.created","detail":{"id":"L%d.1"}}`, i)
	}
	var bodies []string
	for i := range 23 {
		bodies = append(bodies, event(i))
	}
	batch := `{"requestContext":{},"DDBStreamBatchInfo":{"shardId":"s1","startSequenceNumber":"1"}}`
	cases := []struct {
		name             string
		msgs             []string
		max, failAt      int // failAt: the n-th re-send fails (0: none)
		moved, kept      int
		wantErr          bool
		deletedAreResent bool
	}{
		{"every message re-sent then deleted, in batches of ten", bodies, 1000, 0, 23, 0, false, true},
		{"at most max", bodies, 5, 0, 5, 0, false, true},
		{"stream batch metadata stays", append([]string{batch}, bodies[:3]...), 1000, 0, 3, 1, false, true},
		{"a failed re-send stops there and deletes nothing unsent", bodies, 1000, 12, 11, 0, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			q := &fakeDLQ{msgs: c.msgs, hidden: map[int]bool{}}
			var sent []string
			to := func(_ context.Context, body string) error {
				if c.failAt > 0 && len(sent)+1 == c.failAt {
					return errors.New("bus throttled")
				}
				sent = append(sent, body)
				return nil
			}
			moved, kept, err := redriveTo(context.Background(), q, to, c.max, io.Discard)
			if moved != c.moved || kept != c.kept || (err != nil) != c.wantErr {
				t.Fatalf("moved %d kept %d err %v, want %d %d error %v", moved, kept, err, c.moved, c.kept, c.wantErr)
			}
			if !slices.Equal(q.deleted, sent) {
				t.Fatalf("deleted %d messages, re-sent %d: only re-sent ones may go", len(q.deleted), len(sent))
			}
		})
	}
}
