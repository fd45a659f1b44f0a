package neo4jstore

import (
	"errors"
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
		delete(byName, name+".lean")
		if s.lean == nil {
			t.Errorf("%s has no lean twin", name)
		}
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

// TestLeanTwins checks that each read's lean twin is the read less its
// provenance properties, and nothing else.
func TestLeanTwins(t *testing.T) {
	withoutProvenance := strings.NewReplacer(", .sources", "", ", .facts", "", ", .discrepancies", "")
	twins := 0
	for _, s := range Statements() {
		if s.lean == nil {
			continue
		}
		twins++
		if s.lean.Name != s.Name+".lean" {
			t.Errorf("%s: twin named %s", s.Name, s.lean.Name)
		}
		if !strings.Contains(s.Cypher, ".sources") {
			t.Errorf("%s reads no sources", s.Name)
		}
		if want := withoutProvenance.Replace(s.Cypher); s.lean.Cypher != want {
			t.Errorf("%s: lean twin\n%s\nwant\n%s", s.Name, s.lean.Cypher, want)
		}
		for _, p := range provenanceProps {
			if strings.Contains(s.lean.Cypher, "."+p) {
				t.Errorf("%s: lean twin reads %s", s.Name, p)
			}
		}
	}
	if want := len(kg.NodeRels()) + len(kg.EdgeRels()) + 8; twins != want {
		t.Errorf("%d reads have a lean twin, want %d", twins, want)
	}
}

// TestProjectionByKind checks that a record of several possible kinds is
// read with its own kind's projection only.
func TestProjectionByKind(t *testing.T) {
	p := projection("n", false, kg.KindRegion, kg.KindOrg)
	want := "CASE WHEN n:Region THEN " + projection("n", false, kg.KindRegion) +
		" WHEN n:Body THEN " + projection("n", false, kg.KindOrg) + " END"
	if p != want {
		t.Errorf("got\n%s\nwant\n%s", p, want)
	}
	if strings.Contains(projection("n", false, kg.KindOrg), "nutsCode") {
		t.Errorf("a body's projection reads a region's properties")
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
	next := "\nRETURN collect("
	if r.Node != "" {
		next = "\nWITH collect([id, n.id]) AS rows"
		if !s.shared {
			t.Errorf("%s does not send each record once", s.Name)
		}
	}
	if !strings.Contains(s.Cypher, "\nORDER BY id, "+orderBy(r.Sort)+next) {
		t.Errorf("%s is not ordered by %v", s.Name, r.Sort)
	}
}

// TestReferencesDerivedFromCatalogue checks that a record's projection
// reads each reference its table names from the relationships of the
// reference's catalogue row: its type, direction, target and role.
func TestReferencesDerivedFromCatalogue(t *testing.T) {
	for _, k := range nodeKinds {
		p := projection("n", false, k)
		for _, ref := range kindTables[k].refs() {
			r := ref.rel
			pattern := "(n)<-[:" + string(r.Rels[0]) + "]-(ref:" + label(r.Kinds) + ")"
			if r.Out {
				pattern = "(n)-[:" + string(r.Rels[0]) + "]->(ref:" + label(r.Kinds) + ")"
			}
			want := "[" + pattern + " | ref.id]"
			if r.Role != "" {
				pattern = strings.Replace(pattern, "[:", "[e:", 1)
				want = "[x IN [" + pattern + " | CASE e.role WHEN '" + string(r.Role) + "' THEN ref.id END] WHERE x IS NOT NULL]"
			}
			if !strings.Contains(p, ref.key+": "+want) {
				t.Errorf("%s: the projection does not read %s as %s", k, r.Fields[0], want)
			}
		}
	}
}

// TestCollectRows checks the rewriting of a read of many rows into one row
// that lists them in order.
func TestCollectRows(t *testing.T) {
	got, cols := collectRows("UNWIND $ids AS id\nMATCH (n:Entity {id: id})\nRETURN id, n {.id, x: [(n)-->(m) | m.id], y: CASE WHEN n:Call THEN 'a, b' END} AS node\nORDER BY id, n.id")
	want := "UNWIND $ids AS id\nMATCH (n:Entity {id: id})\nWITH id, n {.id, x: [(n)-->(m) | m.id], y: CASE WHEN n:Call THEN 'a, b' END} AS node\nORDER BY id, n.id\nRETURN collect([id, node]) AS rows"
	if got != want || !slices.Equal(cols, []string{"id", "node"}) {
		t.Errorf("got %q %v\nwant %q [id node]", got, cols, want)
	}
	if got, cols := collectRows("MATCH (n:Fund)\nRETURN n.id AS fund"); got != "MATCH (n:Fund)\nWITH n.id AS fund\nRETURN collect([fund]) AS rows" || !slices.Equal(cols, []string{"fund"}) {
		t.Errorf("got %q %v", got, cols)
	}
	for _, s := range Statements() {
		if s.columns != nil && !s.shared && !strings.HasSuffix(s.Cypher, "\nRETURN collect(["+strings.Join(s.columns, ", ")+"]) AS rows") {
			t.Errorf("%s does not collect its columns %v", s.Name, s.columns)
		}
	}
}

// TestSharedRows checks the reading back of a statement that sends each
// record once: every row gets its record, and a row naming a record the
// list does not hold, or a malformed list, is an internal error.
func TestSharedRows(t *testing.T) {
	st := stRelated[kg.RegionCalls]
	call := map[string]any{"id": "call:a", "name": "A"}
	rows := []any{[]any{"region:x", "call:a"}, []any{"region:y", "call:a"}}
	got, err := expandRows("op", st, []record{{"rows": rows, "nodes": []any{[]any{"call:a", call}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0]["id"] != "region:x" || got[1]["id"] != "region:y" {
		t.Fatalf("rows %v", got)
	}
	for _, r := range got {
		if m, _ := r["node"].(map[string]any); m["name"] != "A" {
			t.Errorf("row %v: node %v", r["id"], r["node"])
		}
	}
	for name, nodes := range map[string]any{
		"missing":   []any{[]any{"call:b", call}},
		"not pairs": []any{"call:a"},
		"no id":     []any{[]any{nil, call}},
		"no list":   "call:a",
	} {
		if _, err := expandRows("op", st, []record{{"rows": rows, "nodes": nodes}}); !errors.Is(err, errInternal) {
			t.Errorf("%s: %v, want an internal error", name, err)
		}
	}
}
