package intake

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// What an uploaded row became.
const (
	RowAccepted  = "accepted"  // a new lead (or one an earlier upload of the row made: Replayed)
	RowDuplicate = "duplicate" // the partner's own lead, held already or made by an earlier row
	RowConflict  = "conflict"  // another partner registered the company first
	RowInvalid   = "invalid"   // the fields say why
	RowFailed    = "failed"    // a fault on our side: uploading the file again is safe
)

// RowOutcomes are the outcomes a row can have, in the order reports count them.
var RowOutcomes = []string{RowAccepted, RowDuplicate, RowConflict, RowInvalid, RowFailed}

// RowResult is what one row of an upload became.
type RowResult struct {
	Line     int
	Outcome  string
	LeadID   string // the new lead, or the one a duplicate repeats
	Replayed bool
	SameAs   int // a duplicate of an earlier line of the same file
	Err      error
}

// uploadWorkers bounds the rows stored at once.
const uploadWorkers = 8

// uploadReserve is the time kept back from the request's deadline to
// answer the report: rows not started by then fail, and sending the file
// again stores them.
const uploadReserve = 3 * time.Second

// ErrUploadOutOfTime fails a row the upload had no time left to store.
var ErrUploadOutOfTime = errors.New("no time left in this request: send the file again")

func outOfTime(ctx context.Context) bool {
	d, ok := ctx.Deadline()
	return ok && time.Until(d) < uploadReserve
}

// Upload submits each valid row of a spreadsheet as POST /v1/leads would,
// each on its own: a row is stored whole or not at all. A row's
// idempotency key is its externalRef, or its content, so uploading the
// same file again makes no second lead. Rows that share an identity are
// stored one after the other in file order, so the first one wins.
func (s *Service) Upload(ctx context.Context, p auth.Principal, rows []SheetRow) ([]RowResult, error) {
	if !p.Has(auth.RolePartner) {
		return nil, auth.ErrForbidden
	}
	out := make([]RowResult, len(rows))
	firstByKey := map[string]int{}
	// Rows sharing an identity key, directly or through other rows, form
	// one group (union-find over row indexes).
	parent := make([]int, len(rows))
	root := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := map[lead.IdentityKey]int{}
	var stored []int
	for i, r := range rows {
		parent[i] = i
		out[i] = RowResult{Line: r.Line}
		if r.Err != nil {
			out[i].Outcome, out[i].Err = RowInvalid, r.Err
			continue
		}
		key := rowKey(r.Lead)
		if j, ok := firstByKey[key]; ok {
			if rows[j].Lead.Fingerprint() != r.Lead.Fingerprint() {
				out[i].Outcome, out[i].Err = RowInvalid, validation.Field("externalRef", "reused_reference", "line %d has this externalRef with other fields", rows[j].Line)
				continue
			}
			out[i].Outcome, out[i].SameAs = RowDuplicate, rows[j].Line
			continue
		}
		firstByKey[key] = i
		stored = append(stored, i)
		for _, k := range r.Lead.Identity {
			if j, ok := owner[k]; ok {
				parent[root(i)] = root(j)
			} else {
				owner[k] = i
			}
		}
	}
	byRoot := map[int]int{}
	var groups [][]int
	for _, i := range stored { // file order within each group
		g, ok := byRoot[root(i)]
		if !ok {
			g = len(groups)
			byRoot[root(i)] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	work := make(chan []int)
	var wg sync.WaitGroup
	for range min(uploadWorkers, len(groups)) {
		wg.Go(func() {
			for g := range work {
				for _, i := range g {
					if outOfTime(ctx) {
						out[i] = RowResult{Line: rows[i].Line, Outcome: RowFailed, Err: ErrUploadOutOfTime}
						continue
					}
					out[i] = s.uploadRow(ctx, p, rows[i])
				}
			}
		})
	}
	for _, g := range groups {
		work <- g
	}
	close(work)
	wg.Wait()
	for i := range out {
		if out[i].SameAs != 0 {
			out[i].LeadID = out[firstByKey[rowKey(rows[i].Lead)]].LeadID
		}
	}
	return out, nil
}

func (s *Service) uploadRow(ctx context.Context, p auth.Principal, r SheetRow) RowResult {
	res := RowResult{Line: r.Line}
	rc, err := s.Submit(ctx, p, r.Lead, rowKey(r.Lead))
	var dup *DuplicateError
	switch {
	case err == nil:
		res.Outcome, res.LeadID, res.Replayed = RowAccepted, rc.LeadID, rc.Replayed
	case errors.As(err, &dup):
		res.Outcome, res.LeadID = RowDuplicate, dup.LeadID
	case errors.Is(err, ErrAlreadyRegistered):
		res.Outcome = RowConflict
	case errors.Is(err, ErrIdempotencyMismatch):
		res.Outcome, res.Err = RowInvalid, validation.Field("externalRef", "reused_reference", "an earlier upload sent this externalRef with other fields")
	default:
		res.Outcome, res.Err = RowFailed, err
	}
	return res
}

// rowKey is a row's idempotency key: its externalRef, or its content.
func rowKey(n Normalised) string {
	if n.ExternalRef != "" {
		return "sheet:ref:" + n.ExternalRef
	}
	return "sheet:sum:" + n.Fingerprint()
}
