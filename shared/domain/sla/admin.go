package sla

import (
	"context"
	"fmt"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// Admin reads and saves policies and partners' programs.
type Admin struct {
	Store PolicyStore
	Now   func() time.Time
}

// List returns the saved policies, with the built-in default first when no
// default policy has been saved.
func (a Admin) List(ctx context.Context) ([]Policy, error) {
	ps, err := a.Store.Policies(ctx)
	if err != nil {
		return nil, fmt.Errorf("list policies: %w", err)
	}
	for _, p := range ps {
		if p.Program == DefaultProgram {
			return ps, nil
		}
	}
	return append([]Policy{Default()}, ps...), nil
}

// Put validates p and saves it as the next version of program's policy.
// ifVersion, when not 0, must be the version the caller read.
func (a Admin) Put(ctx context.Context, program string, p Policy, ifVersion int) (Policy, error) {
	p.Program = program
	if err := p.Validate(); err != nil {
		return Policy{}, err
	}
	cur, found, err := a.Store.Policy(ctx, program)
	if err != nil {
		return Policy{}, fmt.Errorf("read policy %s: %w", program, err)
	}
	if ifVersion != 0 && (!found || cur.Version != ifVersion) {
		return Policy{}, ErrPolicyConflict
	}
	p.Version, p.UpdatedAt = cur.Version+1, a.Now().UTC().Truncate(time.Second)
	if err := a.Store.PutPolicy(ctx, p); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// SetProgram puts a partner in a program ("" takes it back to the default).
func (a Admin) SetProgram(ctx context.Context, partnerID, program string) error {
	if program != "" && !ValidProgram(program) {
		return validation.Field("program", "invalid", "1-32 of a-z, 0-9, '_' and '-', or empty for the default")
	}
	return a.Store.SetProgram(ctx, partnerID, program)
}
