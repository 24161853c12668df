package lead

import (
	"testing"
	"time"
)

func chain(n int) []Entry {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var out []Entry
	prev := ""
	for i := 1; i <= n; i++ {
		e := Entry{LeadID: "L1", Seq: int64(i), At: at.Add(time.Duration(i) * time.Minute), Actor: Actor{ID: "p1", Role: "partner"}, Change: ChangeStatusChanged, To: StatusAssigned}.Seal(prev)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func TestVerifyChain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tamper func([]Entry)
		want   int
	}{
		{"intact", func([]Entry) {}, -1},
		{"rewritten reason", func(es []Entry) { es[1].Reason = "edited" }, 1},
		{"rewritten hash", func(es []Entry) { es[1] = es[1].Seal("forged") }, 1},
		{"re-sealed in place breaks the next link", func(es []Entry) { es[1].Reason = "x"; es[1] = es[1].Seal(es[0].Hash) }, 2},
		{"dropped entry", func(es []Entry) { copy(es[1:], es[2:]) }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			es := chain(4)
			tt.tamper(es)
			if got := VerifyChain(es); got != tt.want {
				t.Fatalf("VerifyChain = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestClaimBlocks(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		claim Claim
		by    string
		want  bool
	}{
		{"same partner, open", Claim{PartnerID: "a", Open: true, ProtectedUntil: now.Add(-time.Hour)}, "a", true},
		{"other partner, inside window", Claim{PartnerID: "a", Open: true, ProtectedUntil: now.Add(time.Hour)}, "b", true},
		{"other partner, window over", Claim{PartnerID: "a", Open: true, ProtectedUntil: now}, "b", false},
		{"closed lead frees the identity", Claim{PartnerID: "a", Open: false, ProtectedUntil: now.Add(time.Hour)}, "a", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.claim.Blocks(tt.by, now); got != tt.want {
				t.Fatalf("Blocks = %v, want %v", got, tt.want)
			}
		})
	}
}
