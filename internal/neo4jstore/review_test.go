package neo4jstore_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
)

// The tests below prove or disprove, on a real Neo4j, what a review of the
// adapter flagged.

// TestReviewPagesKeepIDOrder: the page statements collect the matches
// after ORDER BY n.id and slice the list. Cypher documents that collect()
// keeps the order of the rows it is given; here the records are created in
// reverse id order, so that any order but the sort's shows, and every page
// of every size must be the embedded store's. (The adapter also refuses a
// page out of id order rather than return it.)
func TestReviewPagesKeepIDOrder(t *testing.T) {
	s := openNeo4j(t)
	ds := kgtest.Fixture(t)
	rev := &kg.Dataset{Nodes: slices.Clone(ds.Nodes), Edges: ds.Edges}
	slices.SortFunc(rev.Nodes, func(a, b kg.Node) int { return -cmpString(a.NodeID(), b.NodeID()) })
	seedFor(t, s, rev)
	ref := memstore.New(ds)
	for _, size := range []int{1, 2, 3, 100} {
		after := ""
		for page := 0; ; page++ {
			want, _ := ref.Organizations(t.Context(), kg.OrganizationFilter{}, kg.Page{First: size, After: after})
			got, err := s.Organizations(t.Context(), kg.OrganizationFilter{}, kg.Page{First: size, After: after})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(orgIDs(want.Items), orgIDs(got.Items)); d != "" || want.HasNext != got.HasNext || want.Total != got.Total {
				t.Fatalf("size %d page %d differs: %s", size, page, d)
			}
			if !want.HasNext {
				break
			}
			after = want.Items[len(want.Items)-1].NodeID()
		}
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func orgIDs(os []kg.Org) []string {
	var out []string
	for _, o := range os {
		out = append(out, o.NodeID())
	}
	return out
}

// TestReviewFirstZeroOrNegative: a page of 0 or fewer items. kg.Service
// refuses a negative first before any store sees it; the store itself
// must not let -1 reach rest[..$first] (every item but the last) or LIMIT
// (an error from Neo4j). Pages answer as the embedded store does; paths
// and search refuse a negative count with BAD_INPUT.
func TestReviewFirstZeroOrNegative(t *testing.T) {
	s := openNeo4j(t)
	ds := kgtest.Fixture(t)
	seedFor(t, s, ds)
	ref := memstore.New(ds)
	for _, first := range []int{0, -1} {
		want, _ := ref.Organizations(t.Context(), kg.OrganizationFilter{}, kg.Page{First: first})
		got, err := s.Organizations(t.Context(), kg.OrganizationFilter{}, kg.Page{First: first})
		if err != nil {
			t.Fatalf("Organizations first=%d: %v", first, err)
		}
		if len(got.Items) != 0 || got.HasNext != want.HasNext || got.Total != want.Total {
			t.Errorf("Organizations first=%d: %d items, hasNext %v, total %d; want none, %v, %d",
				first, len(got.Items), got.HasNext, got.Total, want.HasNext, want.Total)
		}
		wp, _ := ref.Projects(t.Context(), kg.ProjectFilter{}, kg.Page{First: first})
		gp, err := s.Projects(t.Context(), kg.ProjectFilter{}, kg.Page{First: first})
		if err != nil || len(gp.Items) != 0 || gp.HasNext != wp.HasNext || gp.Total != wp.Total {
			t.Errorf("Projects first=%d: %+v %v, want %+v", first, gp, err, wp)
		}
	}
	paths, err := s.Paths(t.Context(), kg.PathQuery{From: "org:ats-due", To: "org:uni-tre", MaxLength: 4, First: 0})
	if err != nil || len(paths) != 0 {
		t.Errorf("Paths first=0: %v %v, want none", paths, err)
	}
	if _, err := s.Paths(t.Context(), kg.PathQuery{From: "org:ats-due", To: "org:uni-tre", MaxLength: 4, First: -1}); kg.ErrorCode(err) != kg.EINVALID {
		t.Errorf("Paths first=-1: %v, want %s", err, kg.EINVALID)
	}
	if _, err := s.Search(t.Context(), kg.SearchQuery{Text: "piano", First: -1}); kg.ErrorCode(err) != kg.EINVALID {
		t.Errorf("Search first=-1: %v, want %s", err, kg.EINVALID)
	}
}

// TestReviewRelationshipsDifferingOnlyInProperties: relationships are
// MERGEd on their type and ends, so two that differ only in role or
// relation would fold into one. The seed loader refuses them (one edge of a
// type between two records, kg.Edge.Key) and so does Seed: nothing is
// written, and the graph keeps what it held.
func TestReviewRelationshipsDifferingOnlyInProperties(t *testing.T) {
	s := openNeo4j(t)
	ds := kgtest.Fixture(t)
	seedFor(t, s, ds)
	before, err := s.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var twin *kg.Edge
	for _, e := range ds.Edges {
		if e.Type == kg.RelParticipatesIn {
			c := *e
			c.Role = kg.RolePartner
			if e.Role == kg.RolePartner {
				c.Role = kg.RoleLead
			}
			twin = &c
			break
		}
	}
	if twin == nil {
		t.Fatal("the fixture has no PARTICIPATES_IN")
	}
	bad := &kg.Dataset{Nodes: ds.Nodes, Edges: append(slices.Clone(ds.Edges), twin)}
	if _, err := s.Seed(t.Context(), bad, nil); kg.ErrorCode(err) != kg.EINVALID {
		t.Errorf("seed with two %s from %s to %s: %v, want %s", twin.Type, twin.From, twin.To, err, kg.EINVALID)
	}
	if after, err := s.Stats(t.Context()); err != nil || after != before {
		t.Errorf("the refused seed changed the graph: %+v -> %+v (%v)", before, after, err)
	}
}

// TestReviewKindLabels: a node rewritten by Seed keeps no label of another
// kind (a label left by an older storage model, or by hand).
func TestReviewKindLabels(t *testing.T) {
	s := openNeo4j(t)
	ds := kgtest.Fixture(t)
	seedFor(t, s, ds)
	var org string
	for _, n := range ds.Nodes {
		if kg.KindOf(n.NodeID()) == kg.KindOrg {
			org = n.NodeID()
			break
		}
	}
	// As if an older version had stored it as a call.
	if _, err := s.RunCypherForTest(t.Context(), `MATCH (n:Entity {id: $id}) SET n:Call, n.hash = 'old'`, map[string]any{"id": org}); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Seed(t.Context(), ds, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Nodes.Updated != 1 {
		t.Errorf("seed: %+v, want the node rewritten", rep.Nodes)
	}
	rows, err := s.RunCypherForTest(t.Context(), `MATCH (n:Entity {id: $id}) RETURN labels(n) AS labels`, map[string]any{"id": org})
	if err != nil || len(rows) != 1 {
		t.Fatalf("%v %v", rows, err)
	}
	var labels []string
	for _, l := range rows[0]["labels"].([]any) {
		labels = append(labels, l.(string))
	}
	slices.Sort(labels)
	if want := []string{"Body", "Entity", "Organization"}; !slices.Equal(labels, want) {
		t.Errorf("%s has the labels %v, want %v", org, labels, want)
	}
}

// TestReviewLineageOnADenseGraph: lineage finds each record's distance
// from the origin. A statement that enumerates every path to find the
// shortest grows with the number of paths, which is exponential in a dense
// lattice; the embedded store's breadth-first search does not. Layers of
// calls, each building on every call of the next layer, make 6^9 paths of
// length 9: the answers must be the embedded store's, within a request's
// time.
func TestReviewLineageOnADenseGraph(t *testing.T) {
	s := openNeo4j(t)
	const width, layers = 6, 10
	ds := &kg.Dataset{}
	id := func(l, w int) string { return fmt.Sprintf("call:lattice-%d-%d", l, w) }
	for l := 0; l < layers; l++ {
		for w := 0; w < width; w++ {
			if l == 0 && w > 0 {
				break
			}
			ds.Nodes = append(ds.Nodes, &kg.Call{Record: kg.Record{ID: id(l, w), Confidence: kg.High}, Name: id(l, w)})
			if l == 0 {
				continue
			}
			for v := 0; v < width; v++ {
				if l == 1 && v > 0 {
					break
				}
				ds.Edges = append(ds.Edges, &kg.Edge{Type: kg.RelCapitalisesOn, From: id(l-1, v), To: id(l, w), Confidence: kg.High})
			}
		}
	}
	seedFor(t, s, ds)
	ref := memstore.New(ds)
	for _, depth := range []int{3, kg.MaxLineageDepth} {
		q := kg.LineageQuery{Of: id(0, 0), Direction: kg.Backward, MaxDepth: depth}
		want, _ := ref.Lineage(t.Context(), q)
		start := time.Now()
		got, err := s.Lineage(t.Context(), q)
		took := time.Since(start)
		if err != nil {
			t.Fatalf("depth %d after %v: %v", depth, took, err)
		}
		t.Logf("lineage to depth %d: %d links in %v", depth, len(got), took.Round(time.Millisecond))
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("depth %d differs (-embedded +neo4j):\n%s", depth, d)
		}
		if took > 10*time.Second {
			t.Errorf("depth %d took %v, more than a request may", depth, took)
		}
	}
}
