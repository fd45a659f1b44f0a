package neo4jstore

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/famigraph/famigraph/internal/kg"
)

// Statement is one Cypher statement the adapter can send, with the names of
// its parameters. Every statement is built once, at package initialisation,
// from constant text: values only ever travel as parameters.
type Statement struct {
	Name   string   `json:"name"`
	Cypher string   `json:"cypher"`
	Params []string `json:"params"`
	// lean is the statement's twin without the provenance (see readStmt),
	// for the reads that have one.
	lean *Statement
	// columns names the columns of each row, for a statement that returns
	// its rows as one list (see rowsStmt); nil for one that streams them.
	columns []string
	// shared marks a statement whose rows name their record by id, each
	// record sent once in a list of its own (see sharedRowsStmt).
	shared bool
}

var paramRe = regexp.MustCompile(`\$([A-Za-z_][A-Za-z0-9_]*)`)

// stmt builds a Statement and registers it, so that Statements lists every
// statement the package can send.
func stmt(name, cypher string) Statement {
	return register(Statement{Name: name, Cypher: strings.TrimSpace(cypher)})
}

// register lists s, with the names of its parameters, and returns it.
func register(s Statement) Statement {
	s.Params = []string{}
	for _, m := range paramRe.FindAllStringSubmatch(s.Cypher, -1) {
		if !slices.Contains(s.Params, m[1]) {
			s.Params = append(s.Params, m[1])
		}
	}
	slices.Sort(s.Params)
	if registry.byName[s.Name] != nil {
		panic("neo4jstore: duplicate statement name " + s.Name)
	}
	registry.list = append(registry.list, &s)
	if registry.byName == nil {
		registry.byName = map[string]*Statement{}
	}
	registry.byName[s.Name] = &s
	return s
}

var registry struct {
	list   []*Statement
	byName map[string]*Statement
}

// Statements returns every statement the adapter can send, in a fixed
// order; make cypher-check runs each through Neo4j's Cypher analyser.
func Statements() []Statement {
	out := make([]Statement, len(registry.list))
	for i, s := range registry.list {
		out[i] = *s
	}
	return out
}

// ExampleParams returns a value of the right type for every parameter name
// the statements use, for the Cypher analyser.
func ExampleParams() map[string]any {
	return map[string]any{
		"ids":   []any{"project:example"},
		"codes": []any{"ITC1"},
		"rows": []any{map[string]any{"id": "project:example", "from": "org:example", "to": "project:example",
			"hash": "0", "props": map[string]any{"id": "project:example"}}},
		"keys":            []any{"FUNDED_UNDER|project:example|call:example"},
		"kinds":           []any{"MUNICIPALITY"},
		"regionIds":       []any{"region:example"},
		"callIds":         []any{"call:example"},
		"organizationIds": []any{"org:example"},
		"roles":           []any{"LEAD"},
		"confidences":     []any{"HIGH", "MEDIUM"},
		"after":           "",
		"first":           int64(50),
		"terms":           []any{"piano"},
		"termQueries":     []any{"piano*"},
		"from":            "org:example",
		"to":              "project:example",
		"maxLength":       int64(4),
		"relations":       []any{"PARTICIPATES_IN"},
		"of":              "call:example",
		"maxDepth":        int64(5),
		"timeoutSeconds":  int64(300),
		"activeFrom":      "2018-01-01",
		"activeTo":        "",
	}
}

// projection returns the record that node variable v holds, which is of
// one of the kinds: for one kind, its map projection (kindProjection); for
// several, a CASE on the kinds' own labels, so that each record reads only
// its own kind's properties and references. lean leaves the provenance out
// (see readStmt).
func projection(v string, lean bool, kinds ...kg.Kind) string {
	if len(kinds) == 1 {
		return kindProjection(v, lean, kinds[0])
	}
	var b strings.Builder
	b.WriteString("CASE")
	for _, k := range kinds {
		fmt.Fprintf(&b, " WHEN %s:%s THEN %s", v, kindLabels[k][0], kindProjection(v, lean, k))
	}
	b.WriteString(" END")
	return b.String()
}

