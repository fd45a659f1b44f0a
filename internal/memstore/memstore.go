// Package memstore serves the knowledge graph from memory: the embedded
// default store, loaded from the seed files, with every traversal the API
// needs precomputed at load.
package memstore

import (
	"cmp"
	"context"
	"slices"

	"github.com/famigraph/famigraph/internal/kg"
)

// Store is an immutable in-memory graph. It is safe for concurrent use.
type Store struct {
	nodes    map[string]kg.Node
	aliases  map[string]kg.Node                   // alias -> record
	out      map[kg.RelType]map[string][]*kg.Edge // by From
	in       map[kg.RelType]map[string][]*kg.Edge // by To
	regions  []*kg.Region                         // by NUTS code
	nuts     map[string]*kg.Region
	calls    []*kg.Call // by adoption date, then id
	funds    []*kg.Fund // by id
	orgs     []kg.Org   // by id
	projects []*kg.Project
	related  map[kg.NodeQuery]map[string][]kg.Node
	edges    map[kg.EdgeQuery]map[string][]*kg.Edge
	adj      map[string][]adjacent // undirected, by neighbour id then relation
	search   *index
	stats    kg.Stats
	ds       *kg.Dataset // sorted
}

var (
	_ kg.Store  = (*Store)(nil)
	_ kg.Reader = (*Store)(nil)
)

// adjacent is a neighbour in the undirected view of the graph.
type adjacent struct {
	id  string
	rel kg.RelType
}

