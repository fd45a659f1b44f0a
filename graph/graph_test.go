package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/famigraph/famigraph/graph"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
)

// gqlError is an error of a GraphQL response.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (e gqlError) code() string { s, _ := e.Extensions["code"].(string); return s }

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// post sends a GraphQL request to h and decodes the response.
func post(t testing.TB, h http.Handler, query string, vars map[string]any) (int, response) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r response
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, rec.Body.String())
	}
	return rec.Code, r
}

// query posts and requires no errors; it decodes data into out.
func query(t testing.TB, h http.Handler, q string, vars map[string]any, out any) {
	t.Helper()
	_, r := post(t, h, q, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatalf("decode data: %v\n%s", err, r.Data)
	}
}

// counting wraps a store and counts calls by method and query.
type counting struct {
	kg.Store
	mu    sync.Mutex
	calls map[string]int
}

func newCounting(s kg.Store) *counting { return &counting{Store: s, calls: map[string]int{}} }

func (c *counting) count(name string) {
	c.mu.Lock()
	c.calls[name]++
	c.mu.Unlock()
}

func (c *counting) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.calls {
		n += v
	}
	return n
}

func (c *counting) reset() {
	c.mu.Lock()
	c.calls = map[string]int{}
	c.mu.Unlock()
}

func (c *counting) Nodes(ctx context.Context, ids []string) ([]kg.Node, error) {
	c.count("Nodes")
	return c.Store.Nodes(ctx, ids)
}

func (c *counting) Related(ctx context.Context, q kg.NodeQuery, ids []string) ([][]kg.Node, error) {
	c.count(string(q))
	return c.Store.Related(ctx, q, ids)
}

func (c *counting) Edges(ctx context.Context, q kg.EdgeQuery, ids []string) ([][]*kg.Edge, error) {
	c.count(string(q))
	return c.Store.Edges(ctx, q, ids)
}

func (c *counting) Regions(ctx context.Context) ([]*kg.Region, error) {
	c.count("Regions")
	return c.Store.Regions(ctx)
}

func newHandler(s kg.Store, wait time.Duration) http.Handler {
	return graph.NewHandler(&kg.Service{Store: s}, graph.ServerConfig{Introspection: true, Loaders: graph.LoaderConfig{Wait: wait}})
}

// The map front-end's query: every region with its calls, plans and
// partners, in one request.
const mapQuery = `{
  regions {
    id name nutsCode centroid { lat lon }
    calls { id name }
    projects { id title call { id } participants { role organization { id name kind } } }
  }
}`

// TestRoundTripsDoNotGrowWithItems checks that each relationship field of a
// query costs at most one store call, however many items the level holds:
// the same bound on the 3-project fixture and on the real seed.
func TestRoundTripsDoNotGrowWithItems(t *testing.T) {
	// Regions; RegionCalls, RegionProjects; Nodes (call of each project,
	// organization of each participation — one loader, two levels);
	// ProjectParticipants.
	want := map[string]int{"Regions": 1, "RegionCalls": 1, "RegionProjects": 1, "ProjectParticipants": 1, "Nodes": 2}
	for _, ds := range []*kg.Dataset{kgtest.Fixture(t), kgtest.RealSeed(t)} {
		store := newCounting(memstore.New(ds))
		h := newHandler(store, 20*time.Millisecond)
		var out struct{ Regions []struct{ Projects []any } }
		query(t, h, mapQuery, nil, &out)
		projects := 0
		for _, r := range out.Regions {
			projects += len(r.Projects)
		}
		// Two levels of the same loader may share a batch when their
		// windows overlap: fewer calls, never more.
		for method, n := range store.calls {
			if n > want[method] || n < 1 {
				t.Errorf("%d regions, %d projects: store calls %v, want at most %v", len(out.Regions), projects, store.calls, want)
				break
			}
		}
	}
}

