package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/famigraph/famigraph/internal/kg"
)

// Every method sends at most one statement, whatever the number of ids, and
// none when there is nothing to ask; Nodes sends a second one, for the ids
// the first did not find, to look them up as aliases. Batched lookups send each distinct id
// once and align the rows with the ids they were asked for.

// distinct returns ids without repeats, as a parameter value.
func distinct(ids []string) []any {
	seen := make(map[string]bool, len(ids))
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// internalf reports a result the adapter cannot read: a bug or a database
// written by something else. Its message stays in the logs.
func internalf(op, format string, args ...any) error {
	return wrap(op, errInternal, fmt.Errorf(format, args...))
}

// ctxErr reports a request that ended before a call that needs no round
// trip.
func ctxErr(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return wrap(op, ctxError(err), err)
	}
	return nil
}

// Nodes implements kg.Store.
func (s *Store) Nodes(ctx context.Context, ids []string) ([]kg.Node, error) {
	const op = "load nodes"
	out := make([]kg.Node, len(ids))
	if len(ids) == 0 {
		return out, ctxErr(ctx, op)
	}
	recs, err := s.read(ctx, op, stNodes, map[string]any{"ids": distinct(ids)})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]kg.Node, len(recs))
	for _, r := range recs {
		id, n, err := idAndNode(op, r)
		if err != nil {
			return nil, err
		}
		byID[id] = n
	}
	var missing []string
	for _, id := range ids {
		if byID[id] == nil {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		recs, err := s.read(ctx, op, stNodesByAlias, map[string]any{"ids": distinct(missing)})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			alias, n, err := idAndNode(op, r)
			if err != nil {
				return nil, err
			}
			if prev := byID[alias]; prev != nil && prev.NodeID() != n.NodeID() {
				return nil, internalf(op, "alias %s names both %s and %s", alias, prev.NodeID(), n.NodeID())
			}
			byID[alias] = n
		}
	}
	for i, id := range ids {
		out[i] = byID[id] // nil when missing
	}
	return out, nil
}

// idAndNode decodes the "id" and "node" columns of a row.
func idAndNode(op string, r record) (string, kg.Node, error) {
	id, _, err := value[string](r, "id")
	if err != nil {
		return "", nil, internalf(op, "%v", err)
	}
	n, err := decodeNode(r["node"])
	if err != nil {
		return "", nil, internalf(op, "%v", err)
	}
	return id, n, nil
}

// confidencesParam lists the confidence levels at least min, or none (no
// filter) when min is empty.
func confidencesParam(min kg.Confidence) []any {
	out := []any{}
	if min == "" {
		return out
	}
	for _, c := range min.AtLeast() {
		out = append(out, string(c))
	}
	return out
}

// Related implements kg.Store.
func (s *Store) Related(ctx context.Context, q kg.NodeQuery, ids []string, w kg.Where) ([][]kg.Node, error) {
	op := "load " + string(q)
	st, ok := stRelated[q]
	if !ok {
		return nil, kg.Errorf(kg.EINTERNAL, "unknown node query %s", q)
	}
	out := make([][]kg.Node, len(ids))
	if len(ids) == 0 {
		return out, ctxErr(ctx, op)
	}
	params := map[string]any{"ids": distinct(ids)}
	for _, a := range whereArgs(kg.NodeRel(q)) {
		switch a {
		case kg.WhereCallIDs:
			params["callIds"] = stringsParam(w.CallIDs)
		case kg.WhereKinds:
			params["kinds"] = stringsParam(w.Kinds)
		}
	}
	if !w.IsZero() && len(params) == 1 {
		return nil, kg.Errorf(kg.EINTERNAL, "%s takes no filter", q)
	}
	recs, err := s.read(ctx, op, st, params)
	if err != nil {
		return nil, err
	}
	// Rows come grouped by id, each group in the query's order; a record
	// that answers several ids is decoded once.
	decoded := map[string]kg.Node{}
	return groupByID(op, ids, recs, func(r record) (kg.Node, error) {
		m, _ := r["node"].(map[string]any)
		id, _ := m["id"].(string)
		if n := decoded[id]; n != nil {
			return n, nil
		}
		n, err := decodeNode(r["node"])
		if err == nil && id != "" {
			decoded[id] = n
		}
		return n, err
	})
}

