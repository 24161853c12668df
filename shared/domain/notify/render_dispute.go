package notify

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

var disputeStates = map[string]map[string]string{
	PtBR: {"open": "recebida", "accepted": "aceita", "partly_accepted": "aceita em parte", "rejected": "recusada"},
	En:   {"open": "received", "accepted": "accepted", "partly_accepted": "partly accepted", "rejected": "rejected"},
}

func isDispute(ev lead.Event) bool {
	return ev.Type == lead.EventDisputeFiled || ev.Type == lead.EventDisputeAnswered
}

func disputeOf(ev lead.Event) lead.DisputeDetail {
	var d lead.DisputeDetail
	b, _ := json.Marshal(ev.Detail)
	_ = json.Unmarshal(b, &d)
	return d
}

// money writes minor units the way the language does: BRL 1.234,50 or
// BRL 1,234.50.
func money(lang string, m lead.Money) string {
	sign, n := "", m.Amount
	if n < 0 {
		sign, n = "-", -n
	}
	thousands, decimal := ".", ","
	if lang == En {
		thousands, decimal = ",", "."
	}
	digits := strconv.FormatInt(n/100, 10)
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%s %s%s%s%02d", m.Currency, sign, b.String(), decimal, n%100)
}

// disputeLine is one line about a dispute, for digests and channels.
func disputeLine(lang string, ev lead.Event) string {
	d := disputeOf(ev)
	if _, ok := disputeStates[lang]; !ok {
		lang = PtBR
	}
	word := "contestação"
	if lang == En {
		word = "dispute"
	}
	s := fmt.Sprintf("%s %s (%s): %s", word, d.DisputeID, d.Period, disputeStates[lang][d.State])
	if d.Amount != nil {
		s += ", " + money(lang, *d.Amount)
	}
	return s
}

// disputeCopy is a dispute email's text in one language; the verbs take
// the dispute id, what it is about and the period (answered: and the state).
type disputeCopy struct {
	filedSubject, filedText       string
	answeredSubject, answeredText string
	adjustment, reason, seeIt     string
}

var disputeCopies = map[string]disputeCopy{
	En: {
		filedSubject:    "We received your commission dispute %s",
		filedText:       "Hello,\n\nwe received your dispute %s about %s of %s. Finance will answer it; you will hear from us here.\n",
		answeredSubject: "Your commission dispute %s was %s",
		answeredText:    "Hello,\n\nfinance answered your dispute %s about %s of %s: %s.\n",
		adjustment:      "An adjustment of %s (%s) is on your statement and is paid with your next payout.\n",
		reason:          "Reason: ",
		seeIt:           "See it with GET /v1/commission-disputes/",
	},
	PtBR: {
		filedSubject:    "Recebemos sua contestação de comissão %s",
		filedText:       "Olá,\n\nrecebemos sua contestação %s sobre %s de %s. O financeiro vai responder, e você será avisado por aqui.\n",
		answeredSubject: "Sua contestação de comissão %s foi %s",
		answeredText:    "Olá,\n\no financeiro respondeu sua contestação %s sobre %s de %s: %s.\n",
		adjustment:      "Um ajuste de %s (%s) está no seu extrato e será pago no próximo repasse.\n",
		reason:          "Motivo: ",
		seeIt:           "Veja em GET /v1/commission-disputes/",
	},
}

// disputeEmail tells the partner its dispute was received or answered.
func disputeEmail(lang string, ev lead.Event) (subject, text string) {
	d := disputeOf(ev)
	c, ok := disputeCopies[lang]
	if !ok {
		lang, c = PtBR, disputeCopies[PtBR]
	}
	about := d.LineID
	if about == "" {
		about = "lead " + ev.LeadID
	}
	if ev.Type == lead.EventDisputeFiled {
		return fmt.Sprintf(c.filedSubject, d.DisputeID), fmt.Sprintf(c.filedText, d.DisputeID, about, d.Period)
	}
	state := disputeStates[lang][d.State]
	text = fmt.Sprintf(c.answeredText, d.DisputeID, about, d.Period, state)
	if d.Amount != nil {
		text += fmt.Sprintf(c.adjustment, money(lang, *d.Amount), d.AdjustmentID)
	}
	text += c.reason + d.Reason + "\n\n" + c.seeIt + d.DisputeID + ".\n"
	return fmt.Sprintf(c.answeredSubject, d.DisputeID, state), text
}
