package kg_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
)

// TestStoredReferencesFollowRelationships checks every reference the
// catalogue says is kept as a relationship against the data: on the
// fixture and the real seed, the id a record holds is the one the row's
// relationships lead to (a store that keeps only the relationships, as
// Neo4j does, reads the reference back from them), and none is missed.
func TestStoredReferencesFollowRelationships(t *testing.T) {
	for name, ds := range map[string]*kg.Dataset{"fixture": kgtest.Fixture(t), "seed": kgtest.RealSeed(t)} {
		stored := 0
		for i := range kg.Catalogue {
			r := &kg.Catalogue[i]
			if r.Ref == nil || len(r.Rels) == 0 {
				continue
			}
			stored++
			typ, _, _ := strings.Cut(r.Fields[0], ".")
			held, followed := map[string][]string{}, map[string][]string{}
			for _, n := range ds.Nodes {
				if reflect.TypeOf(n).Elem().Name() == typ { // the GraphQL type is the Go type
					held[n.NodeID()] = r.Ref.AppendIDs(nil, n)
					followed[n.NodeID()] = nil
				}
			}
			for _, e := range ds.Edges {
				self, other := e.To, e.From
				if r.Out {
					self, other = e.From, e.To
				}
				if _, ok := followed[self]; !ok || e.Type != r.Rels[0] || !slices.Contains(r.Kinds, kg.KindOf(other)) ||
					(r.Role != "" && e.Role != r.Role) {
					continue
				}
				followed[self] = append(followed[self], other)
			}
			if len(held) == 0 {
				t.Errorf("%s: no %s holds %s", name, typ, r.Fields[0])
			}
			for id, want := range held {
				if got := followed[id]; !slices.Equal(got, want) {
					t.Errorf("%s: %s holds %s %v, its relationships lead to %v", name, id, r.Fields[0], want, got)
				}
			}
		}
		if stored == 0 {
			t.Fatal("no reference is kept as relationships")
		}
	}
}
