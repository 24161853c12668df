package lead

// Commission dispute events reach the partner the way lead events do (feed,
// webhooks, email), so they share the Event envelope. LeadID is the lead the
// dispute is about, "" for a period line such as a tier bonus.
const (
	EventDisputeFiled    = "commission.dispute_filed"
	EventDisputeAnswered = "commission.dispute_answered"
)

// DisputeDetail is the detail of both dispute events. It carries what the
// partner may see: never who in finance answered, only the role.
type DisputeDetail struct {
	DisputeID    string `json:"disputeId"`
	Period       string `json:"period"`
	LineID       string `json:"lineId,omitempty"`
	State        string `json:"state"`            // open | accepted | partly_accepted | rejected
	Amount       *Money `json:"amount,omitempty"` // the adjustment made, on an answer
	Reason       string `json:"reason,omitempty"` // finance's answer
	AdjustmentID string `json:"adjustmentId,omitempty"`
	ByRole       string `json:"byRole"`
}
