package lead

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Change kinds recorded in history.
const (
	ChangeCreated       = "created"
	ChangeStatusChanged = "status_changed"
	ChangeAssigned      = "assigned"   // routed by the router
	ChangeReassigned    = "reassigned" // a manager moved or re-routed it
	ChangeStale         = "stale"      // the SLA scanner reminded or escalated
	ChangeRecalled      = "recalled"   // the SLA scanner took it back and re-routed it
	ChangeTouched       = "touched"    // the owner logged an attempt to reach the contact
)

// SLAStep is the escalation step a stale or recalled entry records.
type SLAStep struct {
	Program string    `json:"program"`
	Step    int       `json:"step"`   // index in the status's ladder
	Action  string    `json:"action"` // remind | escalate | recall
	DueAt   time.Time `json:"dueAt"`
	// IdleSince is the last real update the ladder measured from.
	IdleSince time.Time `json:"idleSince"`
	// FromOwner is the owner a recall took the lead from.
	FromOwner string `json:"fromOwner,omitempty"`
}

// Entry is one immutable line of a lead's history. Seq equals the lead's
// version after the change, so it is also the per-lead sequence number of the
// domain event the change produces. Entries are hash-chained: Hash covers the
// entry's content and PrevHash, so a rewritten entry breaks every later one.
type Entry struct {
	LeadID   string    `json:"leadId"`
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	Actor    Actor     `json:"actor"`
	Change   string    `json:"change"`
	From     Status    `json:"from,omitempty"`
	To       Status    `json:"to,omitempty"`
	Owner    string    `json:"owner,omitempty"` // the owner after an assignment
	Reason   string    `json:"reason,omitempty"`
	Note     string    `json:"note,omitempty"` // internal only
	SLA      *SLAStep  `json:"sla,omitempty"`
	Touch    *Touch    `json:"touch,omitempty"`
	PrevHash string    `json:"prevHash,omitempty"`
	Hash     string    `json:"hash"`
}

// Seal computes e.Hash over every other field, chaining it to prevHash.
func (e Entry) Seal(prevHash string) Entry {
	e.PrevHash = prevHash
	e.Hash = ""
	b, _ := json.Marshal(e) // Entry has only plain fields: Marshal cannot fail.
	sum := sha256.Sum256(b)
	e.Hash = hex.EncodeToString(sum[:])
	return e
}

// VerifyChain reports the index of the first entry whose hash or link does not
// hold, or -1 when the whole chain is intact.
func VerifyChain(entries []Entry) int {
	prev := ""
	for i, e := range entries {
		if e.Seq != int64(i+1) || e.PrevHash != prev || e.Seal(prev).Hash != e.Hash {
			return i
		}
		prev = e.Hash
	}
	return -1
}
