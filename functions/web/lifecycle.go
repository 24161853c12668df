package main

import (
	"encoding/json"
	"io/fs"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/notify"
)

// lifecycleFile is the lifecycle as the app reads it (app/lifecycle.json):
// the moves from each status, the statuses a move into must explain and
// those in which a lead holds its owner (and so can be reassigned or
// touched), the words a touch is logged with and the event types a partner
// may subscribe to, from their one definition in packages lead and notify,
// so the page offers what the API accepts.
func lifecycleFile() []byte {
	next := map[lead.Status][]lead.Status{}
	reason, owned := []lead.Status{}, []lead.Status{}
	for _, s := range lead.Statuses {
		next[s] = s.Next()
		if s.RequiresReason() {
			reason = append(reason, s)
		}
		if s.HoldsOwner() {
			owned = append(owned, s)
		}
	}
	b, err := json.Marshal(map[string]any{"next": next, "reasonRequired": reason, "reassignable": owned,
		"touch": map[string][]string{"channels": lead.TouchChannels, "outcomes": lead.TouchOutcomes}, "events": notify.EventTypes})
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return b
}

// withFile is files plus one generated file.
type withFile struct {
	fs.FS
	name string
	data []byte
}

func (w withFile) ReadFile(name string) ([]byte, error) {
	if name == w.name {
		return w.data, nil
	}
	return fs.ReadFile(w.FS, name)
}
