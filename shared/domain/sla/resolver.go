package sla

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Resolver finds the policy in force for a partner: its program's, else the
// default program's saved policy, else Default(). Answers are cached for TTL,
// so a policy change reaches warm functions within TTL.
type Resolver struct {
	Store PolicyStore
	Now   func() time.Time
	TTL   time.Duration

	mu       sync.Mutex
	programs map[string]cached[string]
	policies map[string]cached[Policy]
}

type cached[T any] struct {
	v  T
	at time.Time
}

func (r *Resolver) For(ctx context.Context, partnerID string) (Policy, error) {
	program, err := lookup(r, &r.programs, partnerID, func() (string, error) { return r.Store.Program(ctx, partnerID) })
	if err != nil {
		return Policy{}, fmt.Errorf("read program of %s: %w", partnerID, err)
	}
	if program == "" {
		program = DefaultProgram
	}
	return lookup(r, &r.policies, program, func() (Policy, error) {
		for _, name := range []string{program, DefaultProgram} {
			p, found, err := r.Store.Policy(ctx, name)
			if err != nil {
				return Policy{}, fmt.Errorf("read policy %s: %w", name, err)
			}
			if found {
				if err := p.Validate(); err != nil {
					return Policy{}, fmt.Errorf("stored policy %s: %w", name, err)
				}
				return p, nil
			}
		}
		return Default(), nil
	})
}

func lookup[T any](r *Resolver, m *map[string]cached[T], key string, load func() (T, error)) (T, error) {
	r.mu.Lock()
	if c, ok := (*m)[key]; ok && r.Now().Sub(c.at) < r.TTL {
		r.mu.Unlock()
		return c.v, nil
	}
	r.mu.Unlock()
	v, err := load()
	if err != nil {
		return v, err
	}
	r.mu.Lock()
	if *m == nil {
		*m = map[string]cached[T]{}
	}
	(*m)[key] = cached[T]{v, r.Now()}
	r.mu.Unlock()
	return v, nil
}
