package intake

import "strings"

// freeMailDomains are mailbox providers, not companies: a lead whose
// company domain is one of them claims nothing by domain, or one partner
// sending a gmail.com lead would block every other partner's gmail.com
// leads for the protection window. No maintained list is published for Go
// in the module proxy these builds use, so this one is ours: the providers
// Brazilian and international leads come from. A deployment adds its own
// with the freeMailDomains setting (FREE_MAIL_DOMAINS).
var freeMailDomains = []string{
	// international
	"gmail.com", "googlemail.com", "hotmail.com", "outlook.com", "live.com", "msn.com",
	"yahoo.com", "ymail.com", "rocketmail.com", "icloud.com", "me.com", "mac.com", "aol.com",
	"protonmail.com", "proton.me", "gmx.com", "gmx.net", "mail.com", "zoho.com", "yandex.com",
	// Brazil
	"hotmail.com.br", "outlook.com.br", "live.com.br", "yahoo.com.br", "uol.com.br", "bol.com.br",
	"terra.com.br", "ig.com.br", "globo.com", "globomail.com", "r7.com", "zipmail.com.br", "oi.com.br",
}

// FreeMail is the set of domains that never claim an identity.
type FreeMail map[string]bool

// NewFreeMail is the built-in list plus extra (normalised like a company
// domain: lower case, without "www.").
func NewFreeMail(extra ...string) FreeMail {
	m := FreeMail{}
	for _, d := range append(freeMailDomains, extra...) {
		if d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "www."); d != "" {
			m[d] = true
		}
	}
	return m
}

var defaultFreeMail = NewFreeMail()
