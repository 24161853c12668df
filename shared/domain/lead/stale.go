package lead

import (
	"fmt"
	"time"
)

// ScannerActor is the actor of the SLA scanner's history entries.
var ScannerActor = Actor{ID: "sla-scanner", Role: "system"}

// MarkStale records that the SLA ladder took a reminder or escalation step
// on l. It is a new version with its own history entry and event, but not an
// update: UpdatedAt stays, so the lead's idle time keeps counting.
func MarkStale(l Lead, step SLAStep, at time.Time) (Lead, Entry) {
	next := l
	next.Version = l.Version + 1
	e := Entry{
		LeadID: l.ID, Seq: next.Version, At: at, Actor: ScannerActor, Change: ChangeStale,
		From: l.Status, To: l.Status, Owner: l.OwnerID, SLA: &step,
		Reason: fmt.Sprintf("no update since %s: %s (step %d)", step.IdleSince.UTC().Format(time.RFC3339), step.Action, step.Step+1),
	}.Seal(l.HistoryHash)
	next.HistoryHash = e.Hash
	return next, e
}
