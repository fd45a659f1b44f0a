package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

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

func (c *counting) Related(ctx context.Context, q kg.NodeQuery, ids []string, w kg.Where) ([][]kg.Node, error) {
	c.count(string(q))
	return c.Store.Related(ctx, q, ids, w)
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

// scaled returns the fixture, the real seed and a synthetic network ten
// times the real one.
func scaled(t *testing.T) map[string]*kg.Dataset {
	t.Helper()
	return map[string]*kg.Dataset{"fixture": kgtest.Fixture(t), "seed": kgtest.RealSeed(t), "x10": kgtest.Scaled(t, 10)}
}

// TestRoundTripsDoNotGrowWithItems checks that a query costs at most one
// store call per traversal and one call for referenced records at each depth
// of its selection, whatever the number of items and of the lists they sit
// in: ten times the real seed costs exactly what the real seed costs, the
// small fixture no more. The loaders get no batching window, so nothing
// depends on timing.
func TestRoundTripsDoNotGrowWithItems(t *testing.T) {
	for _, c := range []struct {
		name, query string
		want        map[string]int
		// some says the synthetic network may not need every call (it
		// generates no groups): its counts are bounded, not exact.
		some bool
	}{
		// Regions; their calls and projects; the projects' participants;
		// then the participating bodies (calls and regions are known).
		{"map", mapQuery, map[string]int{"Regions": 1, "RegionCalls": 1, "RegionProjects": 1, "ProjectParticipants": 1, "Nodes": 1}, false},
		// Calls' projects, their participants, the bodies, the bodies'
		// participations (regions and bodies in one call); their projects
		// and leads are known by then: every project is some call's, every
		// lead a participant.
		{"six levels", `{ calls { projects { participants { organization { participations { project { lead { name } } } } } } } }`,
			map[string]int{"CallProjects": 1, "ProjectParticipants": 1, "Nodes": 1, "OrgParticipations": 1}, false},
		// Counting participants reads the bodies and the members of groups
		// of declared size, each once for all projects.
		{"participant counts", `{ calls { projects { participantCounts { role count } } } }`,
			map[string]int{"CallProjects": 1, "ProjectParticipants": 1, "Nodes": 1, "GroupMembers": 1}, true},
		// Arguments reach the store: one filtered call for every region.
		{"arguments", `{ regions { projects(callIds: ["call:fami-2018-pri"]) { id } organizations(kind: MUNICIPALITY) { id } } }`,
			map[string]int{"Regions": 1, "RegionProjects": 1, "RegionBodies": 1}, false},
		{"fragments and interfaces", `{ regions { organizations { ... on Body { places { id } participations { role } } ...R } } }
		  fragment R on Organization { involvements { target { id } } }`,
			map[string]int{"Regions": 1, "RegionBodies": 1, "OrgPlaces": 1, "OrgParticipations": 1, "OrgInvolvements": 1, "Nodes": 1}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			calls := map[string]map[string]int{}
			for name, ds := range scaled(t) {
				store := newCounting(memstore.New(ds))
				h := graph.NewHandler(&kg.Service{Store: store}, graph.ServerConfig{Limits: graph.Limits{MaxCost: 1 << 30}})
				var out map[string]any
				query(t, h, c.query, nil, &out)
				calls[name] = store.calls
				for k, n := range store.calls {
					if n > c.want[k] {
						t.Errorf("%s: store calls %v, want at most %v", name, store.calls, c.want)
						break
					}
				}
			}
			if fmt.Sprint(calls["seed"]) != fmt.Sprint(c.want) || (!c.some && fmt.Sprint(calls["x10"]) != fmt.Sprint(c.want)) {
				t.Errorf("store calls: seed %v, ten times the seed %v; want %v for both", calls["seed"], calls["x10"], c.want)
			}
		})
	}
}

// TestCatalogue checks kg.Catalogue against the schema both ways: every
// field that leads to records is a row's (or holds its children itself, or
// is computed from the record), and every row's field exists, so that no
// field falls back to loading per item and no row is dead.
func TestCatalogue(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}).Schema()
	rows, held := graph.PrefetchedFields()
	// Fields computed from the record or once per request, not loaded
	// through a relationship: a region's region is itself; Region.summary
	// is computed once per request for every region.
	computed := map[string]bool{"Region.region": true, "Region.summary": true}
	for name, def := range schema.Types {
		if def.Kind != ast.Object || strings.HasPrefix(name, "__") || name == "Query" {
			continue
		}
		for _, f := range def.Fields {
			target := schema.Types[f.Type.Name()]
			if target == nil || (target.Kind != ast.Object && target.Kind != ast.Interface) {
				continue
			}
			key := name + "." + f.Name
			if rows[key] || held[key] || held["*."+f.Name] || computed[key] {
				continue
			}
			// Values the record holds that lead to no record.
			if target.Kind == ast.Object && !leadsToRecords(schema, target.Name, map[string]bool{}) {
				continue
			}
			t.Errorf("%s leads to records but has no row in kg.Catalogue", key)
		}
	}
	for key := range rows {
		typ, field, _ := strings.Cut(key, ".")
		def := schema.Types[typ]
		if def == nil || def.Fields.ForName(field) == nil {
			t.Errorf("kg.Catalogue has a row for %s, which the schema does not have", key)
			continue
		}
		// A list field is priced by its row's estimate; a field of one
		// record has none.
		if list, size := def.Fields.ForName(field).Type.Elem != nil, kg.RelOf(key).ListSize; list != (size > 0) {
			t.Errorf("%s: list %v, but its row's list size is %d", key, list, size)
		}
	}
	for key := range held {
		typ, field, _ := strings.Cut(key, ".")
		if def := schema.Types[typ]; typ != "*" && (def == nil || def.Fields.ForName(field) == nil) {
			t.Errorf("the prefetcher passes through %s, which the schema does not have", key)
		}
	}
}

// leadsToRecords reports whether a value of the object type can reach a
// record (a type implementing Node) through its fields.
func leadsToRecords(schema *ast.Schema, typ string, seen map[string]bool) bool {
	if seen[typ] {
		return false
	}
	seen[typ] = true
	def := schema.Types[typ]
	if def == nil {
		return false
	}
	if def.Kind == ast.Interface || slices.Contains(def.Interfaces, "Node") {
		return true
	}
	for _, f := range def.Fields {
		if t := schema.Types[f.Type.Name()]; t != nil && (t.Kind == ast.Object || t.Kind == ast.Interface) &&
			leadsToRecords(schema, t.Name, seen) {
			return true
		}
	}
	return false
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

func (f *failing) Related(ctx context.Context, q kg.NodeQuery, ids []string, w kg.Where) ([][]kg.Node, error) {
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

// TestStoreMisaligned: a store that answers a traversal with other than one
// result per parent is an internal error, not an empty list for each.
func TestStoreMisaligned(t *testing.T) {
	// With neither err nor panic, failing's Related returns no results.
	h := newHandler(&failing{Store: memstore.New(kgtest.Fixture(t))}, 0)
	status, r := post(t, h, `{ region(nutsCode: "ITZ1") { id calls { id } } }`, nil)
	if status != 200 || len(r.Errors) != 1 || r.Errors[0].code() != "INTERNAL" || string(r.Data) != `{"region":null}` {
		t.Fatalf("status %d, data %s, errors %+v; want one INTERNAL error and a null region", status, r.Data, r.Errors)
	}
}