// groupByID decodes rows that carry an "id" column and returns, for each of
// ids, the decoded values of its rows, in the rows' order.
func groupByID[T any](op string, ids []string, recs []record, decode func(record) (T, error)) ([][]T, error) {
	byID := map[string][]T{}
	for _, r := range recs {
		id, _, err := value[string](r, "id")
		if err != nil {
			return nil, internalf(op, "%v", err)
		}
		v, err := decode(r)
		if err != nil {
			return nil, internalf(op, "%v", err)
		}
		byID[id] = append(byID[id], v)
	}
	out := make([][]T, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// Edges implements kg.Store.
func (s *Store) Edges(ctx context.Context, q kg.EdgeQuery, ids []string) ([][]*kg.Edge, error) {
	op := "load " + string(q)
	st, ok := stEdges[q]
	if !ok {
		return nil, kg.Errorf(kg.EINTERNAL, "unknown edge query %s", q)
	}
	out := make([][]*kg.Edge, len(ids))
	if len(ids) == 0 {
		return out, ctxErr(ctx, op)
	}
	recs, err := s.read(ctx, op, st, map[string]any{"ids": distinct(ids)})
	if err != nil {
		return nil, err
	}
	t := kg.EdgeRel(q).Rels[0]
	return groupByID(op, ids, recs, func(r record) (*kg.Edge, error) { return decodeEdge(t, r["edge"]) })
}

// decodeAll decodes the "node" column of every record as a T.
func decodeAll[T kg.Node](op string, recs []record) ([]T, error) {
	out := make([]T, 0, len(recs))
	for _, r := range recs {
		n, err := decodeNode(r["node"])
		if err != nil {
			return nil, internalf(op, "%v", err)
		}
		t, ok := n.(T)
		if !ok {
			return nil, internalf(op, "%s has an unexpected type", n.NodeID())
		}
		out = append(out, t)
	}
	return out, nil
}

// readAll sends a statement without parameters and decodes its nodes.
func readAll[T kg.Node](ctx context.Context, s *Store, op string, st Statement) ([]T, error) {
	recs, err := s.read(ctx, op, st, nil)
	if err != nil {
		return nil, err
	}
	return decodeAll[T](op, recs)
}

// Regions implements kg.Store.
func (s *Store) Regions(ctx context.Context) ([]*kg.Region, error) {
	return readAll[*kg.Region](ctx, s, "load regions", stRegions)
}

// RegionsByNUTS implements kg.Store.
func (s *Store) RegionsByNUTS(ctx context.Context, codes []string) ([]*kg.Region, error) {
	const op = "load regions by NUTS code"
	out := make([]*kg.Region, len(codes))
	if len(codes) == 0 {
		return out, ctxErr(ctx, op)
	}
	recs, err := s.read(ctx, op, stRegionsByNUTS, map[string]any{"codes": distinct(codes)})
	if err != nil {
		return nil, err
	}
	rs, err := decodeAll[*kg.Region](op, recs)
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]*kg.Region, len(rs))
	for i, r := range recs {
		code, _, err := value[string](r, "code")
		if err != nil {
			return nil, internalf(op, "%v", err)
		}
		byCode[code] = rs[i]
	}
	for i, c := range codes {
		out[i] = byCode[c]
	}
	return out, nil
}

// Calls implements kg.Store.
func (s *Store) Calls(ctx context.Context) ([]*kg.Call, error) {
	return readAll[*kg.Call](ctx, s, "load calls", stCalls)
}

// Funds implements kg.Store.
func (s *Store) Funds(ctx context.Context) ([]*kg.Fund, error) {
	return readAll[*kg.Fund](ctx, s, "load funds", stFunds)
}

