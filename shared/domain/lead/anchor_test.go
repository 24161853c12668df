package lead

import (
	"context"
	"errors"
	"testing"
	"time"
)

// reseal rewrites a chain consistently from entry i on, as someone who can
// write the table could: every link holds again.
func reseal(es []Entry, i int, edit func(*Entry)) {
	edit(&es[i])
	prev := ""
	for j := range es {
		if j > 0 {
			prev = es[j-1].Hash
		}
		if j >= i {
			es[j] = es[j].Seal(prev)
		}
	}
}

func TestVerifyAgainstAnchor(t *testing.T) {
	t.Parallel()
	es := chain(4) // entries at 03:05:05 + 1..4 min
	anchorAt := es[2].At.Add(time.Minute)
	anchored := NewAnchor(anchorAt, []Head{{LeadID: "L0", Seq: 1, Hash: "x"}, {LeadID: "L1", Seq: 3, Hash: es[2].Hash}, {LeadID: "L2", Seq: 2, Hash: "y"}})
	tests := []struct {
		name       string
		tamper     func([]Entry)
		anchor     func() (Anchor, bool)
		want       error
		anchoredAt int64 // the seq the verification reports as anchored
	}{
		{"intact, anchored", func([]Entry) {}, func() (Anchor, bool) { return anchored, true }, nil, 3},
		{"intact, no anchor yet", func([]Entry) {}, func() (Anchor, bool) { return Anchor{}, false }, nil, 0},
		{"chain edited without resealing", func(es []Entry) { es[1].Reason = "edited" }, func() (Anchor, bool) { return anchored, true }, ErrChainBroken, 0},
		{"rewritten consistently before the anchor", func(es []Entry) { reseal(es, 1, func(e *Entry) { e.Reason = "forged" }) },
			func() (Anchor, bool) { return anchored, true }, ErrAnchorMismatch, 0},
		{"rewritten consistently after the anchor passes", func(es []Entry) { reseal(es, 3, func(e *Entry) { e.Reason = "later" }) },
			func() (Anchor, bool) { return anchored, true }, nil, 3},
		{"truncated below the anchored seq", func(es []Entry) {}, func() (Anchor, bool) {
			return NewAnchor(anchorAt, []Head{{LeadID: "L1", Seq: 9, Hash: es[2].Hash}}), true
		}, ErrAnchorMismatch, 0},
		{"damaged anchor", func([]Entry) {}, func() (Anchor, bool) {
			a := anchored
			a.Heads = append([]Head(nil), a.Heads...)
			a.Heads[1].Hash = "rewritten"
			return a, true
		}, ErrAnchorDamaged, 0},
		{"created before the anchor but missing from it", func([]Entry) {}, func() (Anchor, bool) {
			return NewAnchor(anchorAt, []Head{{LeadID: "L0", Seq: 1, Hash: "x"}}), true
		}, ErrAnchorMismatch, 0},
		{"created after the anchor", func([]Entry) {}, func() (Anchor, bool) {
			return NewAnchor(es[0].At.Add(-time.Hour), nil), true
		}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := chain(4)
			tt.tamper(got)
			a, ok := tt.anchor()
			v, err := Verify("L1", got, a, ok)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify: got error %v, want %v", err, tt.want)
			}
			if v.Anchored.Seq != tt.anchoredAt || v.Entries != 4 {
				t.Fatalf("Verify: got %+v, want anchored seq %d of 4 entries", v, tt.anchoredAt)
			}
		})
	}
	if _, err := Verify("L1", nil, anchored, true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Verify of no history: got %v, want ErrNotFound", err)
	}
}

type fakeHeads []Head

func (f fakeHeads) Heads(_ context.Context, each func(Head) error) error {
	for _, h := range f {
		if err := each(h); err != nil {
			return err
		}
	}
	return nil
}

type fakeAnchors struct{ put []Anchor }

func (f *fakeAnchors) PutAnchor(_ context.Context, a Anchor) error {
	for _, p := range f.put {
		if p.At.Equal(a.At) {
			return errors.New("exists")
		}
	}
	f.put = append(f.put, a)
	return nil
}

func (f *fakeAnchors) LatestAnchor(context.Context) (Anchor, bool, error) {
	if len(f.put) == 0 {
		return Anchor{}, false, nil
	}
	return f.put[len(f.put)-1], true, nil
}

func TestAnchorerSealsSortedHeads(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 2, 21, 0, 0, 0, time.UTC)
	store := &fakeAnchors{}
	s := Anchorer{Heads: fakeHeads{{"L2", 1, "b"}, {"L1", 4, "a"}}, Store: store, Now: func() time.Time { return at }}
	a, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got, ok, _ := store.LatestAnchor(context.Background())
	if !ok || got.Digest != a.Digest || !got.Intact() || len(got.Heads) != 2 || got.Heads[0].LeadID != "L1" {
		t.Fatalf("stored anchor: got %+v (found %v), want L1 then L2 sealed", got, ok)
	}
	if h, ok := got.Head("L2"); !ok || h.Hash != "b" {
		t.Fatalf("Head(L2): got %+v %v", h, ok)
	}
	if _, ok := got.Head("L3"); ok {
		t.Fatal("Head(L3) found a lead the anchor does not hold")
	}
	if _, err := s.Run(context.Background()); err == nil {
		t.Fatal("a second anchor at the same instant: got nil error, want the store's refusal")
	}
}
