package metrics

import (
	"context"
	"time"

	"github.com/famigraph/famigraph/internal/kg"
)

// store counts and times every call of the store it wraps: each call is one
// round trip for a database-backed store.
type store struct {
	kg.Store
	m *Metrics
}

// Unwrap returns the store instrumented (see kg.IsImmutable).
func (s *store) Unwrap() kg.Store { return s.Store }

var _ kg.Store = (*store)(nil)

func (s *store) Nodes(ctx context.Context, ids []string) (out []kg.Node, err error) {
	defer func(start time.Time) { s.m.observe("Nodes", start, err) }(time.Now())
	return s.Store.Nodes(ctx, ids)
}

func (s *store) Related(ctx context.Context, q kg.NodeQuery, ids []string, w kg.Where) (out [][]kg.Node, err error) {
	defer func(start time.Time) { s.m.observe("Related/"+string(q), start, err) }(time.Now())
	return s.Store.Related(ctx, q, ids, w)
}

func (s *store) Edges(ctx context.Context, q kg.EdgeQuery, ids []string) (out [][]*kg.Edge, err error) {
	defer func(start time.Time) { s.m.observe("Edges/"+string(q), start, err) }(time.Now())
	return s.Store.Edges(ctx, q, ids)
}

func (s *store) Regions(ctx context.Context) (out []*kg.Region, err error) {
	defer func(start time.Time) { s.m.observe("Regions", start, err) }(time.Now())
	return s.Store.Regions(ctx)
}

func (s *store) RegionsByNUTS(ctx context.Context, codes []string) (out []*kg.Region, err error) {
	defer func(start time.Time) { s.m.observe("RegionsByNUTS", start, err) }(time.Now())
	return s.Store.RegionsByNUTS(ctx, codes)
}

func (s *store) Calls(ctx context.Context) (out []*kg.Call, err error) {
	defer func(start time.Time) { s.m.observe("Calls", start, err) }(time.Now())
	return s.Store.Calls(ctx)
}

func (s *store) Funds(ctx context.Context) (out []*kg.Fund, err error) {
	defer func(start time.Time) { s.m.observe("Funds", start, err) }(time.Now())
	return s.Store.Funds(ctx)
}

func (s *store) Organizations(ctx context.Context, f kg.OrganizationFilter, p kg.Page) (out *kg.OrgPage, err error) {
	defer func(start time.Time) { s.m.observe("Organizations", start, err) }(time.Now())
	return s.Store.Organizations(ctx, f, p)
}

func (s *store) Projects(ctx context.Context, f kg.ProjectFilter, p kg.Page) (out *kg.ProjectPage, err error) {
	defer func(start time.Time) { s.m.observe("Projects", start, err) }(time.Now())
	return s.Store.Projects(ctx, f, p)
}

func (s *store) Search(ctx context.Context, q kg.SearchQuery) (out []kg.SearchHit, err error) {
	defer func(start time.Time) { s.m.observe("Search", start, err) }(time.Now())
	return s.Store.Search(ctx, q)
}

func (s *store) Participations(ctx context.Context, f kg.NetworkFilter) (out []*kg.Edge, err error) {
	defer func(start time.Time) { s.m.observe("Participations", start, err) }(time.Now())
	return s.Store.Participations(ctx, f)
}

func (s *store) Paths(ctx context.Context, q kg.PathQuery) (out []kg.Path, err error) {
	defer func(start time.Time) { s.m.observe("Paths", start, err) }(time.Now())
	return s.Store.Paths(ctx, q)
}

func (s *store) Lineage(ctx context.Context, q kg.LineageQuery) (out []kg.LineageLink, err error) {
	defer func(start time.Time) { s.m.observe("Lineage", start, err) }(time.Now())
	return s.Store.Lineage(ctx, q)
}

func (s *store) Stats(ctx context.Context) (out kg.Stats, err error) {
	defer func(start time.Time) { s.m.observe("Stats", start, err) }(time.Now())
	return s.Store.Stats(ctx)
}

func (s *store) Dataset(ctx context.Context) (out *kg.Dataset, err error) {
	defer func(start time.Time) { s.m.observe("Dataset", start, err) }(time.Now())
	return s.Store.Dataset(ctx)
}