// New indexes a dataset. The dataset must not be modified afterwards.
func New(ds *kg.Dataset) *Store {
	s := &Store{
		nodes:   make(map[string]kg.Node, len(ds.Nodes)),
		aliases: map[string]kg.Node{},
		out:     map[kg.RelType]map[string][]*kg.Edge{},
		in:      map[kg.RelType]map[string][]*kg.Edge{},
		nuts:    map[string]*kg.Region{},
		related: map[kg.NodeQuery]map[string][]kg.Node{},
		edges:   map[kg.EdgeQuery]map[string][]*kg.Edge{},
		adj:     map[string][]adjacent{},
		stats:   kg.Stats{Nodes: len(ds.Nodes), Edges: len(ds.Edges)},
		ds:      &kg.Dataset{Nodes: slices.Clone(ds.Nodes), Edges: slices.Clone(ds.Edges)},
	}
	s.ds.Sort()
	for _, n := range ds.Nodes {
		s.nodes[n.NodeID()] = n
		if r := kg.RecordOf(n); r != nil {
			for _, a := range r.Aliases {
				s.aliases[a] = n
			}
		}
		switch n := n.(type) {
		case *kg.Region:
			s.regions = append(s.regions, n)
			s.nuts[n.NUTSCode] = n
			s.orgs = append(s.orgs, n)
		case *kg.Body:
			s.orgs = append(s.orgs, n)
		case *kg.Call:
			s.calls = append(s.calls, n)
		case *kg.Fund:
			s.funds = append(s.funds, n)
		case *kg.Project:
			s.projects = append(s.projects, n)
		}
	}
	for _, e := range ds.Edges {
		if s.out[e.Type] == nil {
			s.out[e.Type], s.in[e.Type] = map[string][]*kg.Edge{}, map[string][]*kg.Edge{}
		}
		s.out[e.Type][e.From] = append(s.out[e.Type][e.From], e)
		s.in[e.Type][e.To] = append(s.in[e.Type][e.To], e)
		s.adj[e.From] = append(s.adj[e.From], adjacent{e.To, e.Type})
		s.adj[e.To] = append(s.adj[e.To], adjacent{e.From, e.Type})
	}
	for _, a := range s.adj {
		slices.SortFunc(a, func(x, y adjacent) int { return cmp.Or(cmp.Compare(x.id, y.id), cmp.Compare(x.rel, y.rel)) })
	}
	slices.SortFunc(s.regions, func(a, b *kg.Region) int { return cmp.Compare(a.NUTSCode, b.NUTSCode) })
	slices.SortFunc(s.calls, func(a, b *kg.Call) int { return kg.CompareNodes(callOrder, a, b) })
	slices.SortFunc(s.funds, func(a, b *kg.Fund) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(s.orgs, func(a, b kg.Org) int { return cmp.Compare(a.NodeID(), b.NodeID()) })
	slices.SortFunc(s.projects, func(a, b *kg.Project) int { return cmp.Compare(a.ID, b.ID) })
	for _, r := range kg.NodeRels() {
		s.related[r.Node] = s.traverse(r)
	}
	for _, r := range kg.EdgeRels() {
		s.edges[r.Edge] = s.collectEdges(r)
	}
	s.search = newIndex(ds.Nodes)
	return s
}

// callOrder is the order of Calls: by adoption date, then id, as the
// catalogue's traversals to calls.
var callOrder = []kg.SortKey{kg.ByAdoption, kg.ByID}

// Immutable reports that the store's data never changes: it is built once
// from a dataset (see kg.IsImmutable).
func (s *Store) Immutable() bool { return true }

// Local reports that the store answers from memory, in the caller's
// goroutine (see kg.IsLocal).
func (s *Store) Local() bool { return true }

// Nodes implements kg.Store.
func (s *Store) Nodes(ctx context.Context, ids []string) ([]kg.Node, error) {
	out := make([]kg.Node, len(ids))
	for i, id := range ids {
		out[i] = s.Node(id)
	}
	return out, ctx.Err()
}

// Related implements kg.Store.
func (s *Store) Related(ctx context.Context, q kg.NodeQuery, ids []string, w kg.Where) ([][]kg.Node, error) {
	return each(ctx, ids, func(id string) ([]kg.Node, error) { return s.RelatedOf(q, id, w) })
}

// Edges implements kg.Store.
func (s *Store) Edges(ctx context.Context, q kg.EdgeQuery, ids []string) ([][]*kg.Edge, error) {
	return each(ctx, ids, func(id string) ([]*kg.Edge, error) { return s.EdgesOf(q, id) })
}

// each answers a batched call one id at a time.
func each[T any](ctx context.Context, ids []string, of func(string) ([]T, error)) ([][]T, error) {
	out := make([][]T, len(ids))
	for i, id := range ids {
		var err error
		if out[i], err = of(id); err != nil {
			return nil, err
		}
	}
	return out, ctx.Err()
}

// Node implements kg.Reader.
func (s *Store) Node(id string) kg.Node {
	if n, ok := s.nodes[id]; ok {
		return n
	}
	return s.aliases[id] // nil when missing
}

// RelatedOf implements kg.Reader.
func (s *Store) RelatedOf(q kg.NodeQuery, id string, w kg.Where) ([]kg.Node, error) {
	m, ok := s.related[q]
	if !ok {
		return nil, kg.Errorf(kg.EINTERNAL, "unknown node query %s", q)
	}
	return w.Apply(m[id]), nil
}

// EdgesOf implements kg.Reader.
func (s *Store) EdgesOf(q kg.EdgeQuery, id string) ([]*kg.Edge, error) {
	m, ok := s.edges[q]
	if !ok {
		return nil, kg.Errorf(kg.EINTERNAL, "unknown edge query %s", q)
	}
	return m[id], nil
}

// Regions implements kg.Store.
func (s *Store) Regions(ctx context.Context) ([]*kg.Region, error) { return s.regions, ctx.Err() }

// RegionsByNUTS implements kg.Store.
func (s *Store) RegionsByNUTS(ctx context.Context, codes []string) ([]*kg.Region, error) {
	out := make([]*kg.Region, len(codes))
	for i, c := range codes {
		out[i] = s.nuts[c]
	}
	return out, ctx.Err()
}

// Calls implements kg.Store.
func (s *Store) Calls(ctx context.Context) ([]*kg.Call, error) { return s.calls, ctx.Err() }

// Funds implements kg.Store.
func (s *Store) Funds(ctx context.Context) ([]*kg.Fund, error) { return s.funds, ctx.Err() }

// Stats implements kg.Store.
func (s *Store) Stats(ctx context.Context) (kg.Stats, error) { return s.stats, ctx.Err() }

// Dataset implements kg.Store: always the same dataset.
func (s *Store) Dataset(ctx context.Context) (*kg.Dataset, error) { return s.ds, ctx.Err() }

// Ping implements kg.Store: an embedded store is always ready.
func (s *Store) Ping(ctx context.Context) error { return ctx.Err() }

// Organizations implements kg.Store.
func (s *Store) Organizations(ctx context.Context, f kg.OrganizationFilter, p kg.Page) (*kg.OrgPage, error) {
	items, total, hasNext := page(s.orgs, p, func(o kg.Org) bool { return s.orgMatches(o, f) })
	return &kg.OrgPage{Items: items, Total: total, HasNext: hasNext}, ctx.Err()
}

// page returns the matching items after p.After (items are in id order), at
// most p.First of them, the number of matches, and whether more follow.
func page[T kg.Node](all []T, p kg.Page, match func(T) bool) (items []T, total int, hasNext bool) {
	for _, it := range all {
		if !match(it) {
			continue
		}
		total++
		if p.After != "" && it.NodeID() <= p.After {
			continue
		}
		if len(items) < p.First {
			items = append(items, it)
		} else {
			hasNext = true
		}
	}
	return items, total, hasNext
}

func (s *Store) orgMatches(o kg.Org, f kg.OrganizationFilter) bool {
	if len(f.Kinds) > 0 && !slices.ContainsFunc(f.Kinds, func(k kg.OrgKind) bool { return hasKind(o, k) }) {
		return false
	}
	if len(f.RegionIDs) > 0 && !slices.Contains(f.RegionIDs, o.OrgRegionID()) {
		return false
	}
	if len(f.CallIDs) == 0 && len(f.Roles) == 0 {
		return true
	}
	for _, e := range s.out[kg.RelParticipatesIn][o.NodeID()] {
		if len(f.Roles) > 0 && !slices.Contains(f.Roles, e.Role) {
			continue
		}
		if len(f.CallIDs) > 0 && !slices.Contains(f.CallIDs, s.nodes[e.To].(*kg.Project).CallID) {
			continue
		}
		return true
	}
	return false
}

// Projects implements kg.Store.
func (s *Store) Projects(ctx context.Context, f kg.ProjectFilter, p kg.Page) (*kg.ProjectPage, error) {
	items, total, hasNext := page(s.projects, p, func(pr *kg.Project) bool { return s.projectMatches(pr, f) })
	return &kg.ProjectPage{Items: items, Total: total, HasNext: hasNext}, ctx.Err()
}

// hasKind reports whether o is of kind k, by its own kind or a network it
// belongs to.
func hasKind(o kg.Org, k kg.OrgKind) bool {
	if b, ok := o.(*kg.Body); ok {
		return b.HasKind(k)
	}
	return o.OrgKind() == k
}

// atLeast reports whether c is at least min; an empty min does not filter.
func atLeast(c, min kg.Confidence) bool { return min == "" || c.Rank() >= min.Rank() }

func (s *Store) projectMatches(p *kg.Project, f kg.ProjectFilter) bool {
	if !atLeast(p.Confidence, f.MinConfidence) {
		return false
	}
	if len(f.CallIDs) > 0 && !slices.Contains(f.CallIDs, p.CallID) {
		return false
	}
	if len(f.RegionIDs) > 0 && !slices.Contains(f.RegionIDs, p.RegionID) {
		return false
	}
	if len(f.OrganizationIDs) == 0 {
		return true
	}
	for _, e := range s.in[kg.RelParticipatesIn][p.ID] {
		if slices.Contains(f.OrganizationIDs, e.From) && (len(f.Roles) == 0 || slices.Contains(f.Roles, e.Role)) {
			return true
		}
	}
	return false
}

// Participations implements kg.Store.
func (s *Store) Participations(ctx context.Context, f kg.NetworkFilter) ([]*kg.Edge, error) {
	var out []*kg.Edge
	for _, p := range s.projects {
		if len(f.CallIDs) > 0 && !slices.Contains(f.CallIDs, p.CallID) ||
			len(f.RegionIDs) > 0 && !slices.Contains(f.RegionIDs, p.RegionID) ||
			!atLeast(p.Confidence, f.MinConfidence) || !s.activeIn(p, f.From, f.To) {
			continue
		}
		for _, e := range s.edges[kg.ProjectParticipants][p.ID] {
			if b, ok := s.nodes[e.From].(*kg.Body); ok && b.Group.Complete() || !atLeast(e.Confidence, f.MinConfidence) ||
				len(f.Kinds) > 0 && !slices.Contains(f.Kinds, s.nodes[e.From].(kg.Org).OrgKind()) {
				continue
			}
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b *kg.Edge) int { return cmp.Or(cmp.Compare(a.To, b.To), cmp.Compare(a.From, b.From)) })
	return out, ctx.Err()
}

// activeIn reports whether the project's period (its own dates, else its
// call's) overlaps [from, to]; an end neither states does not exclude it.
func (s *Store) activeIn(p *kg.Project, from, to *kg.Date) bool {
	if from == nil && to == nil {
		return true
	}
	start, end := p.StartDate, p.EndDate
	if c, ok := s.nodes[p.CallID].(*kg.Call); ok {
		if start == nil {
			start = c.StartDate
		}
		if end == nil {
			end = c.EndDate
		}
	}
	if from != nil && end != nil && *end < *from {
		return false
	}
	if to != nil && start != nil && *start > *to {
		return false
	}
	return true
}
