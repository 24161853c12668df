package storetest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/partnerleads/pipeline/shared/lead"
	"github.com/partnerleads/pipeline/shared/sla"
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

// SeedDue writes the next SLA step of leads [from, to): the first `due` of all
// leads are due before now, the rest within 1,000 hours after it. Seeding
// more leads later keeps the same due set.
func SeedDue(ctx context.Context, x sla.Index, from, to, due int, now time.Time) error {
	return Fan(from, to, func(i int) error {
		at := now.Add(time.Duration(i%1000+1) * time.Hour)
		if i < due {
			at = now.Add(-time.Duration(i+1) * time.Minute)
		}
		return x.Put(ctx, sla.Pending{LeadID: fmt.Sprintf("L%07d", i), PartnerID: "p", Version: 2, Status: lead.StatusContacted,
			OwnerID: "a", Program: sla.DefaultProgram, Action: sla.Remind, DueAt: at, IdleSince: now.AddDate(0, 0, -3)})
	})
}
