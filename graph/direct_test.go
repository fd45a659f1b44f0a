package graph_test

import (
	"bytes"
	"sync"
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
)

// remote hides that the store it wraps is local: requests over it fetch
// their relationships through the prefetcher, in batches, as they do over
// Neo4j.
type remote struct{ kg.Store }

// TestReadInPlaceAnswersAsPrefetched asks the parity corpus of the
// embedded store twice: read in place (kg.Reader, how serve runs it) and
// fetched in batches by the prefetcher (the path of a remote store). The
// answers must be byte for byte the same, errors included.
func TestReadInPlaceAnswersAsPrefetched(t *testing.T) {
	ds := kgtest.RealSeed(t)
	store := memstore.New(ds)
	if kg.ReaderOf(store) == nil || kg.ReaderOf(remote{store}) != nil {
		t.Fatal("the embedded store must be read in place, the wrapped one through the prefetcher")
	}
	direct, prefetched := newHandler(store, 0), newHandler(remote{store}, 0)
	cases := append(parityCorpus(t),
		parityCase{name: "map", query: mapQuery},
		parityCase{name: "arguments", query: `{ regions { projects(callIds: ["call:fami-2018-pri"]) { id } organizations(kind: MUNICIPALITY) { id } } }`},
		parityCase{name: "participant counts", query: `{ calls { projects { participantCounts { role count } } } }`},
		parityCase{name: "six levels", query: `{ calls { projects { participants { organization { participations { project { lead { name } } } } } } } }`},
		parityCase{name: "fragments and interfaces", query: `{ regions { organizations { ... on Body { places { id } participations { role } } ...R } } }
		  fragment R on Organization { involvements { target { id } } }`},
		parityCase{name: "facts' entities", query: `{ regions { initiatives { facts { entity { id } } } } }`},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { sameAnswer(t, direct, prefetched, c.query, c.vars) })
	}
}

// TestConcurrentOperationsKeepTheirAnswers: operations executed at once,
// each carving its field contexts and field sets from slabs that earlier
// operations gave back (execState.release), answer what each answers
// alone. Under -race, a slab given back while its operation still read it
// is reported as a race too.
func TestConcurrentOperationsKeepTheirAnswers(t *testing.T) {
	h := newHandler(memstore.New(kgtest.RealSeed(t)), 0)
	cases := append(parityCorpus(t), parityCase{name: "map", query: mapQuery})
	want := make([][]byte, len(cases))
	for i, c := range cases {
		_, want[i] = rawPost(h, c.query, c.vars)
	}
	const workers = 4
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for k := range len(cases) {
				i := (k*7 + w*31) % len(cases) // each worker in its own order
				if _, got := rawPost(h, cases[i].query, cases[i].vars); !bytes.Equal(got, want[i]) {
					t.Errorf("%s, asked with others at once: answered\n%.300s\nalone:\n%.300s", cases[i].name, got, want[i])
				}
			}
		})
	}
	wg.Wait()
}
