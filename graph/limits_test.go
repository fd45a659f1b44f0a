package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
)

// The README's example queries, which must stay within the default limits
// (their estimated costs: map about 27,000, researchers 36,000, evaluators
// 2,400).
var readmeQueries = map[string]string{
	"map": mapQuery,
	"researchers": `{
  partnershipNetwork(callIds: ["call:impact"]) {
    nodes { organization { id name kind } degree betweenness }
    edges { source target weight projects { id title } }
  }
  paths(from: "org:comune-porto-recanati", to: "org:ats-19-marche", relations: ["PARTICIPATES_IN"]) {
    length relations nodes { id ... on Project { title } }
  }
  organizations(filter: {kinds: [UNIVERSITY], callIds: ["call:impact"]}, first: 20) {
    totalCount nodes { id name region { name } }
  }
}`,
	"evaluators": `{
  lineage(of: "call:avviso-1-2023") {
    depth relation from { id } to { id ... on Call { name } }
    sources { title url quote confidence }
  }
  project(id: "project:primm-2023") {
    title lead { name }
    capitalisesOn { id title call { name } }
    places { name municipality { name } }
  }
  call(id: "call:prima") {
    amendments { date decree newEndDate budgetIncrease
      adherents { organization { name } extension budgetIncrease } }
    discrepancies { field recorded stated note }
  }
}`,
}

func TestLimits(t *testing.T) {
	h := newHandler(memstore.New(kgtest.RealSeed(t)), 0)
	for name, q := range readmeQueries {
		_, r := post(t, h, q, nil)
		if len(r.Errors) > 0 {
			t.Errorf("README %s query: %+v", name, r.Errors)
		}
	}
	deep := "{ regions { projects { participants { organization { participations { project { participants { organization { participations { project { id } } } } } } } } } } }"
	aliases := "{ " + repeat(31, func(i int) string { return fmt.Sprintf("a%d: regions { id }", i) }) + " }"
	roots := "{ " + repeat(16, func(i int) string { return fmt.Sprintf("r%d: stats { nodes }", i) }) + " }"
	costly := `{ organizations(first: 500) { nodes { participations { project { participants { organization { name } } } } } } }`
	for _, c := range []struct {
		name, query, code, key string
		measured, limit        int
	}{
		{"too deep", deep, "DEPTH_LIMIT_EXCEEDED", "depth", 11, 10},
		{"alias flood", aliases, "ALIAS_LIMIT_EXCEEDED", "aliases", 31, 30},
		{"too many root fields", roots, "ROOT_FIELD_LIMIT_EXCEEDED", "rootFields", 16, 15},
		{"too costly", costly, "COMPLEXITY_LIMIT_EXCEEDED", "cost", 0, 100000},
	} {
		t.Run(c.name, func(t *testing.T) {
			// gqlgen answers a refused document 422, like a validation
			// failure; the HTTP edge turns it into 200 or 400.
			status, r := post(t, h, c.query, nil)
			if status != 422 || len(r.Errors) != 1 || r.Data != nil && string(r.Data) != "null" {
				t.Fatalf("status %d, data %s, errors %+v", status, r.Data, r.Errors)
			}
			e := r.Errors[0]
			got, _ := e.Extensions[c.key].(float64)
			limit, _ := e.Extensions["limit"].(float64)
			if e.code() != c.code || int(limit) != c.limit || (c.measured > 0 && int(got) != c.measured) || int(got) <= c.limit {
				t.Errorf("error %q %v, want code %s with %s %d over %d", e.Message, e.Extensions, c.code, c.key, c.measured, c.limit)
			}
		})
	}
}

func repeat(n int, f func(int) string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = f(i)
	}
	return strings.Join(parts, " ")
}