// kindProjection returns a map projection of node variable v, which holds
// a record of kind k: its stored properties (readProps and the kind's
// table) and its references, each read with a pattern comprehension from
// the relationships its catalogue row names. References that share a key
// share its list: the comprehensions that follow the same direction,
// target and role are merged into one over several relationship types.
func kindProjection(v string, lean bool, k kg.Kind) string {
	var items []string
	for _, p := range appendUnique(readProps(lean), kindTables[k].props()...) {
		items = append(items, "."+p)
	}
	type group struct {
		out    bool
		target string
		role   kg.Role
		types  []kg.RelType
	}
	var keys []string
	groups := map[string][]*group{}
	for _, ref := range kindTables[k].refs() {
		r := ref.rel
		g := &group{out: r.Out, target: label(r.Kinds), role: r.Role}
		i := slices.IndexFunc(groups[ref.key], func(h *group) bool {
			return h.out == g.out && h.target == g.target && h.role == g.role
		})
		if i < 0 {
			keys = appendUnique(keys, ref.key)
			groups[ref.key] = append(groups[ref.key], g)
		} else {
			g = groups[ref.key][i]
		}
		g.types = appendUnique(g.types, r.Rels...)
	}
	for _, key := range keys {
		var parts []string
		for _, g := range groups[key] {
			parts = append(parts, reference(v, g.out, relTypes(g.types), g.target, g.role))
		}
		items = append(items, key+": "+strings.Join(parts, " + "))
	}
	return v + " {" + strings.Join(items, ", ") + "}"
}

// reference is the pattern comprehension that lists the ids of the records
// linked to v by one of types (out of v when out) labelled target, through
// relationships with the role when one is given. The role is tested on each
// of v's relationships, outside the pattern: as a condition of the pattern
// ({role: '…'} or WHERE), Neo4j 5.26 reads it from the index on
// PARTICIPATES_IN(role), every relationship of the graph with that role for
// each record, rather than expand the record's own relationships.
func reference(v string, out bool, types, target string, role kg.Role) string {
	rel, id := "[:"+types+"]", "ref.id"
	if role != "" {
		rel, id = "[e:"+types+"]", "CASE e."+relPropRole+" WHEN '"+string(role)+"' THEN ref.id END"
	}
	pattern := fmt.Sprintf("(%s)<-%s-(ref:%s)", v, rel, target)
	if out {
		pattern = fmt.Sprintf("(%s)-%s->(ref:%s)", v, rel, target)
	}
	if role == "" {
		return "[" + pattern + " | " + id + "]"
	}
	return "[x IN [" + pattern + " | " + id + "] WHERE x IS NOT NULL]"
}

// readProps returns the properties every record's projection returns:
// commonProps, without the provenance when lean.
func readProps(lean bool) []string {
	if !lean {
		return slices.Clone(commonProps)
	}
	return slices.DeleteFunc(slices.Clone(commonProps), func(p string) bool { return slices.Contains(provenanceProps, p) })
}

// readStmt registers a read that returns records or relationships, built
// by build, and its lean twin: the same statement built without the
// provenance, which the store sends under kg.WithoutProvenance. The
// provenance is most of what a record weighs (on the map query, four
// fifths of the bytes read).
func readStmt(name string, build func(lean bool) string) Statement {
	return twins(Statement{Name: name}, build)
}

// rowsStmt is readStmt for a read of many rows: it returns them in one
// row, as one list, in their order (see collectRows), and the store reads
// them back as rows. The Go driver answers each row in a message of its
// own and, against a server that sends Bolt's connection.recv_timeout_seconds
// hint (Neo4j 5 does by default), reads each message with two goroutines
// and two timers: one row instead of hundreds halved famigraph's CPU on
// the map query (docs/benchmarks.md).
func rowsStmt(name string, build func(lean bool) string) Statement {
	_, columns := collectRows(build(false))
	return twins(Statement{Name: name, columns: columns}, func(lean bool) string {
		cypher, _ := collectRows(build(lean))
		return cypher
	})
}

