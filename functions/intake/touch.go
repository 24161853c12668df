package main

import (
	"context"
	"net/http"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
)

// logTouch answers POST /v1/leads/{id}/touches: the owner (or a manager)
// records a call, e-mail, WhatsApp message or meeting and its outcome.
func (h handler) logTouch(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	version, err := r.IfMatch()
	if err != nil {
		return httpapi.Response{}, err
	}
	var in struct {
		Channel string    `json:"channel"`
		Outcome string    `json:"outcome"`
		At      time.Time `json:"at"`
		Note    string    `json:"note"`
	}
	if err := r.DecodeJSON(4<<10, &in); err != nil {
		return httpapi.Response{}, err
	}
	if len(in.Note) > 2000 {
		return httpapi.Response{}, validation.Field("note", "too_long", "at most 2000 characters")
	}
	l, err := h.lifecycle.LogTouch(ctx, r.Principal, r.Params["id"], lifecycle.TouchRequest{
		Touch: lead.Touch{Channel: in.Channel, Outcome: in.Outcome, At: in.At}, Note: in.Note, IfMatch: version,
	})
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.JSON(http.StatusCreated, map[string]any{"id": l.ID, "touches": l.Touches, "version": l.Version, "updatedAt": l.UpdatedAt})
	resp.Headers["ETag"] = httpapi.ETag(l.Version)
	return resp, nil
}
