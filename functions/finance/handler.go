package main

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/edge/endpoints"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
)

const maxBody = 16 << 10

// presigner hands out time-limited download links.
type presigner interface {
	DownloadURL(ctx context.Context, key string, ttl time.Duration) (string, error)
}

// handler is the finance API: plans, statements, approvals, payouts, deal
// inputs and exports. Partners may read their own statements only.
type handler struct {
	svc   commission.Service
	links presigner
	log   *slog.Logger // the access log of internal roles' reads
}

func routes(h handler) []httpapi.Route {
	return httpapi.MustBind(endpoints.Finance, map[string]httpapi.HandlerFunc{
		"GET /v1/commission-plans":                 h.listPlans,
		"PUT /v1/commission-plans/{id}":            h.savePlan,
		"PUT /v1/commission-tiers/{partnerId}":     h.setTier,
		"GET /v1/commissions":                      h.statement,
		"GET /v1/commissions/diff":                 h.diff,
		"PUT /v1/commission-adjustments/{id}":      h.adjust,
		"POST /v1/commission-disputes":             h.fileDispute,
		"GET /v1/commission-disputes":              h.listDisputes,
		"GET /v1/commission-disputes/{id}":         h.getDispute,
		"POST /v1/commission-disputes/{id}/answer": h.answerDispute,
		"POST /v1/commissions/approve":             h.approve,
		"POST /v1/commissions/pay":                 h.pay,
		"POST /v1/leads/{id}/cancellation":         h.cancel,
		"POST /v1/leads/{id}/revenue":              h.revenue,
		"POST /v1/exports":                         h.requestExport,
		"GET /v1/exports/{id}":                     h.getExport,
	})
}

func (h handler) listPlans(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	plans, err := h.svc.Plans(ctx, r.Principal)
	if err != nil {
		return httpapi.Response{}, err
	}
	if plans == nil {
		plans = []commission.Plan{}
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"plans": plans}), nil
}

func (h handler) savePlan(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in commission.Plan
	if err := r.DecodeJSON(maxBody, &in); err != nil {
		return httpapi.Response{}, err
	}
	in.ID, in.Version, in.CreatedAt, in.CreatedBy = r.Params["id"], 0, time.Time{}, ""
	p, created, err := h.svc.SavePlan(ctx, r.Principal, in)
	if err != nil {
		return httpapi.Response{}, err
	}
	if !created {
		return httpapi.JSON(http.StatusOK, p), nil // the same request again
	}
	return httpapi.JSON(http.StatusCreated, p), nil
}

func (h handler) setTier(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in struct {
		Tier string `json:"tier"`
	}
	if err := r.DecodeJSON(maxBody, &in); err != nil {
		return httpapi.Response{}, err
	}
	if err := h.svc.SetTier(ctx, r.Principal, r.Params["partnerId"], in.Tier); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, map[string]string{"partnerId": r.Params["partnerId"], "tier": in.Tier}), nil
}

// statement answers GET /v1/commissions?period=YYYY-MM[&partnerId=].
func (h handler) statement(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	period := r.Query("period")
	if period == "" {
		period = commission.PeriodOf(h.svc.Now())
	}
	st, err := h.svc.Statement(ctx, r.Principal, period, r.Query("partnerId"))
	if err != nil {
		return httpapi.Response{}, err
	}
	partners := make([]string, len(st.Partners))
	for i, p := range st.Partners {
		partners[i] = p.PartnerID
	}
	auth.LogAccess(ctx, h.log, r.Principal, "statement", "period", period, "partnerIds", partners)
	return httpapi.JSON(http.StatusOK, st), nil
}

// diff answers GET /v1/commissions/diff?period=YYYY-MM[&partnerId=].
func (h handler) diff(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	period := r.Query("period")
	if period == "" {
		period = commission.PeriodOf(h.svc.Now())
	}
	d, err := h.svc.Diff(ctx, r.Principal, strings.TrimSpace(r.Query("partnerId")), period)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, d), nil
}

// adjust answers PUT /v1/commission-adjustments/{id}: 201 when added, 200
// when the same adjustment was added before under that id.
func (h handler) adjust(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in commission.Adjustment
	if err := r.DecodeJSON(maxBody, &in); err != nil {
		return httpapi.Response{}, err
	}
	line, created, err := h.svc.Adjust(ctx, r.Principal, r.Params["id"], in)
	if err != nil {
		return httpapi.Response{}, err
	}
	if created {
		return httpapi.JSON(http.StatusCreated, line), nil
	}
	return httpapi.JSON(http.StatusOK, line), nil
}

