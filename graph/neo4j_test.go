package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/famigraph/famigraph/internal/bench"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
	"github.com/famigraph/famigraph/internal/neo4jtest"
)

// The GraphQL parity suite: the same requests through the API served from
// the embedded store and from a real Neo4j holding the same seed must get
// byte-identical responses (data, order, nulls, errors and their codes).
// The contract tests take part too: with NEO4J_URI set, seedHandler asks
// each of their questions of both stores (see parityHandler).

// rawPost sends a GraphQL request and returns the status and the body.
func rawPost(h http.Handler, query string, vars map[string]any) (int, []byte) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// sameAnswer requires identical responses from the two handlers.
func sameAnswer(t testing.TB, embedded, neo4j http.Handler, query string, vars map[string]any) {
	t.Helper()
	wc, wb := rawPost(embedded, query, vars)
	gc, gb := rawPost(neo4j, query, vars)
	if wc == gc && bytes.Equal(wb, gb) {
		return
	}
	var w, g any
	_ = json.Unmarshal(wb, &w)
	_ = json.Unmarshal(gb, &g)
	t.Errorf("the stores answer differently (-embedded +neo4j):\nquery: %s\nvariables: %v\nstatus: %d vs %d\n%s",
		query, vars, wc, gc, cmp.Diff(w, g))
}

// parityHandler returns a handler over the embedded store holding ds and,
// when NEO4J_URI is set, one over Neo4j holding ds too (nil otherwise).
func parityHandler(t *testing.T, ds *kg.Dataset) (embedded, neo4j http.Handler) {
	t.Helper()
	embedded = newHandler(memstore.New(ds), 0)
	if os.Getenv(neo4jtest.EnvURI) == "" {
		return embedded, nil
	}
	s := neo4jtest.Open(t)
	neo4jtest.Seed(t, s, ds)
	return embedded, newHandler(s, 2*time.Millisecond)
}

// parityCase is one request of the corpus.
type parityCase struct {
	name  string
	query string
	vars  map[string]any
}

// readmeExamples returns every ```graphql block of the README and docs/.
func readmeExamples(t *testing.T) []parityCase {
	t.Helper()
	files, err := filepath.Glob("../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	files = append([]string{"../README.md"}, files...)
	block := regexp.MustCompile("(?s)```graphql\n(.*?)```")
	var out []parityCase
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range block.FindAllSubmatch(b, -1) {
			out = append(out, parityCase{name: fmt.Sprintf("%s#%d", filepath.Base(f), i+1), query: string(m[1])})
		}
	}
	if len(out) < 3 {
		t.Fatalf("found %d GraphQL examples in the README and docs, want at least the README's 3", len(out))
	}
	return out
}

