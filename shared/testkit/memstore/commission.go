package memstore

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/partnerleads/pipeline/shared/domain/commission"
)

// Ledger is the in-memory commission store.
type Ledger struct {
	mu       sync.Mutex
	plans    map[string][]commission.Plan
	tiers    map[string]string
	states   map[string]commission.LeadState
	periods  map[[2]string]commission.PeriodState // partner, period
	lines    map[string]commission.Entry
	exports  map[string]commission.Export
	payouts  map[string][]commission.Payout // by partner, oldest first
	open     map[string]string              // partner → open payout id
	disputes map[string]commission.Dispute
}

var _ commission.Store = (*Ledger)(nil)

func NewLedger() *Ledger {
	return &Ledger{plans: map[string][]commission.Plan{}, tiers: map[string]string{}, states: map[string]commission.LeadState{},
		periods: map[[2]string]commission.PeriodState{}, lines: map[string]commission.Entry{}, exports: map[string]commission.Export{},
		payouts: map[string][]commission.Payout{}, open: map[string]string{}, disputes: map[string]commission.Dispute{}}
}

func (l *Ledger) PutPlan(_ context.Context, p commission.Plan) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.plans[p.ID]) >= p.Version {
		return commission.ErrPlanVersionTaken
	}
	l.plans[p.ID] = append(l.plans[p.ID], p)
	return nil
}

func (l *Ledger) PlanVersions(_ context.Context, id string) ([]commission.Plan, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.plans[id]), nil
}

func (l *Ledger) Plans(_ context.Context) ([]commission.Plan, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []commission.Plan
	for _, id := range slices.Sorted(maps.Keys(l.plans)) {
		out = append(out, l.plans[id]...)
	}
	return out, nil
}

// PlanAt orders versions as the DynamoDB index does: effective date, plan
// id, version.
func (l *Ledger) PlanAt(_ context.Context, scope, date string) (commission.Plan, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var best commission.Plan
	bestKey := ""
	for _, vs := range l.plans {
		for _, p := range vs {
			key := fmt.Sprintf("%s#%s#%06d", p.EffectiveFrom, p.ID, p.Version)
			if p.Scope() == scope && p.EffectiveFrom <= date && key > bestKey {
				best, bestKey = p, key
			}
		}
	}
	return best, bestKey != "", nil
}

func (l *Ledger) PutTier(_ context.Context, partnerID, tier string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tiers[partnerID] = tier
	return nil
}

func (l *Ledger) Tier(_ context.Context, partnerID string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tiers[partnerID], nil
}

func (l *Ledger) LeadState(_ context.Context, leadID string) (commission.LeadState, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.states[leadID], nil
}

func (l *Ledger) PeriodStates(_ context.Context, partnerID string, periods []string) (map[string]commission.PeriodState, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]commission.PeriodState{}
	for _, p := range periods {
		out[p] = l.periods[[2]string{partnerID, p}]
	}
	return out, nil
}

func (l *Ledger) Commit(_ context.Context, before commission.LeadState, out commission.Outcome) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.states[out.Lead.LeadID].Version != before.Version {
		return commission.ErrConflict
	}
	for p, ps := range out.Periods {
		if l.periods[[2]string{out.Lead.PartnerID, p}].Version != ps.Version-1 {
			return commission.ErrConflict
		}
	}
	for _, e := range out.Entries {
		if _, ok := l.lines[e.ID]; ok {
			return commission.ErrConflict
		}
	}
	l.states[out.Lead.LeadID] = out.Lead
	for p, ps := range out.Periods {
		l.periods[[2]string{out.Lead.PartnerID, p}] = ps
	}
	for _, e := range out.Entries {
		l.lines[e.ID] = e
	}
	return nil
}

func (l *Ledger) LeadStates(_ context.Context, ids []string) (map[string]commission.LeadState, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]commission.LeadState{}
	for _, id := range ids {
		if ls, ok := l.states[id]; ok {
			out[id] = ls
		}
	}
	return out, nil
}

func (l *Ledger) AddLine(_ context.Context, e commission.Entry) (commission.Entry, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if old, ok := l.lines[e.ID]; ok {
		return old, false, nil
	}
	l.lines[e.ID] = e
	return e, true, nil
}

// sorted returns the lines that match, in export order.
func (l *Ledger) sorted(match func(commission.Entry) bool) []commission.Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []commission.Entry
	for _, e := range l.lines {
		if match(e) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b commission.Entry) int {
		return cmp.Or(strings.Compare(a.PartnerID, b.PartnerID), strings.Compare(a.Period, b.Period), strings.Compare(a.ID, b.ID))
	})
	return out
}

func (l *Ledger) Lines(_ context.Context, partnerID, period string) ([]commission.Entry, error) {
	return l.sorted(func(e commission.Entry) bool { return e.PartnerID == partnerID && e.Period == period }), nil
}

