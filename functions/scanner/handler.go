package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/sla"
	"github.com/partnerleads/pipeline/shared/edge/emf"
)

// scanner takes the steps due now (sla.Scanner).
type scanner interface {
	Run(ctx context.Context) (sla.Report, error)
}

// handler runs one scan and reports the backlog.
type handler struct {
	scan  scanner
	meter *emf.Meter
}

func (h handler) Handle(ctx context.Context, _ events.EventBridgeEvent) (sla.Report, error) {
	r, err := h.scan.Run(ctx)
	if err == nil {
		// The backlog is every step found due, taken or not: an alarm on
		// it catches a team that stopped working its leads.
		h.meter.Put(emf.Count(emf.StaleBacklog, r.Due), emf.Count(emf.UnownedLeads, r.Unowned))
	}
	return r, err
}
