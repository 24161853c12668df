//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/notify"
	"github.com/partnerleads/pipeline/shared/testkit/storetest"
	"github.com/partnerleads/pipeline/shared/testkit/webhooktest"
)

func newReceiver(t *testing.T) *webhooktest.Receiver {
	r, err := webhooktest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

func waitDelivered(t *testing.T, r *webhooktest.Receiver, ids []string, min int) {
	t.Helper()
	if !r.WaitFor(ids, min, 120*time.Second) {
		for _, id := range ids {
			t.Logf("%s: %d deliveries", id, r.Delivered(id))
		}
		t.Fatalf("webhook deliveries: want each of %v at least %d times", ids, min)
	}
}

func TestE2ENotifications(t *testing.T) {
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Notify")
	a.routeTo(t, partnerID, 1)
	mgr := a.call(t, "POST", "/v1/admin/keys", a.admin, `{"role":"manager","subjectId":"mgr-e2e-n","name":"m"}`, nil, true).body["apiKey"].(string)
	rcv := newReceiver(t)

	// Refused when registered, so nothing is ever sent there.
	if r := a.call(t, "POST", "/v1/webhooks", key, `{"url":"https://10.1.2.3/hook"}`, nil, true); r.status != 422 {
		t.Fatalf("webhook to a private address: %d %s", r.status, r.raw)
	}
	created := a.call(t, "POST", "/v1/webhooks", key, `{"url":"`+rcv.URL("e2e")+`"}`, nil, true)
	if created.status != 201 {
		t.Fatalf("create webhook: %d %s", created.status, created.raw)
	}
	secret := created.body["secret"].(string)
	rcv.SetSecret("e2e", secret)
	if l := a.call(t, "GET", "/v1/webhooks", key, "", nil, true); strings.Contains(string(l.raw), secret) {
		t.Fatal("listing webhooks shows the secret")
	}
	email := storetest.Unique("notify") + "@partner.example"
	if r := a.call(t, "PUT", "/v1/notification-preferences", key, `{"email":"`+email+`","language":"en","mode":"immediate"}`, nil, true); r.status != 200 {
		t.Fatalf("preferences: %d %s", r.status, r.raw)
	}

	// The receiver is down while the lead is created, routed and contacted.
	id := a.call(t, "POST", "/v1/leads", key, lead(storetest.Unique("nt")), nil, true).body["id"].(string)
	a.waitAssigned(t, id, key)
	if r := a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, `{"status":"contacted"}`, nil, true); r.status != 200 {
		t.Fatalf("status: %d %s", r.status, r.raw)
	}
	time.Sleep(3 * time.Second) // a few failed attempts
	rcv.SetDown(false)
	ids := []string{id + ".1", id + ".2", id + ".3"}
	waitDelivered(t, rcv, ids, 1)

	// The feed has every event the webhook had to wait for.
	feed := a.call(t, "GET", "/v1/events?limit=500", key, "", nil, true)
	for _, want := range ids {
		if !strings.Contains(string(feed.raw), `"id":"`+want+`"`) {
			t.Fatalf("feed lacks %s", want)
		}
	}

	// A replay delivers duplicates with the same event ids.
	if r := a.call(t, "POST", "/v1/webhooks/replay", key, `{}`, nil, true); r.status != 202 {
		t.Fatalf("replay: %d %s", r.status, r.raw)
	}
	waitDelivered(t, rcv, ids, 2)

	// A tampered body fails verification.
	body, sig := rcv.Last()
	if bad := rcv.Bad(); bad != 0 || notify.Verify(sig, []byte(strings.Replace(body, "lead.", "leaf.", 1)), secret, 5*time.Minute, time.Now()) == nil {
		t.Fatalf("signatures: %d bad deliveries, or a tampered body verified", bad)
	}

	// The status change was mailed to the partner, in English.
	waitMail(t, 60*time.Second, email, "Lead "+id+" is now contacted")
}

// The daily digest, run as its schedule would, mails the day's updates.
func TestE2EDigest(t *testing.T) {
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Digest")
	a.routeTo(t, partnerID, 1)
	email := storetest.Unique("digest") + "@partner.example"
	if r := a.call(t, "PUT", "/v1/notification-preferences", key, `{"email":"`+email+`","language":"en","mode":"digest"}`, nil, true); r.status != 200 {
		t.Fatalf("preferences: %d %s", r.status, r.raw)
	}
	id := a.call(t, "POST", "/v1/leads", key, lead(storetest.Unique("dg")), nil, true).body["id"].(string)
	a.waitAssigned(t, id, key)

	invoke(t, "DigestFunctionName")
	waitMail(t, 30*time.Second, email, "Your leads on ", id)
}
