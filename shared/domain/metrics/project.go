// Package metrics keeps the indicators partners and managers read: counters
// per partner and day, kept current from the leads stream, so a read costs
// O(days), not O(leads). It has no AWS imports.
package metrics

import (
	"strconv"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Date is t's date in the business zone.
func Date(t time.Time) string { return t.In(lead.BusinessZone()).Format(time.DateOnly) }

// Counter names. A day's counters are a flat map, one attribute each.
const (
	Received = "received"
	Idle     = "idle" // open leads whose last update fell on this day (a gauge)
	Touches  = "touches"
)

func ReceivedFrom(source string) string            { return "received|" + source }
func Entered(s lead.Status) string                 { return "entered|" + string(s) }
func EnteredFrom(s lead.Status, src string) string { return "entered|" + string(s) + "|" + src }
func LeftStage(s lead.Status) string               { return "stage|n|" + string(s) }
func StageSeconds(s lead.Status) string            { return "stage|sum|" + string(s) }

const (
	ResponseCount   = "response|n"
	ResponseSeconds = "response|sum"
)

func ResponseBucket(i int) string { return "response|b|" + strconv.Itoa(i) }

// Counters are additions to one partner-day.
type Counters map[string]int64

// Delta is what one lead version adds to one partner-day.
type Delta struct {
	PartnerID string
	Date      string
	Add       Counters
}

// Project is what lead version after (change is what produced it; before is
// the version before, nil for a new lead) adds to the counters. Stale marks
// are not updates and add nothing.
func Project(before *lead.Lead, after lead.Lead, change lead.Entry) []Delta {
	var out []Delta
	add := func(t time.Time, name string, n int64) {
		d := Date(t)
		for i := range out {
			if out[i].Date == d {
				out[i].Add[name] += n
				return
			}
		}
		out = append(out, Delta{PartnerID: after.PartnerID, Date: d, Add: Counters{name: n}})
	}
	src := after.Source
	if src == "" {
		src = "api"
	}
	if before == nil {
		add(after.ReceivedAt, Received, 1)
		add(after.ReceivedAt, ReceivedFrom(src), 1)
	}
	moved := change.Change == lead.ChangeCreated || change.Change == lead.ChangeAssigned || change.Change == lead.ChangeStatusChanged
	if moved && (before == nil || before.Status != after.Status) {
		add(change.At, Entered(after.Status), 1)
		add(change.At, EnteredFrom(after.Status, src), 1)
		if before != nil {
			since := before.StatusSince
			if since.IsZero() {
				since = before.UpdatedAt
			}
			add(change.At, LeftStage(before.Status), 1)
			add(change.At, StageSeconds(before.Status), seconds(change.At.Sub(since)))
		}
	}
	if change.Change == lead.ChangeTouched {
		add(change.At, Touches, 1)
	}
	if after.FirstContactAt != nil && (before == nil || before.FirstContactAt == nil) {
		s := seconds(after.FirstContactAt.Sub(after.ReceivedAt))
		add(*after.FirstContactAt, ResponseCount, 1)
		add(*after.FirstContactAt, ResponseSeconds, s)
		add(*after.FirstContactAt, ResponseBucket(bucketOf(s)), 1)
	}
	if before != nil && before.Status.Open() {
		add(before.UpdatedAt, Idle, -1)
	}
	if after.Status.Open() {
		add(after.UpdatedAt, Idle, 1)
	}
	// Drop counters that cancel out (an update on the same day, say).
	kept := out[:0]
	for _, d := range out {
		for k, v := range d.Add {
			if v == 0 {
				delete(d.Add, k)
			}
		}
		if len(d.Add) > 0 {
			kept = append(kept, d)
		}
	}
	return kept
}

func seconds(d time.Duration) int64 { return max(int64(d/time.Second), 0) }
