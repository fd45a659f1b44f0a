package neo4jstore

import (
	"slices"
	"strings"
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
)

// TestStatementsDerivedFromCatalogue checks that every row of kg.Catalogue
// that the store answers has its statement, built from the row: batched
// over $ids, following the row's relationship types, taking a parameter for
// each filter its arguments set, ordered by the row's keys; and that no
// relationship statement exists without a row.
func TestStatementsDerivedFromCatalogue(t *testing.T) {
	byName := map[string]Statement{}
	for _, s := range Statements() {
		byName[s.Name] = s
	}
	for _, r := range append(kg.NodeRels(), kg.EdgeRels()...) {
		name, want := "edges."+string(r.Edge), []string{"ids"}
		if r.Node != "" {
			name = "related." + string(r.Node)
			for _, a := range whereArgs(r) {
				want = append(want, string(a))
			}
			slices.Sort(want)
		}
		s, ok := byName[name]
		if !ok {
			t.Errorf("%s has no statement", r.Key())
			continue
		}
		delete(byName, name)
		if !slices.Equal(s.Params, want) {
			t.Errorf("%s: parameters %v, want %v", name, s.Params, want)
		}
		checkDerived(t, s, r)
	}
	for name := range byName {
		if strings.HasPrefix(name, "related.") || strings.HasPrefix(name, "edges.") {
			t.Errorf("statement %s has no catalogue row", name)
		}
	}
}

func checkDerived(t *testing.T, s Statement, r *kg.Rel) {
	t.Helper()
	if !strings.HasPrefix(s.Cypher, "UNWIND $ids AS id") {
		t.Errorf("%s is not batched over $ids", s.Name)
	}
	if !strings.Contains(s.Cypher, ":"+relTypes(r.Rels)+"]") {
		t.Errorf("%s does not follow %v", s.Name, r.Rels)
	}
	if !strings.HasSuffix(s.Cypher, "ORDER BY id, "+orderBy(r.Sort)) {
		t.Errorf("%s is not ordered by %v", s.Name, r.Sort)
	}
}

// TestReferencesDerivedFromCatalogue checks that a record's projection
// reads each reference its table names from the relationships of the
// reference's catalogue row: its type, direction, target and role.
func TestReferencesDerivedFromCatalogue(t *testing.T) {
	for _, k := range nodeKinds {
		p := projection("n", k)
		for _, ref := range kindTables[k].refs() {
			r := ref.rel
			rel := "[:" + string(r.Rels[0])
			if r.Role != "" {
				rel += " {role: '" + string(r.Role) + "'}"
			}
			rel += "]"
			want := "[(ref:" + label(r.Kinds) + ")-" + rel + "->(n) | ref.id]"
			if r.Out {
				want = "[(n)-" + rel + "->(ref:" + label(r.Kinds) + ") | ref.id]"
			}
			if !strings.Contains(p, ref.key+": "+want) {
				t.Errorf("%s: the projection does not read %s as %s", k, r.Fields[0], want)
			}
		}
	}
}
