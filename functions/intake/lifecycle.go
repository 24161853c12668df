package main

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
)

// changeStatus answers POST /v1/leads/{id}/status.
func (h handler) changeStatus(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	version, err := r.IfMatch()
	if err != nil {
		return httpapi.Response{}, err
	}
	var in struct {
		Status         string     `json:"status"`
		Reason         string     `json:"reason"`
		Note           string     `json:"note"`
		NextFollowUpAt *time.Time `json:"nextFollowUpAt"`
		Version        int64      `json:"version"`
		Deal           *lead.Deal `json:"deal"`
	}
	if err := r.DecodeJSON(8<<10, &in); err != nil {
		return httpapi.Response{}, err
	}
	var ve validation.Error
	to, err := lead.ParseStatus(in.Status)
	if err != nil {
		ve.Add("status", "invalid_enum", "is not a lifecycle status")
	}
	if len(in.Reason) > 500 || len(in.Note) > 2000 {
		ve.Add("reason", "too_long", "reason at most 500 characters, note at most 2000")
	}
	if in.Version != 0 && version != 0 && in.Version != version {
		ve.Add("version", "mismatch", "differs from If-Match")
	}
	checkDeal(&ve, to, in.Deal)
	if err := ve.OrNil(); err != nil {
		return httpapi.Response{}, err
	}
	if version == 0 {
		version = in.Version
	}
	l, err := h.lifecycle.ChangeStatus(ctx, r.Principal, r.Params["id"], lifecycle.Request{
		To: to, Reason: strings.TrimSpace(in.Reason), Note: in.Note, FollowUpAt: in.NextFollowUpAt, Deal: in.Deal, IfMatch: version,
	})
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.JSON(http.StatusOK, map[string]any{"id": l.ID, "status": l.Status, "version": l.Version, "updatedAt": l.UpdatedAt})
	resp.Headers["ETag"] = httpapi.ETag(l.Version)
	return resp, nil
}

// checkDeal adds field errors for a deal: required with won, refused
// with any other status.
func checkDeal(ve *validation.Error, to lead.Status, d *lead.Deal) {
	switch {
	case d == nil && to == lead.StatusWon:
		ve.Add("deal", "required", "moving to won needs the deal: value {amount, currency} and contractStart")
	case d != nil && to != lead.StatusWon:
		ve.Add("deal", "not_allowed", "a deal goes with status won only")
	case d != nil:
		for _, f := range slices.Sorted(maps.Keys(d.Check())) {
			ve.Add(f, "invalid", "%s", d.Check()[f])
		}
	}
}

// history answers GET /v1/leads/{id}/history.
func (h handler) history(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	hist, err := h.lifecycle.History(ctx, r.Principal, r.Params["id"], h.log)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, hist), nil
}

// events answers GET /v1/events: the partner's own events, oldest first.
func (h handler) events(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	limit := 100
	if s := r.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			return httpapi.Response{}, validation.Field("limit", "out_of_range", "must be a whole number from 1 to 500")
		}
		limit = n
	}
	page, err := h.lifecycle.Feed(ctx, r.Principal, r.Query("after"), limit)
	if err != nil {
		return httpapi.Response{}, err
	}
	if page.Events == nil {
		page.Events = []lead.Event{}
	}
	return httpapi.JSON(http.StatusOK, page), nil
}
