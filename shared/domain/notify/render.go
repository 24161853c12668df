package notify

import (
	"encoding/json"
	"fmt"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// Languages messages are written in.
const (
	PtBR = "pt-BR"
	En   = "en"
)

var statusLabels = map[string]map[lead.Status]string{
	PtBR: {
		lead.StatusNew: "novo", lead.StatusAssigned: "atribuído a um vendedor", lead.StatusContacted: "contatado",
		lead.StatusQualified: "qualificado", lead.StatusProposal: "proposta enviada", lead.StatusWon: "ganho",
		lead.StatusLost: "perdido", lead.StatusUnreachable: "sem contato", lead.StatusRecycled: "reciclado",
		lead.StatusJunk: "descartado",
	},
	En: {
		lead.StatusNew: "new", lead.StatusAssigned: "assigned to a sales rep", lead.StatusContacted: "contacted",
		lead.StatusQualified: "qualified", lead.StatusProposal: "proposal sent", lead.StatusWon: "won",
		lead.StatusLost: "lost", lead.StatusUnreachable: "unreachable", lead.StatusRecycled: "recycled",
		lead.StatusJunk: "junk",
	},
}

// touchWords name a touch's channel and outcome (lead.TouchChannels,
// lead.TouchOutcomes) in each language.
var touchWords = map[string]map[string]string{
	PtBR: {"call": "ligação", "whatsapp": "WhatsApp", "email": "e-mail", "meeting": "reunião",
		"no_answer": "sem resposta", "voicemail": "caixa postal ou recado", "reached": "falou com o contato", "scheduled": "conversa agendada", "wrong_contact": "contato errado"},
	En: {"call": "call", "whatsapp": "WhatsApp", "email": "e-mail", "meeting": "meeting",
		"no_answer": "no answer", "voicemail": "voicemail or message left", "reached": "spoke to the contact", "scheduled": "conversation scheduled", "wrong_contact": "wrong contact"},
}

// detail is what messages need from any event's detail.
type detail struct {
	Status  lead.Status `json:"status"`
	From    lead.Status `json:"from"`
	To      lead.Status `json:"to"`
	OwnerID string      `json:"ownerId"`
	Reason  string      `json:"reason"`
	Action  string      `json:"action"` // lead.stale: remind | escalate
	// lead.touched
	Channel string `json:"channel"`
	Outcome string `json:"outcome"`
	Touches int    `json:"touches"`
}

func detailOf(ev lead.Event) detail {
	var d detail
	b, _ := json.Marshal(ev.Detail)
	_ = json.Unmarshal(b, &d)
	if d.To == "" {
		d.To = d.Status
	}
	return d
}

func label(lang string, s lead.Status) string {
	if l, ok := statusLabels[lang][s]; ok {
		return l
	}
	return string(s)
}

// Email renders the partner's notice of an event in its language (pt-BR by
// default). It names the lead by id, never by contact data.
func Email(lang string, ev lead.Event) (subject, text string) {
	if _, ok := statusLabels[lang]; !ok {
		lang = PtBR
	}
	d := detailOf(ev)
	status := label(lang, d.To)
	if ev.Type == lead.EventLeadStale || ev.Type == lead.EventLeadRecalled {
		return chaseEmail(lang, ev)
	}
	if isDispute(ev) {
		return disputeEmail(lang, ev)
	}
	if ev.Type == lead.EventLeadTouched {
		how := touchWords[lang][d.Channel] + ", " + touchWords[lang][d.Outcome]
		if lang == En {
			return "Lead " + ev.LeadID + ": a contact attempt", fmt.Sprintf("Hello,\n\nour team logged an attempt to reach the contact of lead %s (%s; attempt %d).\n", ev.LeadID, how, d.Touches)
		}
		return "Lead " + ev.LeadID + ": tentativa de contato", fmt.Sprintf("Olá,\n\nnossa equipe registrou uma tentativa de contato com o lead %s (%s; tentativa %d).\n", ev.LeadID, how, d.Touches)
	}
	switch lang {
	case En:
		subject = fmt.Sprintf("Lead %s is now %s", ev.LeadID, status)
		text = fmt.Sprintf("Hello,\n\nthe lead %s you referred is now %s (update %d, %s).\n", ev.LeadID, status, ev.Sequence, ev.OccurredAt.Format("2006-01-02 15:04 MST"))
		if d.Reason != "" {
			text += "Reason: " + d.Reason + "\n"
		}
		text += "\nSee its full timeline with GET /v1/leads/" + ev.LeadID + "/history.\n"
	default:
		subject = fmt.Sprintf("Lead %s: %s", ev.LeadID, status)
		text = fmt.Sprintf("Olá,\n\no lead %s que você indicou agora está %s (atualização %d, %s).\n", ev.LeadID, status, ev.Sequence, ev.OccurredAt.Format("02/01/2006 15:04 MST"))
		if d.Reason != "" {
			text += "Motivo: " + d.Reason + "\n"
		}
		text += "\nVeja o histórico completo em GET /v1/leads/" + ev.LeadID + "/history.\n"
	}
	return subject, text
}

// chaseEmail is the partner's nudge: its lead went without an update and
// is being chased (lead.stale), or was handed to another rep (lead.recalled).
func chaseEmail(lang string, ev lead.Event) (subject, text string) {
	recalled := ev.Type == lead.EventLeadRecalled
	if lang == En {
		if recalled {
			return "Lead " + ev.LeadID + " has a new sales rep", fmt.Sprintf("Hello,\n\nthe lead %s you referred had no update for too long, so we handed it to another sales rep.\n", ev.LeadID)
		}
		return "We are chasing lead " + ev.LeadID, fmt.Sprintf("Hello,\n\nthe lead %s you referred has had no update for a while. We have reminded our team and are following it up.\n", ev.LeadID)
	}
	if recalled {
		return "Lead " + ev.LeadID + ": novo vendedor", fmt.Sprintf("Olá,\n\no lead %s que você indicou ficou tempo demais sem atualização, então o passamos para outro vendedor.\n", ev.LeadID)
	}
	return "Estamos cobrando o lead " + ev.LeadID, fmt.Sprintf("Olá,\n\no lead %s que você indicou está há algum tempo sem atualização. Já lembramos nossa equipe e estamos acompanhando.\n", ev.LeadID)
}

// EscalationEmail tells managers a lead went past its SLA.
func EscalationEmail(ev lead.Event) (subject, text string) {
	d := detailOf(ev)
	if d.OwnerID == "" {
		return "Lead sem responsável / Lead with no owner: " + ev.LeadID, fmt.Sprintf("O lead %s (parceiro %s) não tem responsável: o roteamento falhou (sem regras, ou todas as tentativas). Confira as regras de roteamento ou atribua o lead.\n\n"+
			"Lead %s (partner %s) has no owner: routing failed (no rule set, or every retry). Check the routing rules or assign the lead.\n", ev.LeadID, ev.PartnerID, ev.LeadID, ev.PartnerID)
	}
	return "SLA escalation: lead " + ev.LeadID, fmt.Sprintf("Lead %s (partner %s) is %s with owner %s and has had no update past its SLA. Please step in.\n",
		ev.LeadID, ev.PartnerID, label(En, d.To), d.OwnerID)
}

// RepEmail tells a rep a lead is theirs, or reminds them of an overdue one.
func RepEmail(lang string, ev lead.Event) (subject, text string) {
	if ev.Type == lead.EventLeadStale {
		if lang == En {
			return "Overdue lead: " + ev.LeadID, fmt.Sprintf("Lead %s has had no update past its SLA. Update it now, or it will be escalated.\n", ev.LeadID)
		}
		return "Lead atrasado: " + ev.LeadID, fmt.Sprintf("O lead %s está sem atualização além do SLA. Atualize agora ou ele será escalado.\n", ev.LeadID)
	}
	if lang == En {
		return "New lead for you: " + ev.LeadID, fmt.Sprintf("Lead %s was assigned to you. Contact it within your first-contact SLA.\n", ev.LeadID)
	}
	return "Novo lead para você: " + ev.LeadID, fmt.Sprintf("O lead %s foi atribuído a você. Faça o primeiro contato dentro do SLA.\n", ev.LeadID)
}

// ChannelMessage is the JSON body for a channel of the given kind, for
// channel managers; nil when no such kind is registered (PutChannel refuses
// those).
func ChannelMessage(kind string, ev lead.Event) []byte {
	k, err := lookupChannelKind(kind)
	if err != nil {
		return nil
	}
	return channelMessage(k, ev)
}

func channelMessage(k channelKind, ev lead.Event) []byte {
	if isDispute(ev) {
		b, _ := json.Marshal(k.Message(ev, fmt.Sprintf("%s · partner %s · %s", ev.Type, ev.PartnerID, disputeLine(En, ev))))
		return b
	}
	d := detailOf(ev)
	text := fmt.Sprintf("%s · lead %s (partner %s) → %s", ev.Type, ev.LeadID, ev.PartnerID, label(En, d.To))
	if d.OwnerID != "" {
		text += " · owner " + d.OwnerID
	}
	if d.Reason != "" {
		text += " · " + d.Reason
	}
	b, _ := json.Marshal(k.Message(ev, text))
	return b
}
