package lead

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/fault"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Touch is one attempt by the sales side to reach a lead's contact.
type Touch struct {
	Channel string    `json:"channel"` // one of TouchChannels
	Outcome string    `json:"outcome"` // one of TouchOutcomes
	At      time.Time `json:"at"`      // when it happened, which may be before it was logged
}

// TouchChannels and TouchOutcomes are the words a touch is logged with.
var (
	TouchChannels = []string{"call", "whatsapp", "email", "meeting"}
	TouchOutcomes = []string{"no_answer", "voicemail", "reached", "scheduled", "wrong_contact"}
)

// MaxTouchAge bounds how far back a touch may be logged.
const MaxTouchAge = 30 * 24 * time.Hour

// ErrNotBeingWorked: touches are logged on a lead its owner is working.
var ErrNotBeingWorked = fault.New(fault.Conflict, "not-being-worked", "Lead not being worked",
	"touches are logged on an owned lead being worked (assigned to proposal, or unreachable)")

// TooFewTouches: the partner's program asks for more attempts before a
// lead may be given up as unreachable.
type TooFewTouches struct{ Have, Need int }

func (e *TooFewTouches) Error() string {
	return fmt.Sprintf("unreachable needs at least %d logged touches; the lead has %d", e.Need, e.Have)
}

func (e *TooFewTouches) Fault() *fault.Error {
	return fault.Field("status", "too_few_touches", e.Error())
}

// LogTouch records t on l as a new version with its own history entry. A
// touch is work on the lead, so it counts as an update for the SLA.
func LogTouch(l Lead, t Touch, note string, actor Actor, at time.Time) (Lead, Entry, error) {
	var bad validation.Error
	if !slices.Contains(TouchChannels, t.Channel) {
		bad.Add("channel", "invalid_enum", "must be one of %s", strings.Join(TouchChannels, ", "))
	}
	if !slices.Contains(TouchOutcomes, t.Outcome) {
		bad.Add("outcome", "invalid_enum", "must be one of %s", strings.Join(TouchOutcomes, ", "))
	}
	if t.At.IsZero() {
		t.At = at
	}
	if t.At.After(at.Add(time.Minute)) || t.At.Before(at.Add(-MaxTouchAge)) {
		bad.Add("at", "out_of_range", "must be in the last 30 days, not in the future")
	}
	if err := bad.OrNil(); err != nil {
		return Lead{}, Entry{}, err
	}
	if l.OwnerID == "" || !l.Status.HoldsOwner() {
		return Lead{}, Entry{}, ErrNotBeingWorked
	}
	t.At = t.At.UTC().Truncate(time.Second)
	next := l
	next.Version, next.UpdatedAt, next.Touches = l.Version+1, at, l.Touches+1
	e := Entry{
		LeadID: l.ID, Seq: next.Version, At: at, Actor: actor, Change: ChangeTouched,
		From: l.Status, To: l.Status, Owner: l.OwnerID, Note: note, Touch: &t,
	}.Seal(l.HistoryHash)
	next.HistoryHash = e.Hash
	return next, e, nil
}
