package memstore

import (
	"context"
	"sync"

	"github.com/partnerleads/pipeline/shared/domain/metrics"
)

var _ metrics.Store = (*Metrics)(nil)

// Metrics keeps indicator counters in memory, with the adapter's once-per-
// lead-version rule.
type Metrics struct {
	mu       sync.Mutex
	days     map[[2]string]metrics.Counters // partner, date
	gauges   map[string]map[string]int64    // partner → date → open leads
	versions map[string]int64
	reports  map[[2]string]metrics.Report
}

func NewMetrics() *Metrics {
	return &Metrics{days: map[[2]string]metrics.Counters{}, gauges: map[string]map[string]int64{},
		versions: map[string]int64{}, reports: map[[2]string]metrics.Report{}}
}

func (m *Metrics) Apply(_ context.Context, leadID string, version int64, deltas []metrics.Delta) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.versions[leadID] >= version {
		return nil
	}
	m.versions[leadID] = version
	for _, d := range deltas {
		for k, v := range d.Add {
			if k == metrics.Idle {
				if m.gauges[d.PartnerID] == nil {
					m.gauges[d.PartnerID] = map[string]int64{}
				}
				m.gauges[d.PartnerID][d.Date] += v
				continue
			}
			key := [2]string{d.PartnerID, d.Date}
			if m.days[key] == nil {
				m.days[key] = metrics.Counters{}
			}
			m.days[key][k] += v
		}
	}
	return nil
}

func (m *Metrics) Days(_ context.Context, partnerID, from, to string) ([]metrics.Day, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []metrics.Day
	for k, c := range m.days {
		if (partnerID == "" || k[0] == partnerID) && k[1] >= from && k[1] <= to {
			out = append(out, metrics.Day{PartnerID: k[0], Date: k[1], Counters: c})
		}
	}
	return out, nil
}

func (m *Metrics) Gauges(_ context.Context, partnerID string) ([]metrics.Gauge, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []metrics.Gauge
	for p, g := range m.gauges {
		if partnerID == "" || p == partnerID {
			out = append(out, metrics.Gauge{PartnerID: p, ByDate: g})
		}
	}
	return out, nil
}

func (m *Metrics) PutReport(_ context.Context, r metrics.Report) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reports[[2]string{r.PartnerID, r.Week}] = r
	return nil
}

func (m *Metrics) GetReport(_ context.Context, partnerID, week string) (metrics.Report, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.reports[[2]string{partnerID, week}]
	if !ok {
		return metrics.Report{}, metrics.ErrNoReport
	}
	return r, nil
}
