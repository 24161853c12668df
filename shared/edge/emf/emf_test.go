package emf

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestPutWritesOneValidRecordPerCall(t *testing.T) {
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	m := NewMeter(&buf, "intake", func() time.Time { return at })
	m.Put(Count(LeadsAccepted, 1), Value{Name: CommissionAccruedCents, Value: 1250, Unit: UnitNone})
	m.Put(Count(LeadsRejected, 0))

	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %d: %q", len(lines), buf.String())
	}
	var rec struct {
		AWS struct {
			Timestamp         int64
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		} `json:"_aws"`
		Service string
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal([]byte(lines[0]), &raw)
	if rec.AWS.Timestamp != at.UnixMilli() || rec.Service != "intake" || len(rec.AWS.CloudWatchMetrics) != 1 {
		t.Fatalf("record: %s", lines[0])
	}
	d := rec.AWS.CloudWatchMetrics[0]
	if d.Namespace != Namespace || len(d.Dimensions) != 1 || d.Dimensions[0][0] != "Service" || len(d.Metrics) != 2 {
		t.Fatalf("directive: %s", lines[0])
	}
	// The EMF contract: every declared metric and dimension is a top-level
	// member of the record, and metric values are numbers.
	want := map[string]float64{LeadsAccepted: 1, CommissionAccruedCents: 1250}
	for _, md := range d.Metrics {
		v, ok := raw[md.Name].(float64)
		if !ok || v != want[md.Name] {
			t.Errorf("%s = %v, want %v", md.Name, raw[md.Name], want[md.Name])
		}
	}
	if !strings.Contains(lines[1], `"LeadsRejected":0`) {
		t.Errorf("a zero is still a data point: %s", lines[1])
	}
}

func TestNilMeterWritesNothing(t *testing.T) {
	var m *Meter
	m.Put(Count(LeadsRouted, 1)) // must not panic
}
