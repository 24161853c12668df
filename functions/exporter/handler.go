package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/commission"
)

// handler runs exports: the monthly schedule (the period before now) and
// on-demand requests (export.requested).
type handler struct {
	svc commission.Service
	up  commission.Uploader
	log *slog.Logger
}

func (h handler) Handle(ctx context.Context, ev events.EventBridgeEvent) error {
	var x commission.Export
	switch ev.DetailType {
	case "Scheduled Event":
		x = h.svc.ScheduledExport(h.svc.Now())
		if err := h.svc.Store.PutExport(ctx, x); err != nil {
			return fmt.Errorf("record scheduled export: %w", err)
		}
	case commission.EventExportRequested:
		if err := json.Unmarshal(ev.Detail, &x); err != nil || x.ID == "" || x.Period == "" {
			h.log.ErrorContext(ctx, "malformed export request", "eventbridgeId", ev.ID)
			return nil
		}
	default:
		return nil
	}
	start := time.Now()
	h.log.InfoContext(ctx, "export started", "exportId", x.ID, "period", x.Period)
	done, err := h.svc.RunExport(ctx, x, h.up, func(rows int) {
		h.log.InfoContext(ctx, "export progress", "exportId", x.ID, "rows", rows, "seconds", time.Since(start).Seconds())
	})
	if err != nil {
		h.log.ErrorContext(ctx, "export failed", "exportId", x.ID, "error", err.Error())
		return err
	}
	h.log.InfoContext(ctx, "export completed", "exportId", x.ID, "rows", done.Manifest.Rows, "sha256", done.Manifest.SHA256, "seconds", time.Since(start).Seconds())
	return nil
}
