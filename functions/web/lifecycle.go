package main

import (
	"encoding/json"
	"io/fs"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// lifecycleFile is the lifecycle as the app reads it (app/lifecycle.json):
// the moves from each status and the statuses a move into must explain,
// from the one definition in package lead, so the page offers what the API
// accepts.
func lifecycleFile() []byte {
	next := map[lead.Status][]lead.Status{}
	reason := []lead.Status{}
	for _, s := range lead.Statuses {
		next[s] = s.Next()
		if s.RequiresReason() {
			reason = append(reason, s)
		}
	}
	b, err := json.Marshal(map[string]any{"next": next, "reasonRequired": reason})
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
