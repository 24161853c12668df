//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerleads/pipeline/shared/aws/deployed"
	"github.com/partnerleads/pipeline/shared/aws/dynamo"
	"github.com/partnerleads/pipeline/shared/aws/stackinfo"
	domain "github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
)

// The audit anchor holds every lead's chain head outside the table: a
// history rewritten consistently in the table (every hash and link re-made,
// so the chain alone still verifies) no longer matches its anchor, and
// leadctl verify says so.
func TestE2EAuditAnchorCatchesAConsistentRewrite(t *testing.T) {
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Audit")
	a.routeTo(t, partnerID, 1)
	id := a.createLead(t, key, lead(storetest.Unique("audit")))
	a.waitAssigned(t, id, key) // the router's entry is in: nothing else writes this lead now

	var ran struct {
		Leads  int    `json:"leads"`
		Digest string `json:"digest"`
	}
	if err := json.Unmarshal(invoke(t, "AnchorFunctionName"), &ran); err != nil || ran.Leads < 1 || len(ran.Digest) != 64 {
		t.Fatalf("anchor run: got %+v (%v), want at least this lead and a sha256 digest", ran, err)
	}
	if out, err := leadctl(t, "verify", id); err != nil || !strings.Contains(out, "hash chain intact") || !strings.Contains(out, "matches the audit anchor") || !strings.Contains(out, "at entry 2") {
		t.Fatalf("leadctl verify of an untouched lead: %v\n%s", err, out)
	}

	ctx := context.Background()
	st, err := deployed.Open(ctx, stackinfo.DefaultStack)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := st.Leads.History(ctx, id)
	if err != nil || len(entries) != 2 {
		t.Fatalf("history of %s: got %d entries (%v), want created and assigned", id, len(entries), err)
	}
	// What someone with write access to the table could do: edit the first
	// entry, re-seal every entry after it, and move the lead's head hash.
	entries[0].Actor.ID = "someone-else"
	prev := ""
	for i := range entries {
		entries[i] = entries[i].Seal(prev)
		prev = entries[i].Hash
		put, err := dynamo.HistoryPut(st.Leads.Table, entries[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: put.TableName, Item: put.Item}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &st.Leads.Table, Key: dynamo.Key(dynamo.LeadPK(id), "LEAD"),
		UpdateExpression:          aws.String("SET historyHash = :h"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":h": dynamo.S(prev)}}); err != nil {
		t.Fatal(err)
	}
	if rewritten, _ := st.Leads.History(ctx, id); domain.VerifyChain(rewritten) != -1 {
		t.Fatalf("the rewrite should leave a chain that verifies on its own; it breaks at %d", domain.VerifyChain(rewritten))
	}
	out, err := leadctl(t, "verify", id)
	if err == nil || !strings.Contains(out, "does not match its anchor") {
		t.Fatalf("leadctl verify of a rewritten history: got success=%v\n%s\nwant it refused against the anchor", err == nil, out)
	}
}
