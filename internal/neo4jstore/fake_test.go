package neo4jstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/memstore"
)

// fakeNeo4j is a runner that answers each statement the way Neo4j would,
// with the embedded store standing in for the Cypher: rows shaped as the
// statement's RETURN clause shapes them, values typed as the driver types
// them (neo4j.Date, neo4j.Point2D, int64, []any, nil for missing
// properties). It serves only what a real server cannot produce on demand:
// injected faults and their translation, the exact statements and
// parameters each call sends, round trips counted without a server. What
// Neo4j answers is checked against a real Neo4j (make test-neo4j: the
// conformance and parity suites), and the Cypher by make cypher-check.
//
// Writes keep what a database would: the hash of every node and
// relationship, so that seeding reports are exact.
type fakeNeo4j struct {
	t testing.TB

	mu    sync.Mutex
	ref   *memstore.Store
	ds    *kg.Dataset
	nodes map[string]string // id -> hash
	rels  map[string]string // type|from|to -> hash
	calls []fakeCall
	// fail, if set, answers instead of the database (to inject faults).
	fail func(ctx context.Context, st Statement) error
}

type fakeCall struct {
	st     Statement
	params map[string]any
	write  bool
}

func newFake(t testing.TB, ds *kg.Dataset) *fakeNeo4j {
	f := &fakeNeo4j{t: t, nodes: map[string]string{}, rels: map[string]string{}}
	f.setData(ds)
	return f
}

// setData makes reads answer from ds.
func (f *fakeNeo4j) setData(ds *kg.Dataset) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ds = ds
	f.ref = memstore.New(ds)
}

func (f *fakeNeo4j) sent() []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakeNeo4j) read(ctx context.Context, st Statement, params map[string]any) ([]record, error) {
	return f.do(ctx, st, params, false)
}

func (f *fakeNeo4j) write(ctx context.Context, st Statement, params map[string]any) ([]record, error) {
	return f.do(ctx, st, params, true)
}

func (f *fakeNeo4j) ping(ctx context.Context) error {
	_, err := f.do(ctx, stPing, nil, false)
	return err
}

func (f *fakeNeo4j) close(context.Context) error { return nil }

