package graph

import (
	"context"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/famigraph/famigraph/internal/kg"
)

// Loaders hold what one request has read: the records and relationships
// the prefetcher fetched (see fetched), a batched lookup of records by id
// for references it did not reach, and computations done once per request.
type Loaders struct {
	fetched *fetched
	memo    *memo
}

// LoaderConfig tunes batching. Wait is how long the record loader collects
// keys before it calls the store; a store without round trips can use zero.
type LoaderConfig struct {
	Wait     time.Duration
	MaxBatch int
}

// NewLoaders returns fresh loaders over the service's batched lookups; they
// cache for their lifetime, which must be one request.
func NewLoaders(svc *kg.Service, cfg LoaderConfig) *Loaders {
	opts := []dataloadgen.Option{dataloadgen.WithWait(cfg.Wait)}
	if cfg.MaxBatch > 0 {
		opts = append(opts, dataloadgen.WithBatchCapacity(cfg.MaxBatch))
	}
	nodes := dataloadgen.NewLoader(batch(svc.Records), opts...)
	return &Loaders{fetched: newFetched(svc, nodes), memo: &memo{results: map[string]*memoResult{}}}
}

// batch adapts an aligned store lookup to a loader's fetch function: a
// store error fails every key of the batch.
func batch[V any](fetch func(context.Context, []string) ([]V, error)) func(context.Context, []string) ([]V, []error) {
	return func(ctx context.Context, keys []string) ([]V, []error) {
		vs, err := fetch(ctx, keys)
		if err = aligned(len(vs), len(keys), err); err != nil {
			return nil, []error{err}
		}
		return vs, nil
	}
}

// aligned returns a batched store call's error, or an internal error when
// it returned other than one result per key.
func aligned(results, keys int, err error) error {
	if err == nil && results != keys {
		err = kg.Errorf(kg.EINTERNAL, "store returned %d results for %d keys", results, keys)
	}
	return err
}

type loadersKey struct{}

// WithLoaders attaches loaders to a request's context.
func WithLoaders(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, loadersKey{}, l)
}

func loadersFrom(ctx context.Context) *Loaders {
	if c, ok := ctx.(*fieldCtx); ok && c.loaders != nil {
		return c.loaders // the executor's field context: in one step
	}
	l, _ := ctx.Value(loadersKey{}).(*Loaders)
	if l == nil {
		panic("graph: no loaders in context; serve through graph.NewHandler")
	}
	return l
}

// ptrs returns pointers to the elements of s.
func ptrs[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}
