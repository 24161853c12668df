//go:build e2e

package e2e

import (
	"fmt"
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

// waitFeed waits until the partner's feed has every string of want: the
// feed reads up to lead.SettleWindow before now.
func (a *api) waitFeed(t *testing.T, key string, want ...string) reply {
	t.Helper()
	var feed reply
	eventually(t, 60*time.Second, time.Second, fmt.Sprintf("the feed has %q", want), func() (bool, string) {
		feed = a.call(t, "GET", "/v1/events?limit=500", key, "", nil, true)
		if feed.status != 200 {
			return false, feed.String()
		}
		for _, w := range want {
			if !strings.Contains(string(feed.raw), w) {
				return false, feed.String()
			}
		}
		return true, ""
	})
	return feed
}

// waitDelivered waits, up to 120 s, until the receiver verified every event
// of ids at least min times.
func waitDelivered(t *testing.T, r *webhooktest.Receiver, ids []string, min int) {
	t.Helper()
	eventually(t, 120*time.Second, 200*time.Millisecond, fmt.Sprintf("each of %d events delivered at least %d times", len(ids), min), func() (bool, string) {
		var short []string
		for _, id := range ids {
			if n := r.Delivered(id); n < min {
				short = append(short, fmt.Sprintf("%s: %d deliveries, %d refused while down", id, n, r.RefusedOf(id)))
			}
		}
		if len(short) > 20 {
			short = append(short[:20], "…")
		}
		return len(short) == 0, fmt.Sprintf("%d events short: %s", len(short), strings.Join(short, "; "))
	})
}

func TestE2ENotifications(t *testing.T) {
	a := newAPI(t)
	partnerID, key := a.partner(t, "E2E Notify")
	a.routeTo(t, partnerID, 1)
	mgr := a.key(t, "manager", "mgr-e2e-n")
	rcv := newReceiver(t)

	// Refused when registered, so nothing is ever sent there.
	if r := a.call(t, "POST", "/v1/webhooks", key, `{"url":"https://10.1.2.3/hook"}`, nil, true); r.status != 422 {
		t.Fatalf("webhook to a private address: %s", r)
	}
	secret := a.call(t, "POST", "/v1/webhooks", key, `{"url":"`+rcv.URL("e2e")+`"}`, nil, true).expect(t, 201).str(t, "secret")
	rcv.SetSecret("e2e", secret)
	if l := a.call(t, "GET", "/v1/webhooks", key, "", nil, true); strings.Contains(string(l.raw), secret) {
		t.Fatalf("listing webhooks shows the secret: %s", l)
	}
	email := storetest.Unique("notify") + "@partner.example"
	a.call(t, "PUT", "/v1/notification-preferences", key, `{"email":"`+email+`","language":"en","mode":"immediate"}`, nil, true).expect(t, 200)

	// The receiver is down while the lead is created, routed and contacted:
	// every one of its events is attempted, and refused, at least once
	// before the receiver comes up.
	id := a.createLead(t, key, lead(storetest.Unique("nt")))
	a.waitAssigned(t, id, key)
	a.call(t, "POST", "/v1/leads/"+id+"/status", mgr, `{"status":"contacted"}`, nil, true).expect(t, 200)
	ids := []string{id + ".1", id + ".2", id + ".3"}
	eventually(t, 90*time.Second, 200*time.Millisecond, "a refused delivery of each event while the receiver is down", func() (bool, string) {
		var counts []string
		done := true
		for _, ev := range ids {
			n := rcv.RefusedOf(ev)
			done = done && n > 0
			counts = append(counts, fmt.Sprintf("%s refused %d times", ev, n))
		}
		return done, fmt.Sprintf("%s (%d refused in all)", strings.Join(counts, ", "), rcv.Refused())
	})
	rcv.SetDown(false)
	waitDelivered(t, rcv, ids, 1)

	// The feed has every event the webhook had to wait for, once they are
	// older than the settle window; so does the replay, which reads it.
	var want []string
	for _, id := range ids {
		want = append(want, `"id":"`+id+`"`)
	}
	a.waitFeed(t, key, want...)

	// A replay delivers duplicates with the same event ids.
	a.call(t, "POST", "/v1/webhooks/replay", key, `{}`, nil, true).expect(t, 202)
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
	a.call(t, "PUT", "/v1/notification-preferences", key, `{"email":"`+email+`","language":"en","mode":"digest"}`, nil, true).expect(t, 200)
	id := a.createLead(t, key, lead(storetest.Unique("dg")))
	a.waitAssigned(t, id, key)
	a.waitFeed(t, key, `"id":"`+id+`.2"`) // the digest reads up to the settle window too

	invoke(t, "DigestFunctionName")
	waitMail(t, 30*time.Second, email, "Your leads on ", id)
}