func TestErrors(t *testing.T) {
	h := newHandler(memstore.New(kgtest.Fixture(t)), 0)
	for _, c := range []struct {
		name, query string
		vars        map[string]any
		status      int
		code        string
		message     string // a substring of the message
	}{
		{"parse error", `{ regions { id `, nil, 422, "GRAPHQL_PARSE_FAILED", "Expected Name"},
		{"unknown field", `{ regions { colour } }`, nil, 422, "GRAPHQL_VALIDATION_FAILED", `Cannot query field "colour"`},
		{"malformed id", `{ node(id: "marche") { id } }`, nil, 200, "BAD_INPUT", `id "marche" is not of the form <kind>:<slug>`},
		{"id of another kind", `{ call(id: "region:alpha") { id } }`, nil, 200, "BAD_INPUT", `id "region:alpha" is not a call id`},
		{"unknown lineage origin", `{ lineage(of: "call:nope") { depth } }`, nil, 200, "NOT_FOUND", "no record has id call:nope"},
		{"lineage of a region", `{ lineage(of: "region:alpha") { depth } }`, nil, 200, "BAD_INPUT", "is not a call or project id"},
		{"path too long", `{ paths(from: "region:alpha", to: "region:beta", maxLength: 7) { length } }`, nil, 200, "BAD_INPUT", "maxLength must be between 1 and 6"},
		{"unknown path end", `{ paths(from: "region:alpha", to: "org:nope") { length } }`, nil, 200, "NOT_FOUND", "no record has id org:nope"},
		{"unknown relation", `{ paths(from: "region:alpha", to: "region:beta", relations: ["LIKES"]) { length } }`, nil, 200, "BAD_INPUT", `unknown relation "LIKES"`},
		{"empty search", `{ search(text: "  ?! ") { score } }`, nil, 200, "BAD_INPUT", "search text has no words"},
		{"search too many hits", `{ search(text: "piano", first: 1000) { score } }`, nil, 200, "BAD_INPUT", "first must be between 1 and 100"},
		{"bad enum in a variable", `query($k: OrganizationKind!) { organizations(filter: {kinds: [$k]}) { totalCount } }`,
			map[string]any{"k": "CHURCH"}, 422, "GRAPHQL_VALIDATION_FAILED", "CHURCH"},
		{"bad cursor", `{ projects(after: "%%%") { totalCount } }`, nil, 200, "BAD_INPUT", "after is not a valid cursor"},
		{"page too large", `{ projects(first: 501) { totalCount } }`, nil, 200, "BAD_INPUT", "first must be between 0 and 500"},
		{"roles without organizations", `{ projects(filter: {roles: [LEAD]}) { totalCount } }`, nil, 200, "BAD_INPUT", "roles filters the participation of organizationIds"},
		{"filter id of another kind", `{ organizations(filter: {callIds: ["region:alpha"]}) { totalCount } }`, nil, 200, "BAD_INPUT", `callIds: id "region:alpha" is not a call id`},
		{"too many nodes", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": manyIDs(101)}, 200, "BAD_INPUT", "nodes takes at most 100 ids"},
		{"region of unknown NUTS", `{ region(nutsCode: "ITZ9") { id } }`, nil, 200, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, r := post(t, h, c.query, c.vars)
			if status != c.status {
				t.Errorf("status %d, want %d", status, c.status)
			}
			if c.code == "" {
				if len(r.Errors) > 0 {
					t.Errorf("errors %+v, want none", r.Errors)
				}
				return
			}
			if len(r.Errors) != 1 {
				t.Fatalf("errors %+v, want one", r.Errors)
			}
			if e := r.Errors[0]; e.code() != c.code || !strings.Contains(e.Message, c.message) {
				t.Errorf("error %q (code %s), want code %s and message containing %q", e.Message, e.code(), c.code, c.message)
			}
		})
	}
}

func manyIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("project:p-%d", i)
	}
	return ids
}

// failing is a store whose every call fails with err, or panics.
type failing struct {
	kg.Store
	err   error
	panic bool
}

func (f *failing) Related(ctx context.Context, q kg.NodeQuery, ids []string) ([][]kg.Node, error) {
	if f.panic {
		panic("boom: neo4j driver state at 0xc000123")
	}
	return nil, f.err
}

// Regions is called by a resolver directly, not through a loader.
func (f *failing) Regions(ctx context.Context) ([]*kg.Region, error) {
	if f.panic {
		panic("boom: neo4j driver state at 0xc000123")
	}
	return nil, f.err
}

func TestStoreFailures(t *testing.T) {
	base := memstore.New(kgtest.Fixture(t))
	for _, c := range []struct {
		name    string
		store   kg.Store
		code    string
		message string
	}{
		{"unavailable", &failing{Store: base, err: fmt.Errorf("load: %w", kg.Errorf(kg.EUNAVAILABLE, "the graph database is unavailable"))},
			"UNAVAILABLE", "the graph database is unavailable"},
		{"timeout", &failing{Store: base, err: fmt.Errorf("load: %w", context.DeadlineExceeded)}, "TIMEOUT", "the request took too long"},
		{"driver error", &failing{Store: base, err: errors.New("Neo.ClientError.Statement.SyntaxError: MATCH (n) RETURN x")},
			"INTERNAL", "internal error"},
		{"panic", &failing{Store: base, panic: true}, "INTERNAL", "internal error"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHandler(c.store, 0)
			check := func(query, wantData string) {
				t.Helper()
				status, r := post(t, h, query, nil)
				if status != 200 || len(r.Errors) != 1 {
					t.Fatalf("status %d, errors %+v, want one", status, r.Errors)
				}
				if e := r.Errors[0]; e.code() != c.code || e.Message != c.message {
					t.Errorf("error %q (code %s), want %q (code %s)", e.Message, e.code(), c.message, c.code)
				}
				if string(r.Data) != wantData {
					t.Errorf("data = %s, want %s", r.Data, wantData)
				}
			}
			// A failing loader: region(nutsCode) is nullable, so only it is
			// lost and calls is served.
			check(`{ calls { id } region(nutsCode: "ITZ1") { id calls { id } } }`,
				`{"calls":[{"id":"call:old"},{"id":"call:new"}],"region":null}`)
			// A failing direct call in a non-null root field nulls data.
			check(`{ regions { id } }`, `null`)
		})
	}
}
