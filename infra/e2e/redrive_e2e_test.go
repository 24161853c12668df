//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/oklog/ulid/v2"

	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	domain "github.com/partnerleads/pipeline/shared/domain/lead"
)

// An event a rule could not deliver waits in that rule's dead-letter queue;
// leadctl dlq redrive puts it back on the bus, and it reaches its consumers
// (here the partner's webhook) as if it had never failed.
func TestE2ERedriveADeadLetteredEvent(t *testing.T) {
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Redrive")
	rcv := newReceiver(t)
	rcv.SetDown(false)
	secret := a.call(t, "POST", "/v1/webhooks", key, `{"url":"`+rcv.URL("rd")+`"}`, nil, true).expect(t, 201).str(t, "secret")
	rcv.SetSecret("rd", secret)

	ctx := context.Background()
	cfg, outs, err := stackinfo.Connect(ctx, stackinfo.DefaultStack)
	if err != nil {
		t.Fatal(err)
	}
	dlq, err := outs.Get("RouteNewLeads" + stackinfo.DLQOutputSuffix)
	if err != nil {
		t.Fatal(err)
	}
	leadID := ulid.Make().String()
	ev := domain.Event{ID: domain.EventID(leadID, 3), Type: domain.EventLeadStatusChanged, Version: 1, LeadID: leadID, PartnerID: partnerID, Sequence: 3,
		OccurredAt: time.Now().UTC(), Detail: domain.StatusChangedDetail{From: domain.StatusAssigned, To: domain.StatusContacted, ByRole: "rep"}}
	detail, _ := json.Marshal(ev)
	body, _ := json.Marshal(map[string]any{"version": "0", "id": "dead-1", "detail-type": ev.Type, "source": "partnerleads.leads",
		"time": ev.OccurredAt.Format(time.RFC3339), "detail": json.RawMessage(detail)})
	if _, err := sqs.NewFromConfig(cfg).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &dlq, MessageBody: aws.String(string(body))}); err != nil {
		t.Fatal(err)
	}

	leadctl := func(args ...string) string {
		out, err := leadctl(t, args...)
		if err != nil {
			t.Fatalf("leadctl %v: %v\n%s", args, err, out)
		}
		return out
	}
	if list := leadctl("dlq", "list"); !strings.Contains(list, "RouteNewLeads") || !strings.Contains(list, "Notification") {
		t.Fatalf("leadctl dlq list names every dead-letter queue:\n%s", list)
	}
	if got := leadctl("dlq", "redrive", "RouteNewLeads"); !strings.Contains(got, "re-sent, 0 left") {
		t.Fatalf("leadctl dlq redrive:\n%s", got)
	}
	waitDelivered(t, rcv, []string{ev.ID}, 1)
}
