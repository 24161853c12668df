package main

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/aws/eventbus"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/notify"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
)

// Notification settings: partners manage their own webhooks and
// preferences and can ask for a replay; admins configure chat channels.

// replayer re-sends events to the partner's webhooks.
type replayer interface {
	Replay(ctx context.Context, bodies []string) error
}

// feed is the partner's event feed, the source of replays.
type feed interface {
	Feed(ctx context.Context, partnerID, after string, limit int) (lifecycle.FeedPage, error)
}

func (h handler) createWebhook(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in struct {
		URL    string   `json:"url"`
		Events []string `json:"events"`
	}
	if err := r.DecodeJSON(16<<10, &in); err != nil {
		return httpapi.Response{}, err
	}
	w, err := h.notify.CreateWebhook(ctx, r.Principal.PartnerID, in.URL, in.Events)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, map[string]any{"webhook": w.Public(), "secret": w.Secrets[0].Value}), nil
}

func (h handler) listWebhooks(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	hooks, err := h.notify.Store.Webhooks(ctx, r.Principal.PartnerID)
	if err != nil {
		return httpapi.Response{}, err
	}
	out := make([]notify.Webhook, len(hooks))
	for i, w := range hooks {
		out[i] = w.Public()
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"items": out}), nil
}

func (h handler) deleteWebhook(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	if err := h.notify.Store.DeleteWebhook(ctx, r.Principal.PartnerID, r.Params["id"]); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, map[string]string{"deleted": r.Params["id"]}), nil
}

func (h handler) rotateWebhook(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	s, err := h.notify.RotateWebhook(ctx, r.Principal.PartnerID, r.Params["id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"secretId": s.ID, "secret": s.Value,
		"previousSecretsExpireAt": s.CreatedAt.Add(notify.RotationOverlap)}), nil
}

// replay re-sends the partner's events after a feed cursor to its webhooks;
// they carry their original event ids, so receivers can drop what they have.
// One replay per partner per minute: up to 500 deliveries each.
func (h handler) replay(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in struct {
		After string `json:"after"`
		Limit int    `json:"limit"`
	}
	if err := r.DecodeJSON(16<<10, &in); err != nil {
		return httpapi.Response{}, err
	}
	switch {
	case in.Limit == 0:
		in.Limit = 100
	case in.Limit < 1 || in.Limit > 500:
		return httpapi.Response{}, validation.Field("limit", "out_of_range", "replay 1 to 500 events at a time (default 100)")
	}
	if err := h.replayOnce.Allow(ctx, "replay:"+r.Principal.PartnerID, "replay"); err != nil {
		return httpapi.Response{}, err
	}
	page, err := h.feed.Feed(ctx, r.Principal.PartnerID, in.After, in.Limit)
	if err != nil {
		return httpapi.Response{}, err
	}
	page = lifecycle.Settled(page, time.Now().Add(-lead.SettleWindow))
	bodies := make([]string, len(page.Events))
	for i, ev := range page.Events {
		detail, _ := json.Marshal(ev)
		b, _ := json.Marshal(events.EventBridgeEvent{Version: "0", ID: "replay-" + ev.ID, DetailType: ev.Type, Source: eventbus.Source,
			Time: time.Now().UTC(), Detail: detail})
		bodies[i] = string(b)
	}
	if err := h.replays.Replay(ctx, bodies); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, map[string]any{"enqueued": len(bodies), "next": page.Next}), nil
}

func (h handler) getPrefs(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	p, ok, err := h.notify.Store.Prefs(ctx, r.Principal.PartnerID)
	if err != nil {
		return httpapi.Response{}, err
	}
	if !ok {
		p = notify.Prefs{PartnerID: r.Principal.PartnerID, Mode: "off", Language: notify.PtBR}
	}
	return httpapi.JSON(http.StatusOK, p), nil
}

func (h handler) putPrefs(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var p notify.Prefs
	if err := r.DecodeJSON(16<<10, &p); err != nil {
		return httpapi.Response{}, err
	}
	p.PartnerID = r.Principal.PartnerID
	p, err := h.notify.PutPrefs(ctx, p)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, p), nil
}

func (h handler) putChannel(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var c notify.Channel
	if err := r.DecodeJSON(16<<10, &c); err != nil {
		return httpapi.Response{}, err
	}
	if c.ID != r.Params["id"] {
		return httpapi.Response{}, validation.Field("id", "mismatch", "must equal the id in the path")
	}
	c, err := h.notify.PutChannel(ctx, c)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, c), nil
}

func (h handler) listChannels(ctx context.Context, _ httpapi.Request) (httpapi.Response, error) {
	cs, err := h.notify.Store.Channels(ctx)
	if err != nil {
		return httpapi.Response{}, err
	}
	if cs == nil {
		cs = []notify.Channel{}
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"items": cs}), nil
}
