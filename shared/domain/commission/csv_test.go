package commission

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"testing"
)

func TestNeutralize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1+2": "'+1+2", "-1+cmd|' /C calc'!A0": "'-1+cmd|' /C calc'!A0",
		"@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx", "-1500": "-1500", "-15.00": "-15.00", "plain": "plain", "": "",
		"invoice =1": "invoice =1",
	} {
		if got := Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCSVIsDeterministicAndSummarised(t *testing.T) {
	t.Parallel()
	es, _, _ := run(t, planOf(PercentOfDeal, func(p *Plan) { p.RateBps = 1000; p.ClawbackDays = 30; p.ClawbackMode = "full" }),
		wonTrigger("L.7", 1000_00), Trigger{ID: "L.cancelled", Kind: TriggerCancelled, LeadID: "L", PartnerID: "ptn", At: at, Date: "2026-11-05"})
	es[0].Explanation = "=cmd|' /C calc'!A0, with \"quotes\"\nand a newline"
	write := func() ([]byte, Summary) {
		var b bytes.Buffer
		w, err := NewCSVWriter(&b)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if err := w.Write(e); err != nil {
				t.Fatal(err)
			}
		}
		s, err := w.Close()
		if err != nil {
			t.Fatal(err)
		}
		return b.Bytes(), s
	}
	a, sa := write()
	b, _ := write()
	if !bytes.Equal(a, b) {
		t.Fatal("the same ledger gave different bytes")
	}
	sum := sha256.Sum256(a)
	if sa.SHA256 != hex.EncodeToString(sum[:]) || sa.Rows != 2 || sa.Totals["BRL"] != 0 || len(sa.PlanVersions) != 1 || sa.PlanVersions[0] != "p@1" {
		t.Fatalf("summary %+v", sa)
	}
	if !bytes.Contains(a, []byte("\r\n")) {
		t.Fatal("RFC 4180 wants CRLF")
	}
	recs, err := csv.NewReader(bytes.NewReader(a)).ReadAll()
	if err != nil || len(recs) != 3 || len(recs[0]) != len(Columns) {
		t.Fatalf("read back: %v %d", err, len(recs))
	}
	if recs[1][18][0] != '\'' || recs[2][7] != "-10000" || recs[2][8] != "-100.00" {
		t.Fatalf("cells: %q %q %q", recs[1][18], recs[2][7], recs[2][8])
	}
}

func TestPlanValidation(t *testing.T) {
	t.Parallel()
	ok := Plan{ID: "gold", Name: "Gold", PartnerID: "ptn", EffectiveFrom: "2026-11-01", Currency: "BRL", Type: PercentOfDeal, RateBps: 1000, ClawbackDays: 90, ClawbackMode: "pro_rata"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []func(*Plan){
		func(p *Plan) { p.ID = "Gold Plan" },
		func(p *Plan) { p.Tier = "gold" },
		func(p *Plan) { p.PartnerID = "" },
		func(p *Plan) { p.RateBps = 0 },
		func(p *Plan) { p.RateBps = 10001 },
		func(p *Plan) { p.FlatAmount = 5 },
		func(p *Plan) { p.Currency = "brl" },
		func(p *Plan) { p.EffectiveFrom = "01/11/2026" },
		func(p *Plan) { p.ClawbackMode = "" },
		func(p *Plan) { p.CapPerLead = -1 },
		func(p *Plan) { p.Type = "bonus" },
		func(p *Plan) {
			p.Type, p.Tiers, p.TierMode, p.RateBps = Tiered, []Tier{{UpTo: 10, RateBps: 5}, {UpTo: 5, RateBps: 7}, {RateBps: 9}}, "marginal", 0
		},
		func(p *Plan) {
			p.Type, p.Tiers, p.TierMode, p.RateBps = Tiered, []Tier{{UpTo: 10, RateBps: 9}, {RateBps: 5}}, "marginal", 0
		},
		func(p *Plan) {
			p.Type, p.Tiers, p.TierMode, p.RateBps = Tiered, []Tier{{UpTo: 10, RateBps: 5}}, "marginal", 0
		},
		func(p *Plan) { p.Type, p.Months = RecurringPercent, 12 },
	}
	for i, f := range bad {
		p := ok
		f(&p)
		if p.Validate() == nil {
			t.Errorf("case %d: %+v passed", i, p)
		}
	}
}
