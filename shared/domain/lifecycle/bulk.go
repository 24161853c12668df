package lifecycle

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/fault"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// MaxBulkRows bounds one bulk update.
const MaxBulkRows = 1000

// Row is one line of a bulk status update.
type Row struct {
	LeadID string
	Request
}

// RowResult is what happened to one row; Err is nil on success.
type RowResult struct {
	Row     int
	LeadID  string
	Status  lead.Status
	Version int64
	Err     error
}

// bulkParallel is how many leads a bulk update changes at once: 1,000 rows
// fit the API function's 10 s with writes of ~100 ms each.
const bulkParallel = 16

// Bulk applies rows as the same caller; each row succeeds or fails on its
// own and nothing stops the others. Rows of one lead apply in their order;
// different leads, side by side.
func (s *Service) Bulk(ctx context.Context, p auth.Principal, rows []Row) ([]RowResult, error) {
	if len(rows) == 0 || len(rows) > MaxBulkRows {
		return nil, validation.Field("rows", "out_of_range", "send 1 to %d rows", MaxBulkRows)
	}
	out := make([]RowResult, len(rows))
	var order []string
	byLead := map[string][]int{}
	for i, r := range rows {
		out[i] = RowResult{Row: i + 1, LeadID: r.LeadID}
		if _, seen := byLead[r.LeadID]; !seen {
			order = append(order, r.LeadID)
		}
		byLead[r.LeadID] = append(byLead[r.LeadID], i)
	}
	slots := make(chan struct{}, bulkParallel)
	var wg sync.WaitGroup
	for _, id := range order {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			for _, i := range byLead[id] {
				l, err := s.ChangeStatus(ctx, p, rows[i].LeadID, rows[i].Request)
				if err != nil {
					out[i].Err = err
					continue
				}
				out[i].Status, out[i].Version = l.Status, l.Version
			}
		})
	}
	wg.Wait()
	return out, nil
}

// CRMMapping translates an external CRM's statuses (compared case-
// insensitively) to ours.
type CRMMapping struct {
	CRM      string                 `json:"crm"`
	Statuses map[string]lead.Status `json:"statuses"`
}

var ErrNoMapping = fault.New(fault.Conflict, "no-crm-mapping", "No status mapping", "no status mapping is configured for this CRM: save one with PUT /v1/admin/crm/{crm}/mapping first")

// MappingStore keeps CRM status mappings.
type MappingStore interface {
	CRMMapping(ctx context.Context, crm string) (CRMMapping, error) // ErrNoMapping if absent
	PutCRMMapping(ctx context.Context, m CRMMapping) error
}

// Validate checks a mapping.
func (m CRMMapping) Validate() error {
	var ve validation.Error
	if m.CRM == "" || len(m.CRM) > 32 || strings.ContainsAny(m.CRM, "#/ ") {
		ve.Add("crm", "invalid", "is required: up to 32 characters, no '#', '/' or spaces")
	}
	if len(m.Statuses) == 0 || len(m.Statuses) > 500 {
		ve.Add("statuses", "out_of_range", "map 1 to 500 external statuses")
	}
	for theirs, ours := range m.Statuses {
		if _, err := lead.ParseStatus(string(ours)); err != nil || ours == lead.StatusAssigned {
			ve.Add("statuses."+theirs, "invalid_enum", "must map to a lifecycle status other than assigned")
		}
	}
	return ve.OrNil()
}

func (m CRMMapping) ours(theirs string) (lead.Status, bool) {
	for k, v := range m.Statuses {
		if strings.EqualFold(k, strings.TrimSpace(theirs)) {
			return v, true
		}
	}
	return "", false
}

// SyncResult is the outcome of one inbound CRM status.
type SyncResult struct {
	Lead  lead.Lead
	Steps []lead.Status // the moves applied, in order; empty when already there
}

// Sync applies an external CRM's status to a lead, walking the lifecycle's
// intermediate stages when the CRM jumped ahead; each step is audited as
// the integration's key, noting the CRM.
// A deal, when given, goes with the step to won.
func (s *Service) Sync(ctx context.Context, p auth.Principal, m CRMMapping, leadID, theirs, reason string, deal *lead.Deal) (SyncResult, error) {
	target, ok := m.ours(theirs)
	if !ok {
		return SyncResult{}, validation.Field("status", "unmapped_status", "%q has no mapping for %s", theirs, m.CRM)
	}
	l, err := s.store.Get(ctx, leadID)
	if err != nil {
		return SyncResult{}, err
	}
	if !p.CanSeeLead(l.PartnerID, l.OwnerID) {
		return SyncResult{}, lead.ErrNotFound
	}
	path := l.Status.PathTo(target)
	if path == nil {
		return SyncResult{}, &lead.TransitionError{From: l.Status, To: target}
	}
	if slices.Contains(path, lead.StatusWon) && (deal == nil || len(deal.Check()) > 0) {
		return SyncResult{}, lead.ErrDealRequired // checked before the first step, so nothing moves
	}
	res := SyncResult{Lead: l, Steps: path}
	for _, step := range path {
		why := ""
		if step.RequiresReason() {
			why = strings.TrimSpace(reason)
			if why == "" {
				why = "reported by " + m.CRM
			}
		}
		req := Request{To: step, Reason: why, Note: fmt.Sprintf("synced from %s (%s)", m.CRM, theirs), IfMatch: res.Lead.Version}
		if step == lead.StatusWon {
			req.Deal = deal
		}
		res.Lead, err = s.ChangeStatus(ctx, p, leadID, req)
		if err != nil {
			return SyncResult{}, fmt.Errorf("sync %s to %s: %w", leadID, step, err)
		}
	}
	return res, nil
}
