package memstore

import (
	"context"
	"errors"
	"slices"
	"sync"
)

// Mail is one message a Mailbox accepted.
type Mail struct{ To, Subject, Text string }

// Mailbox is an in-memory mail sender: it keeps what was sent and refuses
// the addresses in Fail as a throttled SES would.
type Mailbox struct {
	Fail map[string]bool
	mu   sync.Mutex
	sent []Mail
}

func (m *Mailbox) Send(_ context.Context, to, subject, text string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail[to] {
		return errors.New("ses: throttled")
	}
	m.sent = append(m.sent, Mail{to, subject, text})
	return nil
}

// Sent is every message accepted, in order.
func (m *Mailbox) Sent() []Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.sent)
}

// To is the addresses mailed, sorted.
func (m *Mailbox) To() []string {
	var out []string
	for _, s := range m.Sent() {
		out = append(out, s.To)
	}
	slices.Sort(out)
	return out
}

// Of is the first message to an address.
func (m *Mailbox) Of(to string) (Mail, bool) {
	for _, s := range m.Sent() {
		if s.To == to {
			return s, true
		}
	}
	return Mail{}, false
}
