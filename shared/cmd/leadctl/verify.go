package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/partnerleads/pipeline/shared/aws/deployed"
	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// verify checks a lead's history chain and the head the newest audit
// anchor holds for it.
func verify(ctx context.Context, st *deployed.Stack, leadID string, out io.Writer) error {
	entries, err := st.Leads.History(ctx, leadID)
	if err != nil {
		return err
	}
	anchors, err := st.Anchors()
	if err != nil {
		return err
	}
	a, ok, err := anchors.LatestAnchor(ctx)
	if err != nil {
		return err
	}
	v, err := lead.Verify(leadID, entries, a, ok)
	if err != nil {
		return fmt.Errorf("lead %s: %w", leadID, err)
	}
	fmt.Fprintf(out, "lead %s: %d history entries, hash chain intact\n", leadID, v.Entries)
	switch {
	case !ok:
		fmt.Fprintln(out, "no audit anchor taken yet: checked by the chain alone")
	case v.AnchorAt.IsZero():
		fmt.Fprintf(out, "newer than the last audit anchor (%s): checked by the chain alone\n", a.At.Format(time.RFC3339))
	default:
		fmt.Fprintf(out, "matches the audit anchor of %s at entry %d\n", v.AnchorAt.Format(time.RFC3339), v.Anchored.Seq)
	}
	return nil
}