// sharedRowsStmt is rowsStmt for a read of (id, node) rows in which one
// record may answer many ids (a call that many regions take part in):
// rows is the statement up to `WITH id, n` and its ORDER BY, one row per
// id and record of kinds. The rows come back as [id, the record's id], and
// each record once, projected, in a second list, nodes: projecting a record
// for every id it answers repeated its reference lists (pattern
// comprehensions over a call's hundreds of relationships) and its bytes as
// many times.
func sharedRowsStmt(name string, kinds []kg.Kind, rows string) Statement {
	return twins(Statement{Name: name, columns: []string{"id", "node"}, shared: true}, func(lean bool) string {
		return rows + `
WITH collect([id, n.id]) AS rows, collect(DISTINCT n) AS found
CALL (found) {
  UNWIND found AS n
  RETURN collect([n.id, ` + projection("n", lean, kinds...) + `]) AS nodes
}
RETURN rows, nodes`
	})
}

// twins registers a read like s, built by build, and its lean twin.
func twins(s Statement, build func(lean bool) string) Statement {
	lean := s
	lean.Name, lean.Cypher = s.Name+".lean", strings.TrimSpace(build(true))
	lean = register(lean)
	s.Cypher, s.lean = strings.TrimSpace(build(false)), &lean
	return register(s)
}

