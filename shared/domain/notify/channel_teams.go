package notify

import "github.com/partnerleads/pipeline/shared/domain/lead"

// teams posts to a Microsoft Teams incoming webhook, as a legacy
// MessageCard.
type teams struct{}

func (teams) Name() string { return "teams" }

func (teams) Message(ev lead.Event, summary string) any {
	return map[string]any{"@type": "MessageCard", "@context": "https://schema.org/extensions", "summary": ev.Type, "text": summary}
}
