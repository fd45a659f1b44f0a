package graph

import (
	"context"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/famigraph/famigraph/internal/kg"
)

// Loaders batch the lookups of one request: every relationship field of a
// nesting level becomes one store call, whatever the number of items.
type Loaders struct {
	nodes   *dataloadgen.Loader[string, kg.Node]
	related map[kg.NodeQuery]*dataloadgen.Loader[string, []kg.Node]
	edges   map[kg.EdgeQuery]*dataloadgen.Loader[string, []*kg.Edge]
	memo    *memo
}

// LoaderConfig tunes batching. Wait is how long a loader collects keys
// before it calls the store: long enough for the resolvers of one level to
// enqueue theirs (they run concurrently), short enough not to show in
// latency. A store without round trips can use zero.
type LoaderConfig struct {
	Wait     time.Duration
	MaxBatch int
}

// NewLoaders returns fresh loaders over store; they cache for their lifetime,
// which must be one request.
func NewLoaders(store kg.Store, cfg LoaderConfig) *Loaders {
	opts := []dataloadgen.Option{dataloadgen.WithWait(cfg.Wait)}
	if cfg.MaxBatch > 0 {
		opts = append(opts, dataloadgen.WithBatchCapacity(cfg.MaxBatch))
	}
	l := &Loaders{
		nodes:   dataloadgen.NewLoader(batch(store.Nodes), opts...),
		related: make(map[kg.NodeQuery]*dataloadgen.Loader[string, []kg.Node], len(kg.NodeQueries)),
		edges:   make(map[kg.EdgeQuery]*dataloadgen.Loader[string, []*kg.Edge], len(kg.EdgeQueries)),
		memo:    &memo{results: map[string]*memoResult{}},
	}
	for _, q := range kg.NodeQueries {
		l.related[q] = dataloadgen.NewLoader(batch(func(ctx context.Context, ids []string) ([][]kg.Node, error) {
			return store.Related(ctx, q, ids)
		}), opts...)
	}
	for _, q := range kg.EdgeQueries {
		l.edges[q] = dataloadgen.NewLoader(batch(func(ctx context.Context, ids []string) ([][]*kg.Edge, error) {
			return store.Edges(ctx, q, ids)
		}), opts...)
	}
	return l
}

// batch adapts an aligned store lookup to a loader's fetch function: a
// store error fails every key of the batch.
func batch[V any](fetch func(context.Context, []string) ([]V, error)) func(context.Context, []string) ([]V, []error) {
	return func(ctx context.Context, keys []string) ([]V, []error) {
		vs, err := fetch(ctx, keys)
		if err != nil {
			return nil, []error{err}
		}
		if len(vs) != len(keys) {
			return nil, []error{kg.Errorf(kg.EINTERNAL, "store returned %d results for %d keys", len(vs), len(keys))}
		}
		return vs, nil
	}
}

type loadersKey struct{}

// WithLoaders attaches loaders to a request's context.
func WithLoaders(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, loadersKey{}, l)
}

func loadersFrom(ctx context.Context) *Loaders {
	l, _ := ctx.Value(loadersKey{}).(*Loaders)
	if l == nil {
		panic("graph: no loaders in context; serve through graph.NewHandler")
	}
	return l
}

// node loads the record with the id, nil when there is none.
func node(ctx context.Context, id string) (kg.Node, error) {
	if id == "" {
		return nil, nil
	}
	return loadersFrom(ctx).nodes.Load(ctx, id)
}

// nodeAs loads a record that must exist, as type T: a reference that does
// not resolve is a broken dataset, not a user error.
func nodeAs[T kg.Node](ctx context.Context, id string) (T, error) {
	var zero T
	n, err := node(ctx, id)
	if err != nil || n == nil {
		if err == nil {
			err = kg.Errorf(kg.EINTERNAL, "dangling reference to %s", id)
		}
		return zero, err
	}
	t, ok := n.(T)
	if !ok {
		return zero, kg.Errorf(kg.EINTERNAL, "%s has an unexpected type", id)
	}
	return t, nil
}

// optionalAs is nodeAs for a reference that may be empty.
func optionalAs[T kg.Node](ctx context.Context, id string) (T, error) {
	var zero T
	if id == "" {
		return zero, nil
	}
	return nodeAs[T](ctx, id)
}

// org loads an organization (region or body) that may be empty.
func org(ctx context.Context, id string) (kg.Org, error) {
	if id == "" {
		return nil, nil
	}
	return nodeAs[kg.Org](ctx, id)
}

// related runs a traversal from id and returns its results as type T.
func related[T kg.Node](ctx context.Context, q kg.NodeQuery, id string) ([]T, error) {
	ns, err := loadersFrom(ctx).related[q].Load(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(ns))
	for _, n := range ns {
		t, ok := n.(T)
		if !ok {
			return nil, kg.Errorf(kg.EINTERNAL, "%s returned a record of an unexpected type", q)
		}
		out = append(out, t)
	}
	return out, nil
}

// edges loads the relationships of id.
func edges(ctx context.Context, q kg.EdgeQuery, id string) ([]*kg.Edge, error) {
	return loadersFrom(ctx).edges[q].Load(ctx, id)
}

// ptrs returns pointers to the elements of s.
func ptrs[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// opt turns an empty string into null.
func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
