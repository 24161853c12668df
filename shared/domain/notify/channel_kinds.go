package notify

import (
	"fmt"
	"strings"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// channelKinds are the chat services a channel can post to, under the names
// a channel's "kind" field takes. A new kind is one channel_<kind>.go file
// and one line here; the OpenAPI Channel.kind enum must list the same names.
var channelKinds = register(
	slack{},
	teams{},
)

// channelKind is a chat service's incoming webhook: the JSON body it takes.
type channelKind interface {
	Name() string
	// Message is the body that posts summary, ev in one line of text.
	Message(ev lead.Event, summary string) any
}

// ChannelKindNames are the kinds a channel may have, in registration order.
func ChannelKindNames() []string {
	names := make([]string, len(channelKinds))
	for i, k := range channelKinds {
		names[i] = k.Name()
	}
	return names
}

// lookupChannelKind returns the kind registered as name. It is the one
// check of a channel kind: PutChannel refuses an unknown one here, and the
// notifier will not post to a stored channel whose kind is no longer
// registered.
func lookupChannelKind(name string) (channelKind, error) {
	for _, k := range channelKinds {
		if k.Name() == name {
			return k, nil
		}
	}
	return nil, fmt.Errorf("unknown channel kind %q: %s", name, channelKindChoices())
}

// channelKindChoices is what a channel may have instead of an unknown kind.
func channelKindChoices() string {
	names := ChannelKindNames()
	if len(names) == 1 {
		return "must be " + names[0]
	}
	return "must be " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// register lists channel kinds, refusing (at init) an empty or repeated name.
func register(ks ...channelKind) []channelKind {
	seen := map[string]bool{}
	for _, k := range ks {
		if k.Name() == "" || seen[k.Name()] {
			panic(fmt.Sprintf("notify: channel kind %q is empty or registered twice", k.Name()))
		}
		seen[k.Name()] = true
	}
	return ks
}
