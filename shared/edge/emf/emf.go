// Package emf writes CloudWatch embedded-metric-format records: JSON log
// lines that CloudWatch Logs turns into metrics. Emitting costs one write to
// stdout and no API call on the request path.
package emf

import (
	"encoding/json"
	"io"
	"sync"
	"time"
)

// Namespace holds every metric the pipeline emits; each carries one
// dimension, Service (the function), so the dashboard and alarms stay cheap.
const Namespace = "PartnerLeads"

// Metric names, shared by the functions that emit them and the stack's
// dashboard and alarms.
const (
	LeadsAccepted             = "LeadsAccepted"
	LeadsDuplicate            = "LeadsDuplicate"
	LeadsRejected             = "LeadsRejected"
	LeadsRouted               = "LeadsRouted"
	NotificationsSent         = "NotificationsSent"
	NotificationsFailed       = "NotificationsFailed"
	CommissionAccruedCents    = "CommissionAccruedCents"
	CommissionClawedBackCents = "CommissionClawedBackCents"
	StaleBacklog              = "StaleBacklog"
	UnownedLeads              = "UnownedLeads"
)

// Units CloudWatch knows.
const (
	UnitCount = "Count"
	UnitNone  = "None"
)

// Value is one metric in a record.
type Value struct {
	Name  string
	Value float64
	Unit  string
}

// Count is a Count-unit value.
func Count(name string, n int) Value { return Value{Name: name, Value: float64(n), Unit: UnitCount} }

// Meter writes records for one service. A nil *Meter writes nothing, so
// handlers under test need none.
type Meter struct {
	w       io.Writer
	service string
	now     func() time.Time
	mu      sync.Mutex
}

// NewMeter writes to w (stdout in a Lambda) for service.
func NewMeter(w io.Writer, service string, now func() time.Time) *Meter {
	return &Meter{w: w, service: service, now: now}
}

type metricDef struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

type directive struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []metricDef `json:"Metrics"`
}

// Put writes one record holding values. A value of zero is still written:
// an alarm on a sum needs the data point.
func (m *Meter) Put(values ...Value) {
	if m == nil || len(values) == 0 {
		return
	}
	rec := map[string]any{"Service": m.service}
	d := directive{Namespace: Namespace, Dimensions: [][]string{{"Service"}}}
	for _, v := range values {
		d.Metrics = append(d.Metrics, metricDef{Name: v.Name, Unit: v.Unit})
		rec[v.Name] = v.Value
	}
	rec["_aws"] = map[string]any{
		"Timestamp":         m.now().UnixMilli(),
		"CloudWatchMetrics": []directive{d},
	}
	line, _ := json.Marshal(rec) // maps of strings and numbers always marshal
	m.mu.Lock()
	defer m.mu.Unlock()
	_, _ = m.w.Write(append(line, '\n')) // best effort, like a log line
}