// Stats implements kg.Store.
func (s *Store) Stats(ctx context.Context) (kg.Stats, error) {
	const op = "count records"
	recs, err := s.read(ctx, op, stStats, nil)
	if err != nil {
		return kg.Stats{}, err
	}
	st, err := statsOf(recs)
	if err != nil {
		return kg.Stats{}, internalf(op, "%v", err)
	}
	return st, nil
}

// statsOf reads the row of stStats.
func statsOf(recs []record) (kg.Stats, error) {
	if len(recs) != 1 {
		return kg.Stats{}, fmt.Errorf("%d rows, want 1", len(recs))
	}
	d := &decoder{m: recs[0]}
	nodes, edges := d.int("nodes"), d.int("relationships")
	if d.err != nil || nodes == nil || edges == nil {
		return kg.Stats{}, fmt.Errorf("malformed counts: %v", d.err)
	}
	return kg.Stats{Nodes: *nodes, Edges: *edges}, nil
}

// ServerVersion returns the edition and version of the Neo4j kernel the
// store talks to, from CALL dbms.components(): e.g. "community", "5.26.30".
func (s *Store) ServerVersion(ctx context.Context) (edition, version string, err error) {
	const op = "server version"
	recs, err := s.read(ctx, op, stComponents, nil)
	if err != nil {
		return "", "", err
	}
	for _, r := range recs {
		if name, _ := r["name"].(string); name != "Neo4j Kernel" {
			continue
		}
		edition, _ = r["edition"].(string)
		if vs, _ := r["versions"].([]any); len(vs) > 0 {
			version, _ = vs[0].(string)
		}
		if edition == "" || version == "" {
			return "", "", internalf(op, "malformed row: %v", r)
		}
		return edition, version, nil
	}
	return "", "", internalf(op, "no Neo4j Kernel among %d components", len(recs))
}

// page reads the single row of the organizations and projects statements:
// the page's items as T, the total and whether more follow.
func page[T kg.Node](op string, recs []record) (items []T, total int, hasNext bool, err error) {
	if len(recs) != 1 {
		return nil, 0, false, internalf(op, "%d rows, want 1", len(recs))
	}
	d := &decoder{m: recs[0]}
	t := d.int("total")
	hasNext = d.boolean("hasNext")
	raw, _, verr := value[[]any](recs[0], "items")
	d.fail(verr)
	if d.err != nil || t == nil {
		return nil, 0, false, internalf(op, "malformed page: %v", d.err)
	}
	for _, x := range raw {
		n, err := decodeNode(x)
		if err != nil {
			return nil, 0, false, internalf(op, "%v", err)
		}
		// The page is a slice of a list collected after ORDER BY n.id;
		// Cypher documents that collect() keeps that order. Should it not,
		// this is an error, never a silently wrong page.
		if k := len(items); k > 0 && items[k-1].NodeID() >= n.NodeID() {
			return nil, 0, false, internalf(op, "items out of id order: %s before %s", items[k-1].NodeID(), n.NodeID())
		}
		item, ok := n.(T)
		if !ok {
			return nil, 0, false, internalf(op, "%s has an unexpected type", n.NodeID())
		}
		items = append(items, item)
	}
	return items, *t, hasNext, nil
}

// pageSize is p.First as a parameter. A negative size asks for nothing, as
// in the embedded store: it must not reach rest[..$first], where -1 would
// mean every item but the last.
func pageSize(p kg.Page) int64 { return int64(max(p.First, 0)) }

// negativeFirst refuses a negative number of results for a LIMIT, which
// Neo4j would reject with an error of its own.
func negativeFirst(first int) error {
	if first < 0 {
		return kg.Errorf(kg.EINVALID, "first must not be negative")
	}
	return nil
}

// dateParam is a date as the statements take it: the empty string when
// absent.
func dateParam(d *kg.Date) string {
	if d == nil {
		return ""
	}
	return string(*d)
}

