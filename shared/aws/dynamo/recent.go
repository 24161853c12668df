package dynamo

import (
	"context"

	"github.com/partnerleads/pipeline/shared/domain/lead"
)

// RecentLeads finds the newest leads across every partner of the directory.
type RecentLeads struct {
	Leads     *LeadStore
	Directory *DirectoryStore
}

func (r RecentLeads) Recent(ctx context.Context, n int) ([]lead.Lead, error) {
	partners, err := r.Directory.ListPartners(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(partners))
	for i, p := range partners {
		ids[i] = p.ID
	}
	return r.Leads.Recent(ctx, ids, n)
}
