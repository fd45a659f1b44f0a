package memstore

import (
	"slices"

	"github.com/famigraph/famigraph/internal/kg"
)

// The traversals and relationship lookups are the rows of kg.Catalogue:
// traverse and collectEdges precompute each row's answer for every record.

// traverse precomputes a traversal row from every record that has results.
func (s *Store) traverse(r *kg.Rel) map[string][]kg.Node {
	res := map[string][]kg.Node{}
	seen := map[[2]string]bool{}
	for _, rel := range r.Rels {
		index := s.in[rel]
		if r.Out {
			index = s.out[rel]
		}
		for id, es := range index {
			for _, e := range es {
				other := e.From
				if r.Out {
					other = e.To
				}
				if !slices.Contains(r.Kinds, kg.KindOf(other)) || seen[[2]string{id, other}] {
					continue
				}
				seen[[2]string{id, other}] = true
				res[id] = append(res[id], s.nodes[other])
			}
		}
	}
	for _, ns := range res {
		slices.SortFunc(ns, func(a, b kg.Node) int { return kg.CompareNodes(r.Sort, a, b) })
	}
	return res
}

// collectEdges precomputes a relationship row for every record.
func (s *Store) collectEdges(r *kg.Rel) map[string][]*kg.Edge {
	index := s.in[r.Rels[0]]
	if r.Out {
		index = s.out[r.Rels[0]]
	}
	res := make(map[string][]*kg.Edge, len(index))
	for id, es := range index {
		es = slices.Clone(es)
		slices.SortFunc(es, func(a, b *kg.Edge) int { return kg.CompareEdges(r.Sort, a, b) })
		res[id] = es
	}
	return res
}
