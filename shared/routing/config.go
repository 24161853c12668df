package routing

import (
	"context"
	"errors"
	"fmt"

	"github.com/partnerleads/pipeline/shared/validation"
)

// ConfigStore is what routing administration needs: reps and versioned
// rule sets. A saved rule set is never rewritten; saving makes a new version.
type ConfigStore interface {
	Config
	PutRep(ctx context.Context, r Rep) error
	// AddRuleSet stores rs as version rs.Version; ErrRuleSetVersionTaken if
	// another save got there first.
	AddRuleSet(ctx context.Context, rs RuleSet) error
}

var ErrRuleSetVersionTaken = errors.New("a rule set with this version was saved concurrently; reload and retry")

// Admin manages reps and rule sets.
type Admin struct{ Store ConfigStore }

// PutRep validates and stores a rep (create or replace).
func (a Admin) PutRep(ctx context.Context, body []byte) (Rep, error) {
	var r Rep
	if err := validation.Decode(body, &r); err != nil {
		return Rep{}, err
	}
	if err := r.Prepare(); err != nil {
		return Rep{}, err
	}
	if err := a.Store.PutRep(ctx, r); err != nil {
		return Rep{}, fmt.Errorf("store rep %s: %w", r.ID, err)
	}
	return r, nil
}

// SaveRuleSet validates a rule set against the current reps and stores it as
// the next version.
func (a Admin) SaveRuleSet(ctx context.Context, body []byte) (RuleSet, error) {
	reps, err := a.repMap(ctx)
	if err != nil {
		return RuleSet{}, err
	}
	rs, err := ParseRuleSet(body, reps)
	if err != nil {
		return RuleSet{}, err
	}
	cur, err := a.Store.RuleSet(ctx)
	if err != nil {
		return RuleSet{}, fmt.Errorf("read rule set: %w", err)
	}
	rs.Version = cur.Version + 1
	if err := a.Store.AddRuleSet(ctx, rs); err != nil {
		return RuleSet{}, err
	}
	return rs, nil
}

func (a Admin) repMap(ctx context.Context) (map[string]Rep, error) {
	list, err := a.Store.Reps(ctx)
	if err != nil {
		return nil, fmt.Errorf("read reps: %w", err)
	}
	m := make(map[string]Rep, len(list))
	for _, r := range list {
		m[r.ID] = r
	}
	return m, nil
}
