package notify

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

func TestAnUnknownChannelKindIsRefusedByTheRegistry(t *testing.T) {
	t.Parallel()
	_, err := Admin{Targets: Targets{}}.PutChannel(context.Background(), Channel{ID: "c1", Kind: "irc", URL: "https://example.com/hook"})
	var ve *validation.Error
	want := validation.FieldError{Field: "kind", Code: "invalid_enum", Message: "must be slack or teams"}
	if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0] != want {
		t.Fatalf("got %v, want %+v", err, want)
	}
	if ChannelMessage("irc", lead.Event{}) != nil {
		t.Fatal("rendered a message for an unknown kind")
	}
}

// A stored channel whose kind is no longer registered gets nothing posted:
// its attempt fails, and asks for no retry.
func TestAStoredChannelOfAnUnknownKindIsNotPosted(t *testing.T) {
	t.Parallel()
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { posts.Add(1) }))
	defer srv.Close()
	dl := &fakeDeliveries{done: map[string]bool{}}
	n := Notifier{Config: fakeConfig{channels: []Channel{{ID: "c1", Kind: "irc", URL: srv.URL}}}, Deliveries: dl, Mail: &fakeMail{},
		Send: NewSender(Targets{LocalMode: true}, time.Second, time.Now), Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: time.Now}
	ev := lead.Event{ID: "L.3", Type: lead.EventLeadStatusChanged, LeadID: "L", PartnerID: "p1", Sequence: 3, OccurredAt: t0}
	retry, err := n.Handle(context.Background(), ev, false)
	if err != nil || retry || posts.Load() != 0 || len(dl.all) != 1 || dl.all[0].Delivered || dl.all[0].Error == "" {
		t.Fatalf("retry %v err %v, %d posts, attempts %+v", retry, err, posts.Load(), dl.all)
	}
}