func (l *Ledger) PeriodLines(_ context.Context, period string, each func(commission.Entry) error) error {
	for _, e := range l.sorted(func(e commission.Entry) bool { return e.Period == period }) {
		if err := each(e); err != nil {
			return err
		}
	}
	return nil
}

func (l *Ledger) LinesThrough(_ context.Context, partnerID, through string) ([]commission.Entry, error) {
	return l.sorted(func(e commission.Entry) bool { return e.PartnerID == partnerID && e.Period <= through }), nil
}

func (l *Ledger) SetState(_ context.Context, e commission.Entry, from commission.State) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	cur, ok := l.lines[e.ID]
	if !ok || cur.State != from {
		return commission.ErrConflict
	}
	cur.State, cur.ApprovedAt, cur.ApprovedBy, cur.PaidAt, cur.PaidBy, cur.PayoutID = e.State, e.ApprovedAt, e.ApprovedBy, e.PaidAt, e.PaidBy, e.PayoutID
	l.lines[e.ID] = cur
	return nil
}

func (l *Ledger) OpenPayout(_ context.Context, partnerID string) (commission.Payout, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	id, ok := l.open[partnerID]
	if !ok {
		return commission.Payout{}, false, nil
	}
	for _, po := range l.payouts[partnerID] {
		if po.ID == id {
			return po, true, nil
		}
	}
	return commission.Payout{}, false, fmt.Errorf("open payout %s is not stored", id)
}

func (l *Ledger) CreatePayout(_ context.Context, po commission.Payout, guard []commission.Entry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.open[po.PartnerID]; ok {
		return commission.ErrConflict
	}
	for _, e := range guard {
		if cur, ok := l.lines[e.ID]; !ok || cur.State != commission.StateApproved || cur.PayoutID != "" {
			return commission.ErrConflict
		}
	}
	l.open[po.PartnerID] = po.ID
	l.payouts[po.PartnerID] = append(l.payouts[po.PartnerID], po)
	return nil
}

func (l *Ledger) ClaimLines(_ context.Context, po commission.Payout, lines []commission.Entry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range lines {
		cur, ok := l.lines[e.ID]
		if !ok || (cur.PayoutID != po.ID && (cur.State != commission.StateApproved || cur.PayoutID != "")) {
			return commission.ErrConflict
		}
	}
	for _, e := range lines {
		l.lines[e.ID] = e
	}
	return nil
}

func (l *Ledger) ClosePayout(_ context.Context, po commission.Payout) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[po.PartnerID] != po.ID {
		return commission.ErrConflict
	}
	delete(l.open, po.PartnerID)
	for i, old := range l.payouts[po.PartnerID] {
		if old.ID == po.ID {
			l.payouts[po.PartnerID][i] = po
		}
	}
	return nil
}

func (l *Ledger) Payouts(_ context.Context, partnerID string) ([]commission.Payout, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.payouts[partnerID]), nil
}

func (l *Ledger) PeriodPayouts(_ context.Context, period string) ([]commission.Payout, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []commission.Payout
	for _, partner := range slices.Sorted(maps.Keys(l.payouts)) {
		for _, po := range l.payouts[partner] {
			if commission.PeriodOf(po.CreatedAt) == period {
				out = append(out, po)
			}
		}
	}
	return out, nil
}

func (l *Ledger) PutExport(_ context.Context, x commission.Export) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.exports[x.ID] = x
	return nil
}

func (l *Ledger) Export(_ context.Context, id string) (commission.Export, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	x, ok := l.exports[id]
	if !ok {
		return commission.Export{}, commission.ErrExportNotFound
	}
	return x, nil
}

func (l *Ledger) FileDispute(_ context.Context, d commission.Dispute) (commission.Dispute, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if old, ok := l.disputes[d.ID]; ok {
		return old, false, nil
	}
	l.disputes[d.ID] = d
	return d, true, nil
}

func (l *Ledger) Dispute(_ context.Context, id string) (commission.Dispute, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	d, ok := l.disputes[id]
	if !ok {
		return commission.Dispute{}, commission.ErrDisputeNotFound
	}
	return d, nil
}

func (l *Ledger) AnswerDispute(_ context.Context, d commission.Dispute, line *commission.Entry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.disputes[d.ID].State != commission.DisputeOpen {
		return commission.ErrConflict
	}
	if line != nil {
		if _, taken := l.lines[line.ID]; taken {
			return commission.ErrConflict
		}
		l.lines[line.ID] = *line
	}
	l.disputes[d.ID] = d
	return nil
}

func (l *Ledger) Disputes(_ context.Context, partnerID, state string) ([]commission.Dispute, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []commission.Dispute
	for _, d := range l.disputes {
		if (partnerID == "" || d.PartnerID == partnerID) && (state == "all" || (state == "open") == (d.State == commission.DisputeOpen)) {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b commission.Dispute) int {
		return cmp.Or(a.FiledAt.Compare(b.FiledAt), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}
