package main

import (
	"context"
	"net/http"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
)

// queued is a lead in a rep's queue with when it is next due.
type queued struct {
	lead.Lead
	DueAt *time.Time `json:"dueAt,omitempty"`
}

// queue answers GET /v1/queue.
func (h handler) queue(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	ls, err := h.leads.Queue(ctx, r.Principal, r.Query("repId"))
	if err != nil {
		return httpapi.Response{}, err
	}
	items := make([]queued, len(ls))
	ids := make([]string, len(ls))
	for i, l := range ls {
		items[i], ids[i] = queued{Lead: l}, l.ID
		if due := intake.DueAt(l); !due.IsZero() {
			items[i].DueAt = &due
		}
	}
	auth.LogAccess(ctx, h.log, r.Principal, "queue", "repId", r.Query("repId"), "leadIds", ids)
	return httpapi.JSON(http.StatusOK, map[string]any{"items": items}), nil
}
