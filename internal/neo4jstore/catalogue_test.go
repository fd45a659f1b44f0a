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
	for _, r := range kg.NodeRels() {
		s, ok := byName["related."+string(r.Node)]
		if !ok {
			t.Errorf("%s has no statement", r.Node)
			continue
		}
		delete(byName, s.Name)
		want := []string{"ids"}
		for _, a := range whereArgs(r) {
			want = append(want, string(a))
		}
		slices.Sort(want)
		if !slices.Equal(s.Params, want) {
			t.Errorf("%s: parameters %v, want %v", s.Name, s.Params, want)
		}
		checkDerived(t, s, r)
	}
	for _, r := range kg.EdgeRels() {
		s, ok := byName["edges."+string(r.Edge)]
		if !ok {
			t.Errorf("%s has no statement", r.Edge)
			continue
		}
		delete(byName, s.Name)
		if !slices.Equal(s.Params, []string{"ids"}) {
			t.Errorf("%s: parameters %v, want [ids]", s.Name, s.Params)
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