// fileDispute answers POST /v1/commission-disputes: 201 when filed, 200
// when the same subject was disputed before and is still open.
func (h handler) fileDispute(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in commission.DisputeFiling
	if err := r.DecodeJSON(maxBody, &in); err != nil {
		return httpapi.Response{}, err
	}
	d, created, err := h.svc.FileDispute(ctx, r.Principal, in)
	if err != nil {
		return httpapi.Response{}, err
	}
	if created {
		return httpapi.JSON(http.StatusCreated, d), nil
	}
	return httpapi.JSON(http.StatusOK, d), nil
}

// listDisputes answers GET /v1/commission-disputes[?state=][&partnerId=].
func (h handler) listDisputes(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	ds, err := h.svc.Disputes(ctx, r.Principal, strings.TrimSpace(r.Query("partnerId")), r.Query("state"))
	if err != nil {
		return httpapi.Response{}, err
	}
	if ds == nil {
		ds = []commission.Dispute{}
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"disputes": ds}), nil
}

func (h handler) getDispute(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	v, err := h.svc.DisputeWithDiff(ctx, r.Principal, r.Params["id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

func (h handler) answerDispute(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in commission.DisputeAnswer
	if err := r.DecodeJSON(maxBody, &in); err != nil {
		return httpapi.Response{}, err
	}
	d, err := h.svc.AnswerDispute(ctx, r.Principal, r.Params["id"], in)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, d), nil
}

func (h handler) approve(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in struct {
		Period    string `json:"period"`
		PartnerID string `json:"partnerId"`
	}
	if err := r.DecodeJSON(maxBody, &in); err != nil {
		return httpapi.Response{}, err
	}
	n, held, err := h.svc.Approve(ctx, r.Principal, in.Period, in.PartnerID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"period": in.Period, "approved": n, "held": held}), nil
}

func (h handler) pay(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in struct {
		PartnerID string `json:"partnerId"`
		Through   string `json:"through"`
	}
	if err := r.DecodeJSON(maxBody, &in); err != nil {
		return httpapi.Response{}, err
	}
	p, err := h.svc.Pay(ctx, r.Principal, strings.TrimSpace(in.PartnerID), in.Through)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, p), nil
}

func (h handler) cancel(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in struct {
		Date   string `json:"date"`
		Reason string `json:"reason"`
	}
	if err := r.DecodeJSON(maxBody, &in); err != nil {
		return httpapi.Response{}, err
	}
	ev, err := h.svc.Cancel(ctx, r.Principal, r.Params["id"], in.Date, in.Reason)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, ev), nil
}

func (h handler) revenue(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in struct {
		Month     string     `json:"month"`
		Amount    lead.Money `json:"amount"`
		Reference string     `json:"reference"`
	}
	if err := r.DecodeJSON(maxBody, &in); err != nil {
		return httpapi.Response{}, err
	}
	ev, err := h.svc.ConfirmRevenue(ctx, r.Principal, r.Params["id"], in.Month, in.Amount, in.Reference)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, ev), nil
}

func (h handler) requestExport(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in struct {
		Period string `json:"period"`
	}
	if err := r.DecodeJSON(maxBody, &in); err != nil {
		return httpapi.Response{}, err
	}
	x, err := h.svc.RequestExport(ctx, r.Principal, in.Period)
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.JSON(http.StatusAccepted, x)
	resp.Headers["Location"] = "/v1/exports/" + x.ID
	return resp, nil
}

// linkTTL bounds presigned downloads.
const linkTTL = 15 * time.Minute

// getExport answers GET /v1/exports/{id}: the record and, once completed,
// presigned links to the CSV and the manifest.
func (h handler) getExport(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	x, err := h.svc.GetExport(ctx, r.Principal, r.Params["id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	out := map[string]any{"export": x}
	if x.Status == "completed" {
		auth.LogAccess(ctx, h.log, r.Principal, "export", "exportId", x.ID, "period", x.Period)
		csvURL, err := h.links.DownloadURL(ctx, x.CSVKey, linkTTL)
		if err != nil {
			return httpapi.Response{}, err
		}
		manURL, err := h.links.DownloadURL(ctx, x.ManifestKey, linkTTL)
		if err != nil {
			return httpapi.Response{}, err
		}
		payURL, err := h.links.DownloadURL(ctx, x.PayoutsKey, linkTTL)
		if err != nil {
			return httpapi.Response{}, err
		}
		out["downloadUrl"], out["payoutsUrl"], out["manifestUrl"], out["expiresAt"] = csvURL, payURL, manURL, h.svc.Now().UTC().Add(linkTTL)
	}
	return httpapi.JSON(http.StatusOK, out), nil
}
