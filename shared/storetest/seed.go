package storetest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/partnerleads/pipeline/shared/lead"
	"github.com/partnerleads/pipeline/shared/sla"
)

// SeedDue writes the next SLA step of leads [from, to) with 32 writers: the
// first `due` of all leads are due before now, the rest within 1,000 hours
// after it. Seeding more leads later keeps the same due set.
func SeedDue(ctx context.Context, x sla.Index, from, to, due int, now time.Time) error {
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
				at := now.Add(time.Duration(i%1000+1) * time.Hour)
				if i < due {
					at = now.Add(-time.Duration(i+1) * time.Minute)
				}
				p := sla.Pending{LeadID: fmt.Sprintf("L%07d", i), PartnerID: "p", Version: 2, Status: lead.StatusContacted,
					OwnerID: "a", Program: sla.DefaultProgram, Action: sla.Remind, DueAt: at, IdleSince: now.AddDate(0, 0, -3)}
				if err := x.Put(ctx, p); err != nil {
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
