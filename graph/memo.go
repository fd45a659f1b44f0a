package graph

import (
	"context"
	"sync"

	"github.com/famigraph/famigraph/internal/kg"
)

// memo keeps the results of whole computations for one request, so that a
// field asked of every item of a list (Region.summary of every region) is
// computed once, for all of them.
type memo struct {
	mu      sync.Mutex
	results map[string]*memoResult
}

type memoResult struct {
	once  sync.Once
	value any
	err   error
}

// memoized returns the result of compute for key, computing it once per
// request; concurrent callers wait for the first.
func memoized[T any](ctx context.Context, key string, compute func() (T, error)) (T, error) {
	m := loadersFrom(ctx).memo
	m.mu.Lock()
	r := m.results[key]
	if r == nil {
		r = &memoResult{}
		m.results[key] = r
	}
	m.mu.Unlock()
	r.once.Do(func() { r.value, r.err = compute() })
	v, _ := r.value.(T)
	return v, r.err
}

// networkMetrics returns the costlier network metrics the selection asks for.
func networkMetrics(ctx context.Context) kg.NetworkMetrics {
	return kg.NetworkMetrics{
		Betweenness: selects(ctx, "nodes", "betweenness"),
		Closeness:   selects(ctx, "nodes", "closeness"),
		Communities: selects(ctx, "communities") || selects(ctx, "modularity") || selects(ctx, "nodes", "community"),
	}
}
