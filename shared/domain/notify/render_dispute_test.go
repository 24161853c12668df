package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

func TestMoneyIsWrittenTheWayTheLanguageDoes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		lang  string
		minor int64
		want  string
	}{
		{PtBR, 5, "BRL 0,05"}, {PtBR, 123456, "BRL 1.234,56"}, {PtBR, -100000000, "BRL -1.000.000,00"},
		{En, 123456, "BRL 1,234.56"}, {En, 99999, "BRL 999.99"}, {En, -1250, "BRL -12.50"},
	} {
		if got := money(c.lang, lead.Money{Amount: c.minor, Currency: "BRL"}); got != c.want {
			t.Errorf("money(%s, %d) = %q, want %q", c.lang, c.minor, got, c.want)
		}
	}
}

// A partner reads a dispute's answer in its language, with the amount,
// the reason and where to look; the digest and channels get one line.
func TestDisputeMessages(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	answered := lead.Event{ID: "dsp-1.answered", Type: lead.EventDisputeAnswered, LeadID: "L1", PartnerID: "p1", Sequence: 2, OccurredAt: at,
		Detail: lead.DisputeDetail{DisputeID: "dsp-1", Period: "2026-10", State: "partly_accepted", Amount: &lead.Money{Amount: 3000, Currency: "BRL"},
			Reason: "metade do período", AdjustmentID: "dispute.dsp-1", ByRole: "finance"}}
	filed := lead.Event{ID: "dsp-1.filed", Type: lead.EventDisputeFiled, LeadID: "L1", PartnerID: "p1", Sequence: 1, OccurredAt: at,
		Detail: lead.DisputeDetail{DisputeID: "dsp-1", Period: "2026-10", State: "open", ByRole: "partner"}}
	for _, c := range []struct {
		name, lang string
		ev         lead.Event
		subject    string
		textHas    []string
	}{
		{"answered, pt-BR", PtBR, answered, "Sua contestação de comissão dsp-1 foi aceita em parte", []string{"BRL 30,00", "metade do período", "dispute.dsp-1", "lead L1 de 2026-10"}},
		{"answered, en", En, answered, "Your commission dispute dsp-1 was partly accepted", []string{"BRL 30.00", "Reason: metade do período"}},
		{"filed, pt-BR", PtBR, filed, "Recebemos sua contestação de comissão dsp-1", []string{"O financeiro vai responder"}},
		{"an unknown language reads pt-BR", "fr", filed, "Recebemos sua contestação de comissão dsp-1", nil},
	} {
		subject, text := Email(c.lang, c.ev)
		if subject != c.subject {
			t.Errorf("%s: subject %q, want %q", c.name, subject, c.subject)
		}
		for _, want := range c.textHas {
			if !strings.Contains(text, want) {
				t.Errorf("%s: text lacks %q:\n%s", c.name, want, text)
			}
		}
	}
	_, digest := DigestMail(PtBR, "2026-11-10", []lead.Event{answered})
	if !strings.Contains(digest, "contestação dsp-1 (2026-10): aceita em parte, BRL 30,00") {
		t.Errorf("digest line:\n%s", digest)
	}
	if msg := string(ChannelMessage("slack", answered)); !strings.Contains(msg, "dispute dsp-1 (2026-10): partly accepted, BRL 30.00") {
		t.Errorf("channel message: %s", msg)
	}
}
