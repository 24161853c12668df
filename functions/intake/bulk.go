package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
)

// bulkRow is a row of a bulk update, as JSON or as a CSV line with the
// header leadId,status[,reason][,note][,version] and, for won,
// dealAmount,dealCurrency,contractStart[,monthlyRecurring].
type bulkRow struct {
	LeadID         string     `json:"leadId"`
	Status         string     `json:"status"`
	Reason         string     `json:"reason,omitempty"`
	Note           string     `json:"note,omitempty"`
	NextFollowUpAt *time.Time `json:"nextFollowUpAt,omitempty"`
	Version        int64      `json:"version,omitempty"`
	Deal           *lead.Deal `json:"deal,omitempty"`
}

type rowReport struct {
	Row     int              `json:"row"`
	LeadID  string           `json:"leadId"`
	OK      bool             `json:"ok"`
	Status  lead.Status      `json:"status,omitempty"`
	Version int64            `json:"version,omitempty"`
	Problem *httpapi.Problem `json:"problem,omitempty"`
}

// bulkStatus answers POST /v1/leads/bulk-status: every row is tried on its
// own and reported, for teams moving from spreadsheets.
func (h handler) bulkStatus(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	body, err := r.Body(1 << 20)
	if err != nil {
		return httpapi.Response{}, err
	}
	var in []bulkRow
	switch r.MediaType() {
	case "application/json":
		if err := validation.Decode(body, &in); err != nil {
			return httpapi.Response{}, err
		}
	case "text/csv":
		if in, err = parseCSV(body); err != nil {
			return httpapi.Response{}, err
		}
	default:
		return httpapi.Response{}, httpapi.UnsupportedMediaType("send a JSON array or text/csv")
	}
	rows := make([]lifecycle.Row, len(in))
	pre := make([]error, len(in))
	for i, x := range in {
		var ve validation.Error
		to, err := lead.ParseStatus(x.Status)
		if err != nil {
			ve.Add("status", "invalid_enum", "%q is not a lifecycle status", x.Status)
		}
		checkDeal(&ve, to, x.Deal)
		if err := ve.OrNil(); err != nil {
			pre[i], to = err, "" // an empty status fails the row without touching the lead
		}
		rows[i] = lifecycle.Row{LeadID: strings.TrimSpace(x.LeadID), Request: lifecycle.Request{
			To: to, Reason: strings.TrimSpace(x.Reason), Note: x.Note, FollowUpAt: x.NextFollowUpAt, Deal: x.Deal, IfMatch: x.Version}}
	}
	results, err := h.lifecycle.Bulk(ctx, r.Principal, rows)
	if err != nil {
		return httpapi.Response{}, err
	}
	out := make([]rowReport, len(results))
	failed := 0
	for i, res := range results {
		if pre[i] != nil {
			res.Err = pre[i]
		}
		out[i] = rowReport{Row: res.Row, LeadID: res.LeadID, OK: res.Err == nil, Status: res.Status, Version: res.Version}
		if res.Err != nil {
			p := httpapi.ProblemFor(res.Err)
			out[i].Problem, out[i].Status, out[i].Version = &p, "", 0
			failed++
		}
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"rows": len(out), "succeeded": len(out) - failed, "failed": failed, "results": out}), nil
}

func parseCSV(body []byte) ([]bulkRow, error) {
	cr := csv.NewReader(bytes.NewReader(body))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, validation.Field("csv", "malformed_csv", "the first line must be a header such as leadId,status,reason,note,version")
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	if _, ok := col["leadId"]; !ok {
		return nil, validation.Field("csv", "missing_column", "the header needs leadId and status")
	}
	if _, ok := col["status"]; !ok {
		return nil, validation.Field("csv", "missing_column", "the header needs leadId and status")
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	var rows []bulkRow
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, validation.Field("csv", "malformed_csv", "line %d: %v", line, err)
		}
		row := bulkRow{LeadID: get(rec, "leadId"), Status: get(rec, "status"), Reason: get(rec, "reason"), Note: get(rec, "note")}
		if v := get(rec, "version"); v != "" {
			if row.Version, err = strconv.ParseInt(v, 10, 64); err != nil {
				return nil, validation.Field("csv", "malformed_csv", "line %d: version must be a whole number", line)
			}
		}
		if d, err := csvDeal(get(rec, "dealAmount"), get(rec, "dealCurrency"), get(rec, "contractStart"), get(rec, "monthlyRecurring")); err != nil {
			return nil, validation.Field("csv", "malformed_csv", "line %d: %v", line, err)
		} else {
			row.Deal = d
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// csvDeal reads a deal's columns; nil when they are all empty.
func csvDeal(amount, currency, start, monthly string) (*lead.Deal, error) {
	if amount == "" && currency == "" && start == "" && monthly == "" {
		return nil, nil
	}
	a, err := strconv.ParseInt(strings.TrimSpace(amount), 10, 64)
	if err != nil {
		return nil, errors.New("dealAmount must be a whole number of minor units (cents)")
	}
	d := &lead.Deal{Value: lead.Money{Amount: a, Currency: strings.TrimSpace(currency)}, ContractStart: strings.TrimSpace(start)}
	if monthly != "" {
		m, err := strconv.ParseInt(strings.TrimSpace(monthly), 10, 64)
		if err != nil {
			return nil, errors.New("monthlyRecurring must be a whole number of minor units (cents)")
		}
		d.MonthlyRecurring = &lead.Money{Amount: m, Currency: d.Value.Currency}
	}
	return d, nil
}

// crmSync answers POST /v1/integrations/{crm}/status: an external CRM
// reports a lead's status in its own words.
func (h handler) crmSync(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in struct {
		LeadID string     `json:"leadId"`
		Status string     `json:"status"`
		Reason string     `json:"reason"`
		Deal   *lead.Deal `json:"deal"`
	}
	if err := r.DecodeJSON(8<<10, &in); err != nil {
		return httpapi.Response{}, err
	}
	m, err := h.mappings.CRMMapping(ctx, r.Params["crm"])
	if err != nil {
		return httpapi.Response{}, err
	}
	if in.Deal != nil {
		var ve validation.Error
		checkDeal(&ve, lead.StatusWon, in.Deal)
		if err := ve.OrNil(); err != nil {
			return httpapi.Response{}, err
		}
	}
	res, err := h.lifecycle.Sync(ctx, r.Principal, m, in.LeadID, in.Status, in.Reason, in.Deal)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"leadId": res.Lead.ID, "status": res.Lead.Status, "version": res.Lead.Version, "steps": res.Steps}), nil
}