// parityCorpus is what the parity suite asks besides the contract tests:
// the README's examples, the benchmarks' core queries, and pages, filters,
// search, paths, lineage and errors.
func parityCorpus(t *testing.T) []parityCase {
	cases := readmeExamples(t)
	for _, q := range bench.Queries("") {
		cases = append(cases, parityCase{name: "bench/" + q.Name, query: q.Text})
	}
	org := `{ id name kind region { id } }`
	add := func(name, query string, vars map[string]any) {
		cases = append(cases, parityCase{name: name, query: query, vars: vars})
	}
	add("stats", `{ stats { nodes relationships } }`, nil)
	add("nodes", `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Project { title lead { id } } ... on Region { nutsCode } } }`,
		map[string]any{"ids": []string{"region:marche", "project:does-not-exist", "project:primm-2023", "call:impact"}})
	add("region", `{ region(nutsCode: "ITI3") { id name capital centroid { lat lon } calls { id } projects { id } } }`, nil)
	add("calls", `{ calls { id name code adoptedOn fund { id } amendments { id date } projects { id } } funds { id name } }`, nil)
	for _, first := range []int{1, 7, 50, 100} {
		for i, filter := range []string{
			`{}`, `{kinds: [MUNICIPALITY, SCHOOL]}`, `{roles: [LEAD]}`, `{roles: [PARTNER, ADHERENT]}`,
			`{callIds: ["call:impact"]}`, `{callIds: ["call:impact"], roles: [PARTNER]}`, `{regionIds: ["region:marche"]}`,
		} {
			if first == 1 && i > 0 {
				continue // page by page: the unfiltered list is enough
			}
			add(fmt.Sprintf("organizations/%s/%d", filter, first),
				`query($first: Int, $after: String) { organizations(filter: `+filter+`, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes `+org+` } }`, map[string]any{"first": first})
		}
		for i, filter := range []string{`{}`, `{callIds: ["call:impact"]}`, `{regionIds: ["region:lazio"]}`,
			`{organizationIds: ["region:marche"], roles: [LEAD]}`} {
			if first == 1 && i > 0 {
				continue
			}
			add(fmt.Sprintf("projects/%s/%d", filter, first),
				`query($first: Int, $after: String) { projects(filter: `+filter+`, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { id title call { id } region { id } } } }`, map[string]any{"first": first})
		}
	}
	for _, text := range []string{"comune", "hotel house", "Università", "universita pian", "impact", "marche", "co", "2023", "prima"} {
		add("search/"+text, `query($text: String!) { search(text: $text, first: 100) { score node { id } } }`, map[string]any{"text": text})
		add("search-kinds/"+text, `query($text: String!) { search(text: $text, first: 5, kinds: [PROJECT, CALL]) { score node { id } } }`, map[string]any{"text": text})
	}
	add("paths/max", `{ paths(from: "org:comune-porto-recanati", to: "call:impact", maxLength: 6, first: 100) { length relations nodes { id } } }`, nil)
	add("paths/same", `{ paths(from: "call:impact", to: "call:impact") { length nodes { id } } }`, nil)
	add("paths/none", `{ paths(from: "call:impact", to: "project:does-not-exist") { length } }`, nil)
	add("lineage/forward", `{ lineage(of: "call:impact", direction: FORWARD, maxDepth: 10) { depth relation from { id } to { id } } }`, nil)
	add("lineage/project", `{ lineage(of: "project:primm-2023", maxDepth: 10) { depth relation from { id } to { id } } }`, nil)
	add("network/region", `{ partnershipNetwork(regionIds: ["region:marche"]) { nodes { organization { id } degree betweenness } edges { source target weight } } }`, nil)
	// Errors: the same codes, messages and paths from both stores.
	for name, q := range map[string]string{
		"error/lineage-not-found": `{ lineage(of: "call:does-not-exist") { depth } }`,
		"error/bad-id":            `{ node(id: "not an id") { id } }`,
		"error/first-0":           `{ organizations(first: 0) { totalCount } }`,
		"error/first-negative":    `{ projects(first: -1) { totalCount } }`,
		"error/first-too-big":     `{ search(text: "comune", first: 101) { score } }`,
		"error/search-empty":      `{ search(text: "  ") { score } }`,
		"error/bad-cursor":        `{ organizations(after: "!!") { totalCount } }`,
		"error/path-too-long":     `{ paths(from: "call:impact", to: "call:prima", maxLength: 7) { length } }`,
		"error/lineage-too-deep":  `{ lineage(of: "call:impact", maxDepth: 11) { depth } }`,
		"error/unknown-relation":  `{ paths(from: "call:impact", to: "call:prima", relations: ["NOPE"]) { length } }`,
		"error/validation":        `{ nope }`,
		"error/parse":             `{ node(`,
	} {
		add(name, q, nil)
	}
	return cases
}

// TestNeo4jParity asks the whole corpus of both stores, walking every page
// of the paginated lists with the cursors the embedded store returns.
func TestNeo4jParity(t *testing.T) {
	ds := kgtest.RealSeed(t)
	neo4jtest.URI(t)
	embedded, neo4j := parityHandler(t, ds)
	for _, c := range parityCorpus(t) {
		t.Run(c.name, func(t *testing.T) {
			sameAnswer(t, embedded, neo4j, c.query, c.vars)
			if _, ok := c.vars["first"]; !ok {
				return
			}
			vars := map[string]any{"first": c.vars["first"]}
			for page := 0; page < 1000; page++ {
				_, body := rawPost(embedded, c.query, vars)
				var r struct {
					Data map[string]struct {
						PageInfo struct {
							HasNextPage bool
							EndCursor   string
						}
					}
				}
				if err := json.Unmarshal(body, &r); err != nil {
					t.Fatal(err)
				}
				var next string
				for _, conn := range r.Data {
					if conn.PageInfo.HasNextPage {
						next = conn.PageInfo.EndCursor
					}
				}
				if next == "" {
					return
				}
				vars = map[string]any{"first": c.vars["first"], "after": next}
				sameAnswer(t, embedded, neo4j, c.query, vars)
			}
			t.Fatal("more than 1000 pages")
		})
	}
}
