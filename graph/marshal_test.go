package graph_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/famigraph/famigraph/graph"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
)

// TestFactEntitiesArePrefetched checks what the sequential executor relies
// on, on the field that was the last to load through a loader: the ENTITY
// facts of the real seed's initiatives, in several regions, get their
// entity from the prefetcher, not from the record loader, whose long window
// here would be waited once per fact (the executor resolves the lists above
// them one element after the other).
func TestFactEntitiesArePrefetched(t *testing.T) {
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
	// The prefetcher reads a level's records in one call; a loader would
	// have made one call per fact, each after the window.
	if store.calls["Nodes"] > 1 {
		t.Errorf("%d store calls for %d records: the facts' entities were loaded one at a time", store.calls["Nodes"], len(entities))
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
