package notify

import "github.com/partnerleads/pipeline/shared/domain/lead"

// slack posts to a Slack incoming webhook: {"text": …}.
type slack struct{}

func (slack) Name() string { return "slack" }

func (slack) Message(_ lead.Event, summary string) any {
	return map[string]string{"text": summary}
}