func stringsParam[T ~string](vs []T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// Organizations implements kg.Store.
func (s *Store) Organizations(ctx context.Context, f kg.OrganizationFilter, p kg.Page) (*kg.OrgPage, error) {
	const op = "list organizations"
	recs, err := s.read(ctx, op, stOrganizations, map[string]any{
		"kinds": stringsParam(f.Kinds), "regionIds": stringsParam(f.RegionIDs), "callIds": stringsParam(f.CallIDs),
		"roles": stringsParam(f.Roles), "after": p.After, "first": pageSize(p),
	})
	if err != nil {
		return nil, err
	}
	items, total, hasNext, err := page[kg.Org](op, recs)
	if err != nil {
		return nil, err
	}
	return &kg.OrgPage{Items: items, Total: total, HasNext: hasNext}, nil
}

// Projects implements kg.Store.
func (s *Store) Projects(ctx context.Context, f kg.ProjectFilter, p kg.Page) (*kg.ProjectPage, error) {
	const op = "list projects"
	recs, err := s.read(ctx, op, stProjects, map[string]any{
		"callIds": stringsParam(f.CallIDs), "regionIds": stringsParam(f.RegionIDs),
		"organizationIds": stringsParam(f.OrganizationIDs), "roles": stringsParam(f.Roles),
		"confidences": confidencesParam(f.MinConfidence), "after": p.After, "first": pageSize(p),
	})
	if err != nil {
		return nil, err
	}
	items, total, hasNext, err := page[*kg.Project](op, recs)
	if err != nil {
		return nil, err
	}
	return &kg.ProjectPage{Items: items, Total: total, HasNext: hasNext}, nil
}

// Dataset implements kg.Store: it reads the whole graph back, so that its
// version is that of the data actually stored.
func (s *Store) Dataset(ctx context.Context) (*kg.Dataset, error) {
	const op = "load dataset"
	recs, err := s.read(ctx, op, stDatasetNodes, nil)
	if err != nil {
		return nil, err
	}
	ds := &kg.Dataset{Nodes: make([]kg.Node, 0, len(recs))}
	for _, r := range recs {
		n, err := decodeNode(r["node"])
		if err != nil {
			return nil, internalf(op, "%v", err)
		}
		ds.Nodes = append(ds.Nodes, n)
	}
	recs, err = s.read(ctx, op, stDatasetRelationships, nil)
	if err != nil {
		return nil, err
	}
	ds.Edges = make([]*kg.Edge, 0, len(recs))
	for _, r := range recs {
		t, _, err := value[string](r, "type")
		if err != nil || !slices.Contains(kg.RelTypes, kg.RelType(t)) {
			return nil, internalf(op, "relationship of unknown type %q", t)
		}
		e, err := decodeEdge(kg.RelType(t), r["edge"])
		if err != nil {
			return nil, internalf(op, "%v", err)
		}
		ds.Edges = append(ds.Edges, e)
	}
	ds.Sort()
	return ds, nil
}

// Participations implements kg.Store.
func (s *Store) Participations(ctx context.Context, f kg.NetworkFilter) ([]*kg.Edge, error) {
	const op = "load participations"
	recs, err := s.read(ctx, op, stParticipations, map[string]any{
		"callIds": stringsParam(f.CallIDs), "regionIds": stringsParam(f.RegionIDs), "kinds": stringsParam(f.Kinds),
		"activeFrom": dateParam(f.From), "activeTo": dateParam(f.To),
		"confidences": confidencesParam(f.MinConfidence),
	})
	if err != nil {
		return nil, err
	}
	out := make([]*kg.Edge, 0, len(recs))
	for _, r := range recs {
		e, err := decodeEdge(kg.RelParticipatesIn, r["edge"])
		if err != nil {
			return nil, internalf(op, "%v", err)
		}
		out = append(out, e)
	}
	return out, nil
}

// termQuery is the Lucene query of one search term: the term as a prefix,
// with every character that is not a letter or a digit escaped, so that no
// search text can change the query's structure.
func termQuery(t string) string {
	var b strings.Builder
	for _, r := range t {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String() + "*"
}

// Search implements kg.Store. Neo4j finds, for each term, the words that
// start with it and the records holding them; the score is computed here as
// the embedded store computes it (see memstore.Store.Search): every term
// must match, a term scores its best matching word's weight times the
// word's inverse document frequency, halved unless the word is the term
// itself, and the terms' scores add up. Ties are broken by id.
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	const op = "search"
	terms, err := kg.SearchTerms(q.Text)
	if err != nil {
		return nil, err
	}
	if err := negativeFirst(q.First); err != nil {
		return nil, err
	}
	queries := make([]string, len(terms))
	for i, t := range terms {
		queries[i] = termQuery(t)
	}
	recs, err := s.read(ctx, op, stSearch, map[string]any{"terms": stringsParam(terms), "termQueries": stringsParam(queries)})
	if err != nil {
		return nil, err
	}
	ts := kg.NewSearchTermScores(len(terms))
	for _, r := range recs {
		d := &decoder{m: r}
		docs, term, word := d.int("docs"), d.int("term"), d.str("word")
		ids := d.strings("ids")
		weights, _, werr := value[[]any](r, "weights")
		if d.err != nil || werr != nil || docs == nil || term == nil || *term < 0 || *term >= len(terms) ||
			len(ids) == 0 || len(ids) != len(weights) {
			return nil, internalf(op, "malformed row: %v %v", d.err, werr)
		}
		idf := kg.SearchIDF(*docs, len(ids))
		for k, id := range ids {
			w, ok := weights[k].(float64)
			if !ok {
				return nil, internalf(op, "weight %T", weights[k])
			}
			ts.Add(terms, *term, word, id, w, idf)
		}
	}
	return ts.Hits(q), ctxErr(ctx, op)
}

// Paths implements kg.Store.
func (s *Store) Paths(ctx context.Context, q kg.PathQuery) ([]kg.Path, error) {
	const op = "find paths"
	if err := negativeFirst(q.First); err != nil {
		return nil, err
	}
	if q.From == q.To {
		// Neo4j refuses shortest paths from a node to itself.
		if err := ctxErr(ctx, op); err != nil {
			return nil, err
		}
		return []kg.Path{{Nodes: []string{q.From}}}, nil
	}
	st := stPaths
	params := map[string]any{"from": q.From, "to": q.To, "maxLength": int64(q.MaxLength), "first": int64(q.First)}
	if len(q.Relations) > 0 {
		st = stPathsRestricted
		params["relations"] = stringsParam(q.Relations)
	}
	recs, err := s.read(ctx, op, st, params)
	if err != nil {
		return nil, err
	}
	out := make([]kg.Path, 0, len(recs))
	for _, r := range recs {
		d := &decoder{m: r}
		p := kg.Path{Nodes: d.strings("nodeIds")}
		for _, t := range d.strings("relTypes") {
			p.Relations = append(p.Relations, kg.RelType(t))
		}
		if d.err != nil || len(p.Nodes) != len(p.Relations)+1 {
			return nil, internalf(op, "malformed path: %v", d.err)
		}
		out = append(out, p)
	}
	return out, nil
}

// Lineage implements kg.Store.
func (s *Store) Lineage(ctx context.Context, q kg.LineageQuery) ([]kg.LineageLink, error) {
	const op = "load lineage"
	st := stLineageBackward
	if q.Direction == kg.Forward {
		st = stLineageForward
	}
	recs, err := s.read(ctx, op, st, map[string]any{"of": q.Of, "maxDepth": int64(q.MaxDepth)})
	if err != nil {
		return nil, err
	}
	out := make([]kg.LineageLink, 0, len(recs))
	for _, r := range recs {
		d := &decoder{m: r}
		l := kg.LineageLink{From: d.str("fromId"), To: d.str("toId"), Relation: kg.RelType(d.str("relation")),
			Sources: d.citations("sources")}
		depth := d.int("depth")
		if d.err != nil || depth == nil || !slices.Contains(kg.LineageRels, l.Relation) {
			return nil, internalf(op, "malformed link: %v", d.err)
		}
		l.Depth = *depth
		out = append(out, l)
	}
	return out, nil
}
