package metrics

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ReportEmail renders a weekly report as an email: a short summary, then the
// report itself as JSON for the partner's own systems. No contact data.
func ReportEmail(r Report) (subject, text string) {
	in := r.Indicators
	var b strings.Builder
	fmt.Fprintf(&b, "Weekly report for partner %s, week of %s (%s to %s)\n\n", r.PartnerID, r.Week, in.From, in.To)
	fmt.Fprintf(&b, "Leads received: %d\nWon: %d (conversion %.1f%%)\n", in.Received, in.Won, in.Conversion*100)
	if in.Response.Count > 0 {
		fmt.Fprintf(&b, "Response time: average %.0f min, median %d min\n", in.Response.AverageSeconds/60, in.Response.MedianSeconds/60)
	}
	fmt.Fprintf(&b, "Open leads: %d; without an update for 7+ days: %d\n", in.Idle.Open, in.Idle.Over7Days)
	for _, a := range in.Alerts {
		if a.PartnerID == r.PartnerID {
			fmt.Fprintf(&b, "Sharp change: %s went %s (%d against a usual %.1f)\n", a.Metric, a.Direction, a.Value, a.Mean)
		}
	}
	body, _ := json.MarshalIndent(r, "", "  ") // plain data: cannot fail
	fmt.Fprintf(&b, "\nThe same report as JSON (also at GET /v1/metrics/reports/%s):\n\n%s\n", r.Week, body)
	return "Weekly leads report " + r.Week, b.String()
}
