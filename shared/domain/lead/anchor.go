package lead

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Head is a lead's chain head: its newest history entry's seq and hash.
type Head struct {
	LeadID string `json:"leadId"`
	Seq    int64  `json:"seq"`
	Hash   string `json:"hash"`
}

// Anchor is a digest of every lead's chain head, kept outside the leads
// table (write-once), so that someone who can write the table cannot
// rewrite a history consistently: the anchored hash would no longer match.
// Digest covers At and Heads, so a damaged copy is noticed too.
type Anchor struct {
	At     time.Time `json:"at"`
	Heads  []Head    `json:"heads"` // sorted by LeadID
	Digest string    `json:"digest"`
}

// NewAnchor seals the heads taken at at.
func NewAnchor(at time.Time, heads []Head) Anchor {
	heads = slices.Clone(heads)
	slices.SortFunc(heads, func(a, b Head) int { return strings.Compare(a.LeadID, b.LeadID) })
	a := Anchor{At: at.UTC(), Heads: heads}
	a.Digest = a.digest()
	return a
}

func (a Anchor) digest() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", a.At.UTC().Format(time.RFC3339Nano))
	for _, x := range a.Heads {
		fmt.Fprintf(h, "%s %d %s\n", x.LeadID, x.Seq, x.Hash)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Intact reports whether the digest still covers the heads.
func (a Anchor) Intact() bool { return a.Digest == a.digest() }

// Head finds a lead's anchored head.
func (a Anchor) Head(leadID string) (Head, bool) {
	i, ok := slices.BinarySearchFunc(a.Heads, leadID, func(h Head, id string) int { return strings.Compare(h.LeadID, id) })
	if !ok {
		return Head{}, false
	}
	return a.Heads[i], true
}

// ErrAnchorMismatch: a history no longer holds the head anchored for it.
var ErrAnchorMismatch = errors.New("history does not match its anchor")

// CheckAnchored checks an intact chain against the head anchored for it:
// the entry at the anchored seq must still carry the anchored hash (entries
// after it are newer than the anchor and covered by the chain alone).
func CheckAnchored(entries []Entry, h Head) error {
	if h.Seq < 1 || int64(len(entries)) < h.Seq {
		return fmt.Errorf("%w: anchored at seq %d, the history has %d entries", ErrAnchorMismatch, h.Seq, len(entries))
	}
	if got := entries[h.Seq-1].Hash; got != h.Hash {
		return fmt.Errorf("%w: entry %d hashes to %.12s…, anchored %.12s…", ErrAnchorMismatch, h.Seq, got, h.Hash)
	}
	return nil
}

// HeadLister walks every lead's chain head.
type HeadLister interface {
	Heads(ctx context.Context, each func(Head) error) error
}

// AnchorStore keeps anchors write-once and finds the newest.
type AnchorStore interface {
	PutAnchor(ctx context.Context, a Anchor) error
	LatestAnchor(ctx context.Context) (Anchor, bool, error)
}

// Anchorer takes an anchor of every chain head.
type Anchorer struct {
	Heads HeadLister
	Store AnchorStore
	Now   func() time.Time
}

// Run anchors every lead's head as it is now.
func (s Anchorer) Run(ctx context.Context) (Anchor, error) {
	at := s.Now()
	var heads []Head
	if err := s.Heads.Heads(ctx, func(h Head) error { heads = append(heads, h); return nil }); err != nil {
		return Anchor{}, fmt.Errorf("read chain heads: %w", err)
	}
	a := NewAnchor(at, heads)
	if err := s.Store.PutAnchor(ctx, a); err != nil {
		return Anchor{}, err
	}
	return a, nil
}

// ErrChainBroken: an entry's hash or link does not hold.
var ErrChainBroken = errors.New("the history chain is broken")

// ErrAnchorDamaged: an anchor's digest no longer covers its heads.
var ErrAnchorDamaged = errors.New("the anchor is damaged")

// Verification is what Verify found for one lead.
type Verification struct {
	Entries  int
	AnchorAt time.Time // zero: no anchor holds the lead yet
	Anchored Head
}

// Verify checks a lead's history: the chain, then (when an anchor exists)
// the head anchored for it. A lead newer than the anchor is checked by its
// chain alone, and the verification says so.
func Verify(leadID string, entries []Entry, a Anchor, haveAnchor bool) (Verification, error) {
	v := Verification{Entries: len(entries)}
	if len(entries) == 0 {
		return v, fmt.Errorf("lead %s has no history: %w", leadID, ErrNotFound)
	}
	if i := VerifyChain(entries); i >= 0 {
		return v, fmt.Errorf("%w at entry %d of %d (seq %d)", ErrChainBroken, i+1, len(entries), entries[i].Seq)
	}
	if !haveAnchor {
		return v, nil
	}
	if !a.Intact() {
		return v, fmt.Errorf("%w (taken %s)", ErrAnchorDamaged, a.At.Format(time.RFC3339))
	}
	h, ok := a.Head(leadID)
	if !ok {
		// Only a lead committed after the scan began may be missing.
		if created := entries[0].At; created.Before(a.At.Add(-CommitBudget)) {
			return v, fmt.Errorf("%w: created %s, before the anchor of %s, which does not hold it", ErrAnchorMismatch, created.Format(time.RFC3339), a.At.Format(time.RFC3339))
		}
		return v, nil
	}
	if err := CheckAnchored(entries, h); err != nil {
		return v, err
	}
	v.AnchorAt, v.Anchored = a.At, h
	return v, nil
}
