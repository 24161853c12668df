package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/metrics"
	"github.com/partnerleads/pipeline/shared/domain/notify"
)

type directory interface {
	ListPartners(ctx context.Context) ([]admin.Partner, error)
	Prefs(ctx context.Context, partnerID string) (notify.Prefs, bool, error)
}

type mailer interface {
	Send(ctx context.Context, to, subject, text string) error
}

type weekly struct {
	partners directory
	metrics  metrics.Service
	mail     mailer
	log      *slog.Logger
}

type summary struct {
	Partners int `json:"partners"`
	Emailed  int `json:"emailed"`
	Failed   int `json:"failed"`
}

// run reports on every partner. One partner's failure does not stop the
// others; the run fails at the end so the schedule's retry tries again
// (reports are overwritten, emails may repeat for the partners that failed).
func (w weekly) run(ctx context.Context) (summary, error) {
	ps, err := w.partners.ListPartners(ctx)
	if err != nil {
		return summary{}, err
	}
	var out summary
	var errs []error
	for _, p := range ps {
		out.Partners++
		emailed, err := w.one(ctx, p.ID)
		if err != nil {
			out.Failed++
			errs = append(errs, err)
			w.log.ErrorContext(ctx, "weekly report failed", "partnerId", p.ID, "error", err.Error())
			continue
		}
		if emailed {
			out.Emailed++
		}
	}
	w.log.InfoContext(ctx, "weekly reports", "partners", out.Partners, "emailed", out.Emailed, "failed", out.Failed)
	return out, errors.Join(errs...)
}

// one stores a partner's report and emails it if the partner has an
// address and has not turned notifications off.
func (w weekly) one(ctx context.Context, partnerID string) (emailed bool, err error) {
	r, err := w.metrics.Weekly(ctx, partnerID)
	if err != nil {
		return false, err
	}
	prefs, ok, err := w.partners.Prefs(ctx, partnerID)
	if err != nil || !ok || prefs.Email == "" || prefs.Mode == "off" {
		return false, err
	}
	subject, text := metrics.ReportEmail(r)
	return true, w.mail.Send(ctx, prefs.Email, subject, text)
}
