package bench_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/famigraph/famigraph/graph"
	"github.com/famigraph/famigraph/internal/bench"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/memstore"
	"github.com/famigraph/famigraph/internal/neo4jtest"
)

// TestNeo4jStoreCallsConstant measures on a real Neo4j what
// BenchmarkQuery's calls/op measures: the map query and the partnership
// query make as many store calls at scale 10 as at scale 1, and as many as
// the embedded store holding the same network makes through the
// prefetcher (the path of every store that is not local: a wrapper hides
// that it is, where it would read its relationships in place). The loaders
// get no batching window, so the count depends on no timing (with serve's
// window it can only be lower: loads of one level merged).
func TestNeo4jStoreCallsConstant(t *testing.T) {
	neo4jtest.URI(t) // skips, naming NEO4J_URI, without one
	calls := map[string]map[int]int64{}
	for _, scale := range []int{1, 10} {
		ds, suffix := dataset(t, scale)
		t.Run(fmt.Sprintf("scale=%d", scale), func(t *testing.T) {
			s := neo4jtest.Open(t)
			neo4jtest.Seed(t, s, ds)
			onNeo4j := &bench.Counting{Store: s}
			onMemory := &bench.Counting{Store: struct{ kg.Store }{memstore.New(ds)}}
			for _, name := range []string{"map", "partners"} {
				q, _ := bench.QueryNamed(bench.Queries(suffix), name)
				var answers [2][]byte
				for i, store := range []*bench.Counting{onNeo4j, onMemory} {
					h := graph.NewHandler(&kg.Service{Store: store}, graph.ServerConfig{Loaders: graph.LoaderConfig{Wait: 0}})
					store.Reset()
					rec := serve(h, q.Body())
					if rec.Code != http.StatusOK {
						t.Fatalf("%s: HTTP %d: %.300s", name, rec.Code, rec.Body)
					}
					if err := bench.CheckGraphQL(rec.Body.Bytes()); err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					answers[i] = rec.Body.Bytes()
				}
				if string(answers[0]) != string(answers[1]) {
					t.Errorf("%s: Neo4j and the embedded store answer differently", name)
				}
				if onNeo4j.Count() != onMemory.Count() {
					t.Errorf("%s at scale %d: %d store calls on Neo4j, %d on the embedded store", name, scale, onNeo4j.Count(), onMemory.Count())
				}
				if calls[name] == nil {
					calls[name] = map[int]int64{}
				}
				calls[name][scale] = onNeo4j.Count()
				t.Logf("%s at scale %d: %d store calls on Neo4j, %d response bytes", name, scale, onNeo4j.Count(), len(answers[0]))
			}
		})
	}
	for name, byScale := range calls {
		if len(byScale) == 2 && byScale[1] != byScale[10] {
			t.Errorf("%s: %d store calls at scale 1, %d at scale 10: they grow with the items", name, byScale[1], byScale[10])
		}
		if byScale[1] == 0 {
			t.Errorf("%s: no store call counted", name)
		}
	}
}
