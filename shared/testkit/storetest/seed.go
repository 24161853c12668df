package storetest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/sla"
)

// Fan calls f for every i in [from, to) from 32 workers, for bulk seeding
// through an adapter; it returns the first error.
func Fan(from, to int, f func(i int) error) error {
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	next := make(chan int)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		}()
	}
	for i := from; i < to; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

// SeedDue writes the next SLA step of leads [from, to) through seed, 25
// steps a call from Fan's workers: the first `due` of all leads are due
// before now, the rest within 1,000 hours after it. Seeding more leads later
// keeps the same due set.
func SeedDue(ctx context.Context, seed func(context.Context, []sla.Pending) error, from, to, due int, now time.Time) error {
	const batch = 25
	return Fan(0, (to-from+batch-1)/batch, func(b int) error {
		lo := from + b*batch
		steps := make([]sla.Pending, 0, batch)
		for i := lo; i < min(lo+batch, to); i++ {
			at := now.Add(time.Duration(i%1000+1) * time.Hour)
			if i < due {
				at = now.Add(-time.Duration(i+1) * time.Minute)
			}
			steps = append(steps, sla.Pending{LeadID: fmt.Sprintf("L%07d", i), PartnerID: "p", Version: 2, Status: lead.StatusContacted,
				OwnerID: "a", Program: sla.DefaultProgram, Action: sla.Remind, DueAt: at, IdleSince: now.AddDate(0, 0, -3)})
		}
		return seed(ctx, steps)
	})
}
