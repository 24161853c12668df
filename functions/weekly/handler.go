package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/metrics"
	"github.com/partnerleads/pipeline/shared/domain/notify"
)

type directory interface {
	ListPartners(ctx context.Context) ([]admin.Partner, error)
	Prefs(ctx context.Context, partnerID string) (notify.Prefs, bool, error)
}

// reporter builds and stores a partner's report of last week
// (metrics.Service).
type reporter interface {
	Weekly(ctx context.Context, partnerID string) (metrics.Report, error)
	MarkEmailed(ctx context.Context, r metrics.Report) error
}

type mailer interface {
	Send(ctx context.Context, to, subject, text string) error
}

// handler is the Monday run: every partner's weekly report.
type handler struct {
	partners directory
	metrics  reporter
	mail     mailer
	log      *slog.Logger
}

type summary struct {
	Partners int `json:"partners"`
	Emailed  int `json:"emailed"`
	Failed   int `json:"failed"`
}

// Handle reports on every partner. One partner's failure does not stop the
// others; the run fails at the end so the schedule's retry tries again.
// Reports are rebuilt, but each records when it was mailed, so a retry
// mails only the partners not mailed yet.
func (h handler) Handle(ctx context.Context, _ events.EventBridgeEvent) (summary, error) {
	ps, err := h.partners.ListPartners(ctx)
	if err != nil {
		return summary{}, err
	}
	var out summary
	var errs []error
	for _, p := range ps {
		out.Partners++
		emailed, err := h.one(ctx, p.ID)
		if err != nil {
			out.Failed++
			errs = append(errs, err)
			h.log.ErrorContext(ctx, "weekly report failed", "partnerId", p.ID, "error", err.Error())
			continue
		}
		if emailed {
			out.Emailed++
		}
	}
	h.log.InfoContext(ctx, "weekly reports", "partners", out.Partners, "emailed", out.Emailed, "failed", out.Failed)
	return out, errors.Join(errs...)
}

// one stores a partner's report and emails it if the partner has an
// address and has not turned notifications off.
func (h handler) one(ctx context.Context, partnerID string) (emailed bool, err error) {
	r, err := h.metrics.Weekly(ctx, partnerID)
	if err != nil {
		return false, err
	}
	prefs, ok, err := h.partners.Prefs(ctx, partnerID)
	if err != nil || !ok || prefs.Email == "" || prefs.Mode == "off" || r.EmailedAt != nil {
		return false, err
	}
	subject, text := metrics.ReportEmail(r)
	if err := h.mail.Send(ctx, prefs.Email, subject, text); err != nil {
		return false, err
	}
	return true, h.metrics.MarkEmailed(ctx, r)
}
