package kg

import (
	"slices"
	"testing"
)

// TestCatalogueRows checks that every row is well formed: one way of
// finding its records, sort keys of its kind that end on an id, a list size
// for a list, arguments that set a known filter, and one row per query. The
// schema side (every relationship field has a row, every row a field) is
// TestCatalogue in graph.
func TestCatalogueRows(t *testing.T) {
	nodes, edges := map[NodeQuery]int{}, map[EdgeQuery]int{}
	for _, r := range Catalogue {
		set := 0
		for _, ok := range []bool{r.Node != "", r.Edge != "", r.Ref != nil} {
			if ok {
				set++
			}
		}
		if set != 1 || len(r.Fields) == 0 {
			t.Errorf("%v: want exactly one of Node, Edge and Ref, and some fields", r.Fields)
			continue
		}
		if r.Ref == nil && len(r.Sort) == 0 {
			t.Errorf("%s: no order", r.Key())
			continue
		}
		switch {
		case r.Node != "":
			nodes[r.Node]++
			if len(r.Rels) == 0 || len(r.Kinds) == 0 || r.ListSize <= 0 {
				t.Errorf("%s: a traversal needs relationships, kinds and a list size", r.Node)
			}
			checkSort(t, r, NodeSortKeys, r.Sort[len(r.Sort)-1:], []SortKey{ByID, ByNUTS})
			for arg, w := range r.Args {
				if !slices.Contains([]WhereArg{WhereCallIDs, WhereKinds}, w) {
					t.Errorf("%s: argument %s sets an unknown filter %q", r.Node, arg, w)
				}
			}
		case r.Edge != "":
			edges[r.Edge]++
			if len(r.Rels) != 1 || len(r.Kinds) != 0 || len(r.Args) != 0 || r.ListSize <= 0 {
				t.Errorf("%s: a relationship lookup needs one type and a list size, and takes no kinds or arguments", r.Edge)
			}
			// The other end is unique among a record's relationships of a
			// type (see Edge.Key).
			other := ByFrom
			if r.Out {
				other = ByTo
			}
			checkSort(t, r, EdgeSortKeys, r.Sort, []SortKey{other})
		default:
			if len(r.Sort) != 0 || len(r.Args) != 0 {
				t.Errorf("%v: a reference is held by the record: no order or arguments", r.Fields)
			}
			if len(r.Rels) > 0 && (len(r.Rels) != 1 || len(r.Kinds) == 0 || r.ListSize != 0) {
				t.Errorf("%v: a reference kept as relationships needs one type, kinds, and one record", r.Fields)
			}
			if len(r.Rels) == 0 && (len(r.Kinds) != 0 || r.Out) {
				t.Errorf("%v: kinds and direction are those of a reference's relationship, and it has none", r.Fields)
			}
		}
		if r.Role != "" && (r.Ref == nil || len(r.Rels) == 0 || !r.Role.Valid()) {
			t.Errorf("%s: a role narrows a stored reference, and must be one", r.Key())
		}
		for _, rel := range r.Rels {
			if !slices.Contains(RelTypes, rel) {
				t.Errorf("%s: unknown relationship type %s", r.Key(), rel)
			}
		}
	}
	for q, n := range nodes {
		if n != 1 {
			t.Errorf("%s has %d rows", q, n)
		}
	}
	for q, n := range edges {
		if n != 1 {
			t.Errorf("%s has %d rows", q, n)
		}
	}
	if len(NodeQueries) != len(nodes) || len(EdgeQueries) != len(edges) {
		t.Errorf("NodeQueries and EdgeQueries are not the catalogue's")
	}
}

// checkSort requires keys of the row's kind, among which (within) one
// that breaks every tie (an id; a region's NUTS code is unique too).
func checkSort(t *testing.T, r Rel, allowed, within, unique []SortKey) {
	t.Helper()
	if !slices.ContainsFunc(within, func(k SortKey) bool { return slices.Contains(unique, k) }) {
		t.Errorf("%s: order %v has no key unique among the results", r.Key(), r.Sort)
	}
	for _, k := range r.Sort {
		if !slices.Contains(allowed, k) {
			t.Errorf("%s: sort key %s does not apply", r.Key(), k)
		}
	}
}

// TestWhere checks the filters the arguments of traversals set.
func TestWhere(t *testing.T) {
	p := &Project{Record: Record{ID: "project:a"}, CallID: "call:x"}
	b := &Body{Record: Record{ID: "org:a"}, Kind: "MUNICIPALITY"}
	for _, c := range []struct {
		w    Where
		n    Node
		want bool
	}{
		{Where{}, p, true},
		{Where{CallIDs: []string{"call:x"}}, p, true},
		{Where{CallIDs: []string{"call:y"}}, p, false},
		{Where{CallIDs: []string{"call:x"}}, b, false},
		{Where{Kinds: []OrgKind{"MUNICIPALITY"}}, b, true},
		{Where{Kinds: []OrgKind{"ATS"}}, b, false},
	} {
		if got := c.w.Matches(c.n); got != c.want {
			t.Errorf("%+v.Matches(%s) = %v, want %v", c.w, c.n.NodeID(), got, c.want)
		}
	}
	if (Where{}).Key() != "" || (Where{CallIDs: []string{"a"}}).Key() == (Where{Kinds: []OrgKind{"a"}}).Key() {
		t.Error("Where.Key does not tell filters apart")
	}
}
