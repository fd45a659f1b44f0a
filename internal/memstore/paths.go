package memstore

import (
	"cmp"
	"context"
	"slices"

	"github.com/famigraph/famigraph/internal/kg"
)

// Paths implements kg.Store: all shortest paths, ignoring direction, in the
// order of their node ids and then of their relation names — the order of
// Cypher's ORDER BY over the two lists.
func (s *Store) Paths(ctx context.Context, q kg.PathQuery) ([]kg.Path, error) {
	allowed := func(r kg.RelType) bool { return len(q.Relations) == 0 || slices.Contains(q.Relations, r) }
	distFrom := s.bfs(q.From, q.MaxLength, allowed)
	d, ok := distFrom[q.To]
	if !ok {
		return nil, ctx.Err()
	}
	distTo := s.bfs(q.To, d, allowed)

	// Walk the shortest-path DAG over distinct neighbours in id order, so
	// node sequences come out sorted; expand parallel relations at the end.
	var paths []kg.Path
	nodes := []string{q.From}
	var walk func(at string) bool
	walk = func(at string) bool {
		if at == q.To {
			for _, rels := range s.relationCombos(nodes, allowed) {
				paths = append(paths, kg.Path{Nodes: slices.Clone(nodes), Relations: rels})
				if len(paths) == q.First {
					return false
				}
			}
			return true
		}
		k := len(nodes) - 1
		prev := ""
		for _, a := range s.adj[at] {
			if a.id == prev || !allowed(a.rel) {
				continue
			}
			prev = a.id
			df, ok1 := distFrom[a.id]
			dt, ok2 := distTo[a.id]
			if !ok1 || !ok2 || df != k+1 || df+dt != d {
				continue
			}
			nodes = append(nodes, a.id)
			more := walk(a.id)
			nodes = nodes[:len(nodes)-1]
			if !more {
				return false
			}
		}
		return true
	}
	walk(q.From)
	return paths, ctx.Err()
}

// bfs returns the distance of every record within max steps of start.
func (s *Store) bfs(start string, max int, allowed func(kg.RelType) bool) map[string]int {
	dist := map[string]int{start: 0}
	frontier := []string{start}
	for step := 1; step <= max && len(frontier) > 0; step++ {
		var next []string
		for _, id := range frontier {
			for _, a := range s.adj[id] {
				if _, seen := dist[a.id]; seen || !allowed(a.rel) {
					continue
				}
				dist[a.id] = step
				next = append(next, a.id)
			}
		}
		frontier = next
	}
	return dist
}

// relationCombos lists, in order, every sequence of relations that links
// consecutive nodes (parallel relationships make several).
func (s *Store) relationCombos(nodes []string, allowed func(kg.RelType) bool) [][]kg.RelType {
	combos := [][]kg.RelType{{}}
	for i := 0; i+1 < len(nodes); i++ {
		var rels []kg.RelType
		for _, a := range s.adj[nodes[i]] {
			if a.id == nodes[i+1] && allowed(a.rel) {
				rels = append(rels, a.rel)
			}
		}
		var next [][]kg.RelType
		for _, c := range combos {
			for _, r := range rels {
				next = append(next, append(slices.Clone(c), r))
			}
		}
		combos = next
	}
	return combos
}

// Lineage implements kg.Store: breadth-first along CAPITALISES_ON and
// CONTINUES, each link at the depth at which it is first reached.
func (s *Store) Lineage(ctx context.Context, q kg.LineageQuery) ([]kg.LineageLink, error) {
	forward := q.Direction == kg.Forward
	dist := map[string]int{q.Of: 0}
	frontier := []string{q.Of}
	var links []kg.LineageLink
	for depth := 1; depth <= q.MaxDepth && len(frontier) > 0; depth++ {
		var next []string
		for _, id := range frontier {
			for _, rel := range kg.LineageRels {
				es := s.out[rel][id]
				if forward {
					es = s.in[rel][id]
				}
				for _, e := range es {
					links = append(links, kg.LineageLink{From: e.From, To: e.To, Relation: e.Type, Depth: depth, Sources: e.Sources})
					far := e.To
					if forward {
						far = e.From
					}
					if _, seen := dist[far]; !seen {
						dist[far] = depth
						next = append(next, far)
					}
				}
			}
		}
		frontier = next
	}
	slices.SortFunc(links, func(a, b kg.LineageLink) int {
		return cmp.Or(cmp.Compare(a.Depth, b.Depth), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To),
			cmp.Compare(a.Relation, b.Relation))
	})
	return links, ctx.Err()
}