// transact runs the calls one after the other (the fake has no rollback:
// the tests against a real Neo4j check that).
func (f *fakeNeo4j) transact(ctx context.Context, calls []call, each func(int, []record) error) error {
	for i, c := range calls {
		recs, err := f.do(ctx, c.st, c.params, c.st.Name != stStats.Name)
		if err != nil {
			return err
		}
		if err := each(i, recs); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeNeo4j) do(ctx context.Context, st Statement, params map[string]any, write bool) ([]record, error) {
	f.t.Helper()
	f.mu.Lock()
	f.calls = append(f.calls, fakeCall{st: st, params: params, write: write})
	fail := f.fail
	f.mu.Unlock()
	// The parameters must be exactly those the Cypher names.
	var names []string
	for k := range params {
		names = append(names, k)
	}
	slices.Sort(names)
	if !slices.Equal(names, st.Params) {
		f.t.Errorf("%s: sent parameters %v, the statement uses %v", st.Name, names, st.Params)
	}
	if reg := registry.byName[st.Name]; reg == nil || reg.Cypher != st.Cypher {
		f.t.Errorf("%s: sent a statement that Statements() does not list", st.Name)
	}
	if fail != nil {
		if err := fail(ctx, st); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if write {
		return f.answerWrite(st, params)
	}
	// A lean twin answers as its read, less the provenance.
	name, lean := strings.CutSuffix(st.Name, ".lean")
	recs, err := f.answerRead(ctx, *registry.byName[name], params)
	if lean {
		for _, r := range recs {
			for _, v := range r {
				withoutProvenance(v)
			}
		}
	}
	if err != nil || st.columns == nil {
		return recs, err
	}
	// A statement that collects its rows answers them as one list; one
	// that shares its records names each row's by id and lists each once.
	rows, nodes, listed := []any{}, []any{}, map[any]bool{}
	for _, r := range recs {
		var values []any
		for _, c := range st.columns {
			v := r[c]
			if st.shared && c == "node" {
				id := v.(map[string]any)["id"]
				if !listed[id] {
					listed[id] = true
					nodes = append(nodes, []any{id, v})
				}
				v = id
			}
			values = append(values, v)
		}
		rows = append(rows, values)
	}
	if st.shared {
		return []record{{"rows": rows, "nodes": nodes}}, nil
	}
	return []record{{"rows": rows}}, nil
}

// withoutProvenance deletes the provenance properties from the node and
// relationship maps in v.
func withoutProvenance(v any) {
	switch v := v.(type) {
	case map[string]any:
		for _, p := range provenanceProps {
			delete(v, p)
		}
	case []any:
		for _, x := range v {
			withoutProvenance(x)
		}
	}
}

func strs(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		out = append(out, x.(string))
	}
	return out
}

func (f *fakeNeo4j) answerRead(ctx context.Context, st Statement, p map[string]any) ([]record, error) {
	f.mu.Lock()
	ref := f.ref
	f.mu.Unlock()
	name := st.Name
	switch {
	case name == "ping":
		return []record{{"ok": int64(1)}}, nil
	case name == "components":
		return []record{{"name": "Neo4j Kernel", "versions": []any{"5.26.30"}, "edition": "community"}}, nil
	case name == "nodes":
		ids := strs(p["ids"])
		ns, _ := ref.Nodes(ctx, ids)
		var out []record
		// Neo4j does not promise any order: answer backwards.
		for i := len(ids) - 1; i >= 0; i-- {
			if ns[i] != nil && ns[i].NodeID() == ids[i] { // by id only: aliases are another statement
				out = append(out, record{"id": ids[i], "node": nodeMap(ns[i], allKinds)})
			}
		}
		return out, nil
	case name == "nodesByAlias":
		ids := strs(p["ids"])
		ns, _ := ref.Nodes(ctx, ids)
		var out []record
		for i := range ids {
			if ns[i] != nil && ns[i].NodeID() != ids[i] {
				out = append(out, record{"id": ids[i], "node": nodeMap(ns[i], allKinds)})
			}
		}
		return out, nil
	case strings.HasPrefix(name, "related."):
		q := kg.NodeQuery(strings.TrimPrefix(name, "related."))
		ids := strs(p["ids"])
		slices.Sort(ids)
		var w kg.Where
		w.CallIDs = strs(p["callIds"])
		for _, k := range strs(p["kinds"]) {
			w.Kinds = append(w.Kinds, kg.OrgKind(k))
		}
		res, err := ref.Related(ctx, q, ids, w)
		if err != nil {
			return nil, err
		}
		var out []record
		for i, id := range ids {
			for _, n := range res[i] {
				out = append(out, record{"id": id, "node": nodeMap(n, []kg.Kind{kg.KindOf(n.NodeID())})})
			}
		}
		return out, nil
	case strings.HasPrefix(name, "edges."):
		q := kg.EdgeQuery(strings.TrimPrefix(name, "edges."))
		ids := strs(p["ids"])
		slices.Sort(ids)
		res, err := ref.Edges(ctx, q, ids)
		if err != nil {
			return nil, err
		}
		var out []record
		for i, id := range ids {
			for _, e := range res[i] {
				out = append(out, record{"id": id, "edge": edgeMap(e)})
			}
		}
		return out, nil
	case name == "regions":
		rs, _ := ref.Regions(ctx)
		return nodeRecords(rs), nil
	case name == "regionsByNUTS":
		codes := strs(p["codes"])
		rs, _ := ref.RegionsByNUTS(ctx, codes)
		var out []record
		for i, r := range rs {
			if r != nil {
				out = append(out, record{"code": codes[i], "node": nodeMap(r, nil)})
			}
		}
		slices.Reverse(out)
		return out, nil
	case name == "calls":
		cs, _ := ref.Calls(ctx)
		return nodeRecords(cs), nil
	case name == "funds":
		fs, _ := ref.Funds(ctx)
		return nodeRecords(fs), nil
	case name == "stats":
		f.mu.Lock()
		defer f.mu.Unlock()
		return []record{{"nodes": int64(len(f.nodes)), "relationships": int64(len(f.rels))}}, nil
	case name == "organizations":
		pg, err := ref.Organizations(ctx, kg.OrganizationFilter{Kinds: typed[kg.OrgKind](p["kinds"]),
			RegionIDs: strs(p["regionIds"]), CallIDs: strs(p["callIds"]), Roles: typed[kg.Role](p["roles"])},
			kg.Page{First: int(p["first"].(int64)), After: p["after"].(string)})
		if err != nil {
			return nil, err
		}
		return pageRecord(pg.Items, orgKinds, pg.Total, pg.HasNext), nil
	case name == "projects":
		pg, err := ref.Projects(ctx, kg.ProjectFilter{CallIDs: strs(p["callIds"]), RegionIDs: strs(p["regionIds"]),
			OrganizationIDs: strs(p["organizationIds"]), Roles: typed[kg.Role](p["roles"]),
			MinConfidence: minConfidence(p["confidences"])},
			kg.Page{First: int(p["first"].(int64)), After: p["after"].(string)})
		if err != nil {
			return nil, err
		}
		return pageRecord(pg.Items, nil, pg.Total, pg.HasNext), nil
	case name == "dataset.nodes":
		ds, _ := ref.Dataset(ctx)
		var out []record
		for _, n := range ds.Nodes {
			out = append(out, record{"node": nodeMap(n, nil)})
		}
		return out, nil
	case name == "dataset.relationships":
		ds, _ := ref.Dataset(ctx)
		var out []record
		for _, e := range ds.Edges {
			out = append(out, record{"type": string(e.Type), "edge": edgeMap(e)})
		}
		slices.Reverse(out) // the adapter must not rely on the order
		return out, nil
	case name == "participations":
		nf := kg.NetworkFilter{CallIDs: strs(p["callIds"]), RegionIDs: strs(p["regionIds"]), Kinds: typed[kg.OrgKind](p["kinds"]),
			MinConfidence: minConfidence(p["confidences"])}
		for k, d := range map[string]**kg.Date{"activeFrom": &nf.From, "activeTo": &nf.To} {
			if v := p[k].(string); v != "" {
				date := kg.Date(v)
				*d = &date
			}
		}
		es, _ := ref.Participations(ctx, nf)
		var out []record
		for _, e := range es {
			out = append(out, record{"edge": edgeMap(e)})
		}
		return out, nil
	case name == "search":
		// Rows as the statement shapes them, from the dataset: for each
		// term, each word starting with it, the records holding it.
		f.mu.Lock()
		ds := f.ds
		f.mu.Unlock()
		terms, queries := strs(p["terms"]), strs(p["termQueries"])
		var out []record
		for i, term := range terms {
			if queries[i] != strings.ReplaceAll(queries[i], " ", "") || !strings.HasSuffix(queries[i], "*") {
				f.t.Errorf("search query %q is not a prefix term", queries[i])
			}
			byWord := map[string]record{}
			for _, n := range ds.Nodes {
				for w, v := range kg.SearchWeights(n) {
					if !strings.HasPrefix(w, term) {
						continue
					}
					r := byWord[w]
					if r == nil {
						r = record{"docs": int64(len(ds.Nodes)), "term": int64(i), "word": w, "ids": []any{}, "weights": []any{}}
						byWord[w] = r
					}
					r["ids"] = append(r["ids"].([]any), n.NodeID())
					r["weights"] = append(r["weights"].([]any), v)
				}
			}
			for _, r := range byWord {
				out = append(out, r)
			}
		}
		return out, nil
	case name == "paths" || name == "pathsRestricted":
		q := kg.PathQuery{From: p["from"].(string), To: p["to"].(string), MaxLength: int(p["maxLength"].(int64)),
			First: int(p["first"].(int64))}
		if name == "pathsRestricted" {
			q.Relations = typed[kg.RelType](p["relations"])
		}
		ps, _ := ref.Paths(ctx, q)
		var out []record
		for _, path := range ps {
			nodes, rels := []any{}, []any{}
			for _, n := range path.Nodes {
				nodes = append(nodes, n)
			}
			for _, r := range path.Relations {
				rels = append(rels, string(r))
			}
			out = append(out, record{"nodeIds": nodes, "relTypes": rels})
		}
		return out, nil
	case name == "lineageBackward" || name == "lineageForward":
		dir := kg.Backward
		if name == "lineageForward" {
			dir = kg.Forward
		}
		ls, _ := ref.Lineage(ctx, kg.LineageQuery{Of: p["of"].(string), Direction: dir, MaxDepth: int(p["maxDepth"].(int64))})
		var out []record
		for _, l := range ls {
			out = append(out, record{"fromId": l.From, "toId": l.To, "relation": string(l.Relation),
				"depth": int64(l.Depth), "sources": jsonOrNil(l.Sources)})
		}
		return out, nil
	}
	f.t.Errorf("fake: no answer for read statement %s", name)
	return nil, fmt.Errorf("fake: no answer for %s", name)
}

// minConfidence reads back the confidences parameter: the weakest level
// listed, "" when none is.
func minConfidence(v any) kg.Confidence {
	var min kg.Confidence
	for _, c := range typed[kg.Confidence](v) {
		if min == "" || c.Rank() < min.Rank() {
			min = c
		}
	}
	return min
}

func typed[T ~string](v any) []T {
	var out []T
	for _, s := range strs(v) {
		out = append(out, T(s))
	}
	return out
}

func jsonOrNil(cs []kg.Citation) any {
	p := props{}
	if err := p.json(propSources, citationsJSON(cs), len(cs) == 0); err != nil {
		panic(err)
	}
	return p[propSources]
}

// nodeMap is what projection returns for n: every property the projection
// names (nil when the node lacks it) and the reference lists.
func nodeMap(n kg.Node, kinds []kg.Kind) map[string]any {
	kind := kg.KindOf(n.NodeID())
	if kinds == nil {
		kinds = []kg.Kind{kind}
	}
	row, err := encodeNode(n)
	if err != nil {
		panic(err)
	}
	m := map[string]any{}
	keys := slices.Clone(commonProps)
	for _, k := range kinds {
		keys = appendUnique(keys, kindTables[k].props()...)
	}
	for _, k := range keys {
		m[k] = row.props[k] // nil when absent, as in a map projection
	}
	for _, k := range kinds {
		for _, r := range kindTables[k].refs() {
			if _, ok := m[r.key]; !ok {
				m[r.key] = []any{}
			}
			if k == kind {
				ids := r.ids(n)
				slices.Reverse(ids) // Neo4j does not order them
				for _, id := range ids {
					m[r.key] = append(m[r.key].([]any), id)
				}
			}
		}
	}
	return m
}

// nodeRecords are the records of a statement that returns nodes, one each.
func nodeRecords[T kg.Node](ns []T) []record {
	var out []record
	for _, n := range ns {
		out = append(out, record{"node": nodeMap(n, nil)})
	}
	return out
}

// pageRecord is the one record a page statement returns, its items
// projected as records of the kinds.
func pageRecord[T kg.Node](items []T, kinds []kg.Kind, total int, hasNext bool) []record {
	maps := []any{}
	for _, n := range items {
		maps = append(maps, nodeMap(n, kinds))
	}
	return []record{{"total": int64(total), "hasNext": hasNext, "items": maps}}
}

// deleteAllBut deletes from db every key but those to keep, and answers
// with the number deleted.
func deleteAllBut(db map[string]string, keys []string) []record {
	keep := map[string]bool{}
	for _, k := range keys {
		keep[k] = true
	}
	n := 0
	for k := range db {
		if !keep[k] {
			delete(db, k)
			n++
		}
	}
	return []record{{"deleted": int64(n)}}
}

// edgeMap is what edgeProjection returns for e.
func edgeMap(e *kg.Edge) map[string]any {
	row, err := encodeEdge(e)
	if err != nil {
		panic(err)
	}
	m := map[string]any{"fromId": e.From, "toId": e.To, propConfidence: row.props[propConfidence],
		propSources: row.props[propSources]}
	for _, k := range relProps[e.Type] {
		m[k] = row.props[k]
	}
	return m
}

func (f *fakeNeo4j) answerWrite(st Statement, p map[string]any) ([]record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := st.Name
	upsert := func(db map[string]string, key func(map[string]any) string) []record {
		created, updated := 0, 0
		for _, r := range p["rows"].([]any) {
			row := r.(map[string]any)
			k, h := key(row), row["hash"].(string)
			switch old, ok := db[k]; {
			case !ok:
				created++
			case old != h:
				updated++
			}
			db[k] = h
		}
		return []record{{"created": int64(created), "updated": int64(updated)}}
	}
	switch {
	case strings.HasPrefix(name, "schema."):
		return nil, nil
	case name == "admin.wipe":
		f.nodes, f.rels = map[string]string{}, map[string]string{}
		return nil, nil
	case strings.HasPrefix(name, "seed.nodes."):
		return upsert(f.nodes, func(r map[string]any) string { return r["id"].(string) }), nil
	case strings.HasPrefix(name, "seed.relationships."):
		t := strings.TrimPrefix(name, "seed.relationships.")
		return upsert(f.rels, func(r map[string]any) string {
			return t + "|" + r["from"].(string) + "|" + r["to"].(string)
		}), nil
	case name == "seed.deleteRelationships":
		return deleteAllBut(f.rels, strs(p["keys"])), nil
	case name == "seed.deleteNodes":
		return deleteAllBut(f.nodes, strs(p["ids"])), nil
	}
	f.t.Errorf("fake: no answer for write statement %s", name)
	return nil, fmt.Errorf("fake: no answer for %s", name)
}

// sortedNames lists the distinct statement names of calls.
func sortedNames(calls []fakeCall) []string {
	var out []string
	for _, c := range calls {
		out = appendUnique(out, c.st.Name)
	}
	slices.SortFunc(out, cmp.Compare[string])
	return out
}