// collectRows rewrites a statement whose last clause is RETURN (with an
// optional ORDER BY) into one that returns a single row, rows: the list
// of the rows the statement returned, in their order, each a list of its
// columns. It returns the statement and the columns' names.
func collectRows(cypher string) (string, []string) {
	i := strings.LastIndex(cypher, "\nRETURN ")
	if i < 0 {
		panic("neo4jstore: no RETURN clause to collect in " + cypher)
	}
	items, order, _ := strings.Cut(cypher[i+len("\nRETURN "):], "\nORDER BY ")
	var columns []string
	for _, item := range topLevel(items, ',') {
		item = strings.TrimSpace(item)
		if j := strings.LastIndex(item, " AS "); j >= 0 {
			item = item[j+len(" AS "):]
		}
		if !identRe.MatchString(item) {
			panic("neo4jstore: cannot name the column " + item)
		}
		columns = append(columns, item)
	}
	out := cypher[:i] + "\nWITH " + items
	if order != "" {
		out += "\nORDER BY " + order
	}
	return out + "\nRETURN collect([" + strings.Join(columns, ", ") + "]) AS rows", columns
}

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// topLevel splits s at each sep outside brackets, braces, parentheses and
// quotes.
func topLevel(s string, sep byte) []string {
	var parts []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == sep && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// allKinds is every kind of node, for lookups by id.
var allKinds = nodeKinds

// orgKinds are the kinds labelled Organization.
var orgKinds = []kg.Kind{kg.KindRegion, kg.KindOrg}

// Reads.
var (
	stPing = stmt("ping", `RETURN 1 AS ok`)

	stComponents = stmt("components", `
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions, edition`)

	stNodes = rowsStmt("nodes", func(lean bool) string {
		return `
` + eachID("n", "", "n") + `
RETURN id, ` + projection("n", lean, allKinds...) + ` AS node`
	})

	// Aliases: one scan of the records that have aliases, for the ids the
	// lookup by id did not find.
	stNodesByAlias = rowsStmt("nodesByAlias", func(lean bool) string {
		return `
MATCH (n:Entity)
WHERE n.aliases IS NOT NULL AND any(a IN n.aliases WHERE a IN $ids)
UNWIND [a IN n.aliases WHERE a IN $ids] AS id
RETURN id, ` + projection("n", lean, allKinds...) + ` AS node`
	})

	stRegions = rowsStmt("regions", func(lean bool) string {
		return `
MATCH (n:Region)
RETURN ` + projection("n", lean, kg.KindRegion) + ` AS node
ORDER BY n.nutsCode`
	})

	stRegionsByNUTS = rowsStmt("regionsByNUTS", func(lean bool) string {
		return `
UNWIND $codes AS code
MATCH (n:Region {nutsCode: code})
RETURN code, ` + projection("n", lean, kg.KindRegion) + ` AS node`
	})

	stCalls = rowsStmt("calls", func(lean bool) string {
		return `
MATCH (n:Call)
RETURN ` + projection("n", lean, kg.KindCall) + ` AS node
ORDER BY n.adoptedOn, n.id`
	})

	stFunds = rowsStmt("funds", func(lean bool) string {
		return `
MATCH (n:Fund)
RETURN ` + projection("n", lean, kg.KindFund) + ` AS node
ORDER BY n.id`
	})

	stStats = stmt("stats", `
RETURN COUNT { (n:Entity) } AS nodes, COUNT { (a:Entity)-[r]->(b:Entity) } AS relationships`)

	// Organizations and Projects return one row: the total, whether more
	// follow the page, and the page in id order. A missing cursor is ''
	// (every id sorts after it). A region's region is itself: its own id
	// in regionIds selects it (only regions have region ids).
	stOrganizations = readStmt("organizations", func(lean bool) string {
		return `
MATCH (n:Organization)
WHERE (size($kinds) = 0 OR n.kind IN $kinds OR any(k IN coalesce(n.networkKinds, []) WHERE k IN $kinds))
  AND (size($regionIds) = 0
       OR n.id IN $regionIds
       OR EXISTS { (n)-[:LOCATED_IN]->(g:Region) WHERE g.id IN $regionIds })
  AND ((size($callIds) = 0 AND size($roles) = 0)
       OR EXISTS {
         (n)-[e:PARTICIPATES_IN]->(p:Project)
         WHERE (size($roles) = 0 OR e.role IN $roles)
           AND (size($callIds) = 0 OR EXISTS { (p)-[:FUNDED_UNDER]->(c:Call) WHERE c.id IN $callIds })
       })
WITH n ORDER BY n.id
WITH collect(n) AS matches
WITH size(matches) AS total, [m IN matches WHERE m.id > $after] AS rest
RETURN total, size(rest) > $first AS hasNext,
       [m IN rest[..$first] | ` + projection("m", lean, orgKinds...) + `] AS items`
	})

	stProjects = readStmt("projects", func(lean bool) string {
		return `
MATCH (n:Project)
WHERE (size($confidences) = 0 OR n.confidence IN $confidences)
  AND (size($callIds) = 0 OR EXISTS { (n)-[:FUNDED_UNDER]->(c:Call) WHERE c.id IN $callIds })
  AND (size($regionIds) = 0 OR EXISTS { (n)-[:LOCATED_IN]->(g:Region) WHERE g.id IN $regionIds })
  AND (size($organizationIds) = 0 OR EXISTS {
         (o:Organization)-[e:PARTICIPATES_IN]->(n)
         WHERE o.id IN $organizationIds AND (size($roles) = 0 OR e.role IN $roles)
       })
WITH n ORDER BY n.id
WITH collect(n) AS matches
WITH size(matches) AS total, [m IN matches WHERE m.id > $after] AS rest
RETURN total, size(rest) > $first AS hasNext,
       [m IN rest[..$first] | ` + projection("m", lean, kg.KindProject) + `] AS items`
	})

	// The whole graph, for exports and the dataset's version: every record,
	// and every relationship between records with all the properties any
	// type stores (a type's absent ones read as null).
	stDatasetNodes = stmt("dataset.nodes", `
MATCH (n:Entity)
RETURN `+projection("n", false, allKinds...)+` AS node
ORDER BY n.id`)

	stDatasetRelationships = stmt("dataset.relationships", `
MATCH (a:Entity)-[r]->(b:Entity)
RETURN type(r) AS type, `+allEdgesProjection()+` AS edge
ORDER BY type, a.id, b.id`)

	// A project's period is its own dates, else its call's; an end that
	// neither states does not exclude it. activeFrom and activeTo are ''
	// when not asked.
	// A complete group (every member identified) is left out: its members
	// take part by name (see kg.Group.Complete).
	stParticipations = stmt("participations", `
MATCH (a:Organization)-[r:PARTICIPATES_IN]->(b:Project)
WHERE NOT coalesce(a.groupKnownMembers >= a.groupDeclaredSize, false)
  AND (size($confidences) = 0 OR (b.confidence IN $confidences AND r.confidence IN $confidences))
  AND (size($callIds) = 0 OR EXISTS { (b)-[:FUNDED_UNDER]->(c:Call) WHERE c.id IN $callIds })
  AND (size($regionIds) = 0 OR EXISTS { (b)-[:LOCATED_IN]->(g:Region) WHERE g.id IN $regionIds })
  AND (size($kinds) = 0 OR a.kind IN $kinds)
WITH a, r, b,
     coalesce(b.startDate, head([(b)-[:FUNDED_UNDER]->(c:Call) | c.startDate])) AS startsOn,
     coalesce(b.endDate, head([(b)-[:FUNDED_UNDER]->(c:Call) | c.endDate])) AS endsOn
WHERE ($activeFrom = '' OR endsOn IS NULL OR endsOn >= date($activeFrom))
  AND ($activeTo = '' OR startsOn IS NULL OR startsOn <= date($activeTo))
RETURN `+edgeProjection(kg.RelParticipatesIn, false)+` AS edge
ORDER BY b.id, a.id`)

	// Search matches every term as a prefix of a word of searchText (see
	// searchQuery); the full-text index's whitespace analyzer keeps the
	// words exactly as kg.Tokenize made them.
	// Search: for each term, the words of the records that hold a word
	// starting with it (the full-text index finds them), each word with the
	// ids of the records holding it and its weight in each, and the number of
	// records. Search scores them in Go exactly as the embedded store does:
	// the score of a record needs every record holding each matching word
	// (its document frequency), not only the records that match every term.
	stSearch = stmt("search", `
MATCH (e:Entity)
WITH count(e) AS docs
UNWIND range(0, size($terms) - 1) AS i
CALL db.index.fulltext.queryNodes('`+searchIndex+`', $termQueries[i]) YIELD node
WHERE node:Entity
UNWIND range(0, size(node.searchWords) - 1) AS j
WITH docs, i, node, j
WHERE node.searchWords[j] STARTS WITH $terms[i]
RETURN docs, i AS term, node.searchWords[j] AS word, collect(node.id) AS ids, collect(node.searchWeights[j]) AS weights`)

	// Paths: all shortest paths ignoring direction, ordered as kg.Store
	// documents. Variable-length bounds must be literals: the search goes up
	// to kg.MaxPathLength and longer answers than maxLength are dropped.
	stPaths = pathsStatement("paths", "")

	// The relationship predicate is checked during the breadth-first search,
	// so the paths are the shortest among those using only these types.
	stPathsRestricted = pathsStatement("pathsRestricted", "\nWHERE all(r IN relationships(p) WHERE type(r) IN $relations)")

	// Lineage: each record's breadth-first distance from the start is the
	// length of the shortest walk to it; its links are one step further.
	stLineageBackward = stmt("lineageBackward", `
MATCH (s:Entity {id: $of})
MATCH w = (s)-[:`+lineageTypes+`*0..`+fmt.Sprint(kg.MaxLineageDepth-1)+`]->(n:Entity)
WITH n, min(length(w)) AS dist
WHERE dist < $maxDepth
MATCH (n)-[r:`+lineageTypes+`]->(m:Entity)
RETURN n.id AS fromId, m.id AS toId, type(r) AS relation, dist + 1 AS depth, r.sources AS sources
ORDER BY depth, fromId, toId, relation`)

	stLineageForward = stmt("lineageForward", `
MATCH (s:Entity {id: $of})
MATCH w = (s)<-[:`+lineageTypes+`*0..`+fmt.Sprint(kg.MaxLineageDepth-1)+`]-(n:Entity)
WITH n, min(length(w)) AS dist
WHERE dist < $maxDepth
MATCH (n)<-[r:`+lineageTypes+`]-(m:Entity)
RETURN m.id AS fromId, n.id AS toId, type(r) AS relation, dist + 1 AS depth, r.sources AS sources
ORDER BY depth, fromId, toId, relation`)
)

// pathsStatement is the statement of shortest paths, with a condition on
// the paths the search considers.
func pathsStatement(name, where string) Statement {
	return stmt(name, `
MATCH (a:Entity {id: $from})
MATCH (b:Entity {id: $to})
MATCH p = allShortestPaths((a)-[*..`+fmt.Sprint(kg.MaxPathLength)+`]-(b))`+where+`
WITH p
WHERE length(p) <= $maxLength
RETURN [x IN nodes(p) | x.id] AS nodeIds, [r IN relationships(p) | type(r)] AS relTypes
ORDER BY nodeIds, relTypes
LIMIT $first`)
}

var lineageTypes = string(kg.RelCapitalisesOn) + "|" + string(kg.RelContinues)

// searchIndex is the name of the full-text index.
const searchIndex = "entity_search"

// edgeProjection returns a map of the relationship r from a to b.
// allEdgesProjection is edgeProjection for a relationship of any type.
func allEdgesProjection() string {
	items := []string{"fromId: a.id", "toId: b.id", ".confidence", ".sources"}
	for _, t := range kg.RelTypes {
		for _, p := range relProps[t] {
			items = appendUnique(items, "."+p)
		}
	}
	return "r {" + strings.Join(items, ", ") + "}"
}

func edgeProjection(t kg.RelType, lean bool) string {
	items := []string{"fromId: a.id", "toId: b.id", ".confidence"}
	if !lean {
		items = append(items, "."+propSources)
	}
	for _, p := range relProps[t] {
		items = append(items, "."+p)
	}
	return "r {" + strings.Join(items, ", ") + "}"
}

// The statements of the catalogue's rows (kg.Catalogue): one per traversal
// and one per relationship lookup, each batched over $ids with UNWIND and
// generated from the row, so that the embedded store and this adapter read
// the same definition.

// label returns the label every record of the kinds carries (a common one
// for several kinds, e.g. Organization for bodies and regions).
func label(kinds []kg.Kind) string {
	for _, l := range kindLabels[kinds[0]] {
		common := true
		for _, k := range kinds[1:] {
			common = common && slices.Contains(kindLabels[k], l)
		}
		if common {
			return l
		}
	}
	panic(fmt.Sprintf("neo4jstore: kinds %v share no label", kinds))
}

// relTypes is a relationship pattern's types.
func relTypes(rels []kg.RelType) string {
	types := make([]string, len(rels))
	for i, r := range rels {
		types[i] = string(r)
	}
	return strings.Join(types, "|")
}

// sortExprs gives the Cypher expression of each sort key: node keys over
// the related record n, edge keys over the relationship r from a to b.
// Cypher sorts missing values last, as kg.CompareNodes does.
var sortExprs = map[kg.SortKey]string{
	kg.ByID: "n.id", kg.ByCode: "n.code", kg.ByNUTS: "n.nutsCode", kg.ByDate: "n.date", kg.ByAdoption: "n.adoptedOn",
	kg.ByFrom: "a.id", kg.ByTo: "b.id", kg.ByRelation: "r.relation", kg.ByRole: roleRank(),
}

// roleRank is kg.Role.Rank in Cypher.
func roleRank() string {
	var b strings.Builder
	b.WriteString("CASE r.role")
	for _, r := range kg.Roles {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", r, r.Rank())
	}
	fmt.Fprintf(&b, " ELSE %d END", kg.Role("").Rank())
	return b.String()
}

func orderBy(keys []kg.SortKey) string {
	exprs := make([]string, len(keys))
	for i, k := range keys {
		exprs[i] = sortExprs[k]
	}
	return strings.Join(exprs, ", ")
}

// whereClauses gives the condition each filter of kg.Where sets on the
// related record n; an empty parameter keeps every record.
var whereClauses = map[kg.WhereArg]string{
	kg.WhereCallIDs: "(size($callIds) = 0 OR EXISTS { (n)-[:" + string(kg.RelFundedUnder) + "]->(c:Call) WHERE c.id IN $callIds })",
	kg.WhereKinds:   "(size($kinds) = 0 OR n.kind IN $kinds)",
}

// eachID starts a lookup: for each id of $ids, in a subquery of its own,
// the record v with that id, found in the id index, then what then matches
// from it, returning ret. Written as one MATCH after the UNWIND, Neo4j 5.26
// planned the traversals and relationship reads as a scan of the whole id
// index for each id: work in the number of ids times the number of records,
// whatever the answer (0.5–1.5 s of Neo4j's CPU for a map request at scale
// 10). The subquery (the id one value) and the hint make the seek the plan
// on current statistics; on statistics older than the data, some lookups
// still scanned, which is why a seed ends by refreshing them (stReplan).
// TestLookupsSeekByID reads the plans.
func eachID(v, then, ret string) string {
	return `
UNWIND $ids AS id
CALL (id) {
  MATCH (` + v + `:` + LabelEntity + ` {` + propID + `: id})
  USING INDEX ` + v + `:` + LabelEntity + `(` + propID + `)` + then + `
  RETURN ` + ret + `
}`
}

// relatedStatement is the statement of a traversal row.
func relatedStatement(r *kg.Rel) Statement {
	pattern := "(s)<-[:" + relTypes(r.Rels) + "]-(n:" + label(r.Kinds) + ")"
	if r.Out {
		pattern = "(s)-[:" + relTypes(r.Rels) + "]->(n:" + label(r.Kinds) + ")"
	}
	var conds []string
	for _, a := range whereArgs(r) {
		conds = append(conds, whereClauses[a])
	}
	where := ""
	if len(conds) > 0 {
		where = "\n  WHERE " + strings.Join(conds, " AND ")
	}
	return sharedRowsStmt("related."+string(r.Node), r.Kinds, eachID("s", "\n  MATCH "+pattern+where, "DISTINCT n")+`
WITH id, n
ORDER BY id, `+orderBy(r.Sort))
}

// whereArgs lists the filters a row's arguments set, in a fixed order.
func whereArgs(r *kg.Rel) []kg.WhereArg {
	var out []kg.WhereArg
	for _, a := range r.Args {
		out = appendUnique(out, a)
	}
	slices.Sort(out)
	return out
}

// edgesStatement is the statement of a relationship row: the relationship
// r from a to b, the record with id `id` at the end the row leaves from.
func edgesStatement(r *kg.Rel) Statement {
	t := string(r.Rels[0])
	from, then := "a", "\n  MATCH (a)-[r:"+t+"]->(b:Entity)"
	if !r.Out {
		from, then = "b", "\n  MATCH (a:Entity)-[r:"+t+"]->(b)"
	}
	return rowsStmt("edges."+string(r.Edge), func(lean bool) string {
		return eachID(from, then, "a, r, b") + `
RETURN id, ` + edgeProjection(r.Rels[0], lean) + ` AS edge
ORDER BY id, ` + orderBy(r.Sort)
	})
}

// stRelated and stEdges hold the statement of each row.
var (
	stRelated = func() map[kg.NodeQuery]Statement {
		m := map[kg.NodeQuery]Statement{}
		for _, r := range kg.NodeRels() {
			m[r.Node] = relatedStatement(r)
		}
		return m
	}()
	stEdges = func() map[kg.EdgeQuery]Statement {
		m := map[kg.EdgeQuery]Statement{}
		for _, r := range kg.EdgeRels() {
			m[r.Edge] = edgesStatement(r)
		}
		return m
	}()
)
