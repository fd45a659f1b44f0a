package graph_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/famigraph/famigraph/graph"
	"github.com/famigraph/famigraph/graph/internal/batched"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
)

// TestBatchedFieldsAreNamed requires every field that still loads through
// a loader's time window — it resolves through the store and the
// prefetcher does not fetch it — to be in batched.Fields, so that the
// executor resolves it concurrently (graph/marshal.go), and every name there
// to be a field of the schema. When the prefetcher serves a field, remove
// it from batched.Fields.
func TestBatchedFieldsAreNamed(t *testing.T) {
	es := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}})
	named := map[string]bool{}
	for _, f := range batched.Fields {
		named[f] = true
		typ, field, _ := strings.Cut(f, ".")
		if def := es.Schema().Types[typ]; def == nil || def.Fields.ForName(field) == nil {
			t.Errorf("batched.Fields names %s, which the schema does not have", f)
		}
	}
	// As TestCatalogue: fields served by the prefetcher (kg.Catalogue's
	// rows), held by their parents, or computed once per request.
	rows, held := graph.PrefetchedFields()
	computed := map[string]bool{"Region.region": true, "Region.summary": true}
	for name, def := range es.Schema().Types {
		if def.Kind != ast.Object || strings.HasPrefix(name, "__") || name == "Query" {
			continue
		}
		for _, f := range def.Fields {
			target := es.Schema().Types[f.Type.Name()]
			if target == nil || (target.Kind != ast.Object && target.Kind != ast.Interface) {
				continue
			}
			key := name + "." + f.Name
			if rows[key] || held[key] || held["*."+f.Name] || computed[key] {
				continue
			}
			if target.Kind == ast.Object && !leadsToRecords(es.Schema(), target.Name, map[string]bool{}) {
				continue // values the record holds that lead to no record
			}
			if !named[key] {
				t.Errorf("%s loads through a loader but is not in batched.Fields: the executor would wait its window once per item", key)
			}
		}
	}
}

// TestBatchedFieldBatchesAcrossLists checks the executor's concurrency where
// it matters: the ENTITY facts of the real seed's initiatives, in several
// regions, resolve their entity through a loader with a long window. Were
// the lists above them (regions, initiatives, facts) resolved one element
// after the other, each entity would wait the window alone and cost a store
// call of its own; resolved concurrently, they share calls.
func TestBatchedFieldBatchesAcrossLists(t *testing.T) {
	store := newCounting(memstore.New(kgtest.RealSeed(t)))
	h := graph.NewHandler(&kg.Service{Store: store}, graph.ServerConfig{Loaders: graph.LoaderConfig{Wait: 300 * time.Millisecond}})
	var out struct {
		Regions []struct {
			Initiatives []struct {
				Facts []struct {
					Entity *struct{ ID string }
				}
			}
		}
	}
	query(t, h, `{ regions { initiatives { facts { entity { id } } } } }`, nil, &out)
	entities := map[string]bool{} // a loader asks the store once for an id
	for _, r := range out.Regions {
		for _, i := range r.Initiatives {
			for _, f := range i.Facts {
				if f.Entity != nil {
					entities[f.Entity.ID] = true
				}
			}
		}
	}
	if len(entities) < 2 {
		t.Fatalf("%d records named by ENTITY facts, want the real seed's (at least 2)", len(entities))
	}
	// One call when the window catches every entity; one element late
	// under load makes two. One after the other, every record the
	// prefetcher did not see costs a call (3 of the 4 here).
	if 2*store.calls["Nodes"] > len(entities) {
		t.Errorf("%d store calls for %d records: the facts' entities were loaded one after the other", store.calls["Nodes"], len(entities))
	}
}

// TestDeferredFragmentIsAnsweredInline: the executor resolves a deferred
// fragment of a sequential object with the rest of the object (the GraphQL
// spec lets a server ignore @defer). gqlgen's concurrent executor deferred
// it to an incremental payload, which famigraph's transports (one JSON
// response) never sent: the fields were null.
func TestDeferredFragmentIsAnsweredInline(t *testing.T) {
	h := newHandler(memstore.New(kgtest.Fixture(t)), 0)
	var out struct {
		Regions []struct {
			ID    string
			Calls []struct{ ID string }
		}
	}
	query(t, h, `{ regions { id ... @defer { calls { id } } } }`, nil, &out)
	n := 0
	for _, r := range out.Regions {
		n += len(r.Calls)
	}
	if len(out.Regions) == 0 || n == 0 {
		t.Errorf("deferred calls not answered: %+v", out)
	}
}

// TestExecutorKeepsErrorsAndNulls: an error inside a list is reported
// with the element's path, and the other elements are answered.
func TestExecutorKeepsErrorsAndNulls(t *testing.T) {
	h := newHandler(memstore.New(kgtest.Fixture(t)), 0)
	_, r := post(t, h, `{ nodes(ids: ["region:alpha", "call:nope"]) { id } a: node(id: "region:alpha") { id ... on Region { calls { id name } } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	var data struct {
		Nodes []*struct{ ID string }
		A     struct {
			ID    string
			Calls []struct{ ID, Name string }
		}
	}
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatal(err)
	}
	if len(data.Nodes) != 2 || data.Nodes[0] == nil || data.Nodes[0].ID != "region:alpha" || data.Nodes[1] != nil {
		t.Errorf("nodes: %s", r.Data)
	}
	_, r = post(t, h, `{ regions { id } lineage(of: "call:nope") { depth } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].code() != graph.CodeNotFound || len(r.Errors[0].Path) != 1 || r.Errors[0].Path[0] != "lineage" {
		t.Errorf("errors: %+v", r.Errors)
	}
}
