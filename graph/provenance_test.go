package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/famigraph/famigraph/graph"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
)

// provenanceSpy records, for each read, whether its context lets the
// store leave the provenance out.
type provenanceSpy struct {
	kg.Store
	mu      sync.Mutex
	omitted []bool
}

func (s *provenanceSpy) saw(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.omitted = append(s.omitted, kg.ProvenanceOmitted(ctx))
}

func (s *provenanceSpy) Regions(ctx context.Context) ([]*kg.Region, error) {
	s.saw(ctx)
	return s.Store.Regions(ctx)
}

func (s *provenanceSpy) Nodes(ctx context.Context, ids []string) ([]kg.Node, error) {
	s.saw(ctx)
	return s.Store.Nodes(ctx, ids)
}

func (s *provenanceSpy) Related(ctx context.Context, q kg.NodeQuery, ids []string, w kg.Where) ([][]kg.Node, error) {
	s.saw(ctx)
	return s.Store.Related(ctx, q, ids, w)
}

func (s *provenanceSpy) Edges(ctx context.Context, q kg.EdgeQuery, ids []string) ([][]*kg.Edge, error) {
	s.saw(ctx)
	return s.Store.Edges(ctx, q, ids)
}

// TestProvenanceLeftOutWhenNotAsked: a request that asks for no sources,
// facts or discrepancies lets every read leave them out; one that asks for
// any, anywhere in its document, reads them whole.
func TestProvenanceLeftOutWhenNotAsked(t *testing.T) {
	for _, c := range []struct {
		name, query, operation string
		omitted                bool
	}{
		{"map query", mapQuery, "", true},
		{"sources", `{ regions { id projects { id sources { title } } } }`, "", false},
		{"alias", `{ regions { id calls { id s: facts { key } } } }`, "", false},
		{"discrepancies", `{ regions { id discrepancies { field } } }`, "", false},
		{"fragment", `{ regions { ...R } } fragment R on Region { id projects { participants { sources { title } } } }`, "", false},
		{"inline fragment", `{ regions { projects { participants { organization { ... on Body { facts { key } } } } } } }`, "", false},
		{"other operation", `query A { regions { id } } query B { regions { sources { title } } }`, "A", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			spy := &provenanceSpy{Store: memstore.New(kgtest.Fixture(t))}
			h := newHandler(spy, 0)
			body, _ := json.Marshal(map[string]any{"query": c.query, "operationName": c.operation})
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if len(spy.omitted) == 0 {
				t.Fatal("no reads")
			}
			if slices.Contains(spy.omitted, !c.omitted) {
				t.Errorf("reads leaving the provenance out: %v, want all %v", spy.omitted, c.omitted)
			}
		})
	}
}

// TestProvenanceFieldsNamed: every field that shows a source, fact or
// discrepancy is named as selectsProvenance expects, so that no field shows
// provenance a read left out.
func TestProvenanceFieldsNamed(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}).Schema()
	named := map[string]bool{"sources": true, "facts": true, "discrepancies": true}
	for _, def := range schema.Types {
		for _, f := range def.Fields {
			switch f.Type.Name() {
			case "Source", "Fact", "Discrepancy":
				if !named[f.Name] {
					t.Errorf("%s.%s shows provenance under another name", def.Name, f.Name)
				}
			}
		}
	}
}
