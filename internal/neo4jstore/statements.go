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
}

var paramRe = regexp.MustCompile(`\$([A-Za-z_][A-Za-z0-9_]*)`)

// stmt builds a Statement and registers it, so that Statements lists every
// statement the package can send.
func stmt(name, cypher string) Statement {
	cypher = strings.TrimSpace(cypher)
	params := []string{}
	for _, m := range paramRe.FindAllStringSubmatch(cypher, -1) {
		if !slices.Contains(params, m[1]) {
			params = append(params, m[1])
		}
	}
	slices.Sort(params)
	s := Statement{Name: name, Cypher: cypher, Params: params}
	if registry.byName[name] != nil {
		panic("neo4jstore: duplicate statement name " + name)
	}
	registry.list = append(registry.list, &s)
	if registry.byName == nil {
		registry.byName = map[string]*Statement{}
	}
	registry.byName[name] = &s
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
		"query":           "piano*",
		"searchKinds":     []any{"project"},
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

// Reference fields are read from relationships with pattern comprehensions.
// refSource is one way a reference is stored: a relationship of type rel
// from the record (out) or into it, whose other end has label target.
type refSource struct {
	kind   kg.Kind
	rel    kg.RelType
	out    bool
	target string
	props  string // a property map the relationship must match, or ""
}

// refs lists, for each reference key a projection returns, where it comes
// from for each kind of record.
var refs = []struct {
	key     string
	sources []refSource
}{
	{"regionIds", []refSource{
		{kg.KindOrg, kg.RelLocatedIn, true, LabelRegion, ""},
		{kg.KindProject, kg.RelLocatedIn, true, LabelRegion, ""},
		{kg.KindPlace, kg.RelLocatedIn, true, LabelRegion, ""},
		{kg.KindInitiative, kg.RelLocatedIn, true, LabelRegion, ""},
	}},
	{"fundIds", []refSource{
		{kg.KindCall, kg.RelFundedBy, true, LabelFund, ""},
		{kg.KindInitiative, kg.RelFundedBy, true, LabelFund, ""},
		{kg.KindObjective, kg.RelPartOf, true, LabelFund, ""},
	}},
	{"callIds", []refSource{
		{kg.KindProject, kg.RelFundedUnder, true, LabelCall, ""},
		{kg.KindAction, kg.RelHasAction, false, LabelCall, ""},
		{kg.KindAmendment, kg.RelAmendedBy, false, LabelCall, ""},
	}},
	{"leadIds", []refSource{
		{kg.KindProject, kg.RelParticipatesIn, false, LabelOrganization, "{role: 'LEAD'}"},
	}},
	{"issuerIds", []refSource{{kg.KindCall, kg.RelIssuedBy, true, LabelOrganization, ""}}},
	{"objectiveIds", []refSource{{kg.KindCall, kg.RelUnderObjective, true, LabelObjective, ""}}},
	{"municipalityIds", []refSource{{kg.KindPlace, kg.RelInMunicipality, true, LabelBody, ""}}},
}

// projection returns a map projection of node variable v, which holds a
// record of one of the kinds: its stored properties and its references.
func projection(v string, kinds ...kg.Kind) string {
	props := slices.Clone(commonProps)
	for _, k := range kinds {
		props = appendUnique(props, kindProps[k]...)
	}
	var items []string
	for _, p := range props {
		items = append(items, "."+p)
	}
	for _, r := range refs {
		// Group the sources that apply by direction, target and filter, so
		// that one comprehension covers several relationship types.
		type group struct {
			out    bool
			target string
			props  string
			types  []string
		}
		var groups []*group
		for _, src := range r.sources {
			if !slices.Contains(kinds, src.kind) {
				continue
			}
			var g *group
			for _, gg := range groups {
				if gg.out == src.out && gg.target == src.target && gg.props == src.props {
					g = gg
				}
			}
			if g == nil {
				g = &group{out: src.out, target: src.target, props: src.props}
				groups = append(groups, g)
			}
			g.types = appendUnique(g.types, string(src.rel))
		}
		var parts []string
		for _, g := range groups {
			rel := "[:" + strings.Join(g.types, "|")
			if g.props != "" {
				rel += " " + g.props
			}
			rel += "]"
			if g.out {
				parts = append(parts, fmt.Sprintf("[(%s)-%s->(ref:%s) | ref.id]", v, rel, g.target))
			} else {
				parts = append(parts, fmt.Sprintf("[(ref:%s)-%s->(%s) | ref.id]", g.target, rel, v))
			}
		}
		if len(parts) > 0 {
			items = append(items, r.key+": "+strings.Join(parts, " + "))
		}
	}
	return v + " {" + strings.Join(items, ", ") + "}"
}

// allKinds is every kind of node, for lookups by id.
var allKinds = nodeKinds

// orgKinds are the kinds labelled Organization.
var orgKinds = []kg.Kind{kg.KindRegion, kg.KindOrg}

// Reads.
var (
	stPing = stmt("ping", `RETURN 1 AS ok`)

	stNodes = stmt("nodes", `
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN id, `+projection("n", allKinds...)+` AS node`)

	// Aliases: one scan of the records that have aliases, for the ids the
	// lookup by id did not find.
	stNodesByAlias = stmt("nodesByAlias", `
MATCH (n:Entity)
WHERE n.aliases IS NOT NULL AND any(a IN n.aliases WHERE a IN $ids)
UNWIND [a IN n.aliases WHERE a IN $ids] AS id
RETURN id, `+projection("n", allKinds...)+` AS node`)

	stRegions = stmt("regions", `
MATCH (n:Region)
RETURN `+projection("n", kg.KindRegion)+` AS node
ORDER BY n.nutsCode`)

	stRegionsByNUTS = stmt("regionsByNUTS", `
UNWIND $codes AS code
MATCH (n:Region {nutsCode: code})
RETURN code, `+projection("n", kg.KindRegion)+` AS node`)

	stCalls = stmt("calls", `
MATCH (n:Call)
RETURN `+projection("n", kg.KindCall)+` AS node
ORDER BY n.adoptedOn, n.id`)

	stFunds = stmt("funds", `
MATCH (n:Fund)
RETURN `+projection("n", kg.KindFund)+` AS node
ORDER BY n.id`)

	stStats = stmt("stats", `
RETURN COUNT { (n:Entity) } AS nodes, COUNT { (a:Entity)-[r]->(b:Entity) } AS relationships`)

	// Organizations and Projects return one row: the total, whether more
	// follow the page, and the page in id order. A missing cursor is ''
	// (every id sorts after it). A region's region is itself: its own id
	// in regionIds selects it (only regions have region ids).
	stOrganizations = stmt("organizations", `
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
       [m IN rest[..$first] | `+projection("m", orgKinds...)+`] AS items`)

	stProjects = stmt("projects", `
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
       [m IN rest[..$first] | `+projection("m", kg.KindProject)+`] AS items`)

	// The whole graph, for exports and the dataset's version: every record,
	// and every relationship between records with all the properties any
	// type stores (a type's absent ones read as null).
	stDatasetNodes = stmt("dataset.nodes", `
MATCH (n:Entity)
RETURN `+projection("n", allKinds...)+` AS node
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
RETURN `+edgeProjection(kg.RelParticipatesIn)+` AS edge
ORDER BY b.id, a.id`)

	// Search matches every term as a prefix of a word of searchText (see
	// searchQuery); the full-text index's whitespace analyzer keeps the
	// words exactly as kg.Tokenize made them.
	stSearch = stmt("search", `
CALL db.index.fulltext.queryNodes('`+searchIndex+`', $query) YIELD node, score
WHERE node:Entity AND (size($searchKinds) = 0 OR split(node.id, ':')[0] IN $searchKinds)
RETURN node.id AS id, score
ORDER BY score DESC, id
LIMIT $first`)

	// Paths: all shortest paths ignoring direction, ordered as kg.Store
	// documents. Variable-length bounds must be literals: the search goes up
	// to kg.MaxPathLength and longer answers than maxLength are dropped.
	stPaths = stmt("paths", `
MATCH (a:Entity {id: $from})
MATCH (b:Entity {id: $to})
MATCH p = allShortestPaths((a)-[*..`+fmt.Sprint(kg.MaxPathLength)+`]-(b))
WITH p
WHERE length(p) <= $maxLength
RETURN [x IN nodes(p) | x.id] AS nodeIds, [r IN relationships(p) | type(r)] AS relTypes
ORDER BY nodeIds, relTypes
LIMIT $first`)

	// The relationship predicate is checked during the breadth-first search,
	// so the paths are the shortest among those using only these types.
	stPathsRestricted = stmt("pathsRestricted", `
MATCH (a:Entity {id: $from})
MATCH (b:Entity {id: $to})
MATCH p = allShortestPaths((a)-[*..`+fmt.Sprint(kg.MaxPathLength)+`]-(b))
WHERE all(r IN relationships(p) WHERE type(r) IN $relations)
WITH p
WHERE length(p) <= $maxLength
RETURN [x IN nodes(p) | x.id] AS nodeIds, [r IN relationships(p) | type(r)] AS relTypes
ORDER BY nodeIds, relTypes
LIMIT $first`)

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

func edgeProjection(t kg.RelType) string {
	items := []string{"fromId: a.id", "toId: b.id", ".confidence", ".sources"}
	for _, p := range relProps[t] {
		items = append(items, "."+p)
	}
	return "r {" + strings.Join(items, ", ") + "}"
}

// relatedSpecs defines each kg.NodeQuery: the pattern from the record s with
// id `id` to the related records n, their kinds and their order. They follow
// the definitions of the embedded store (internal/memstore/queries.go).
var relatedSpecs = []struct {
	q       kg.NodeQuery
	pattern string
	kinds   []kg.Kind
	order   string
}{
	{kg.CallProjects, "(s)<-[:FUNDED_UNDER]-(n:Project)", []kg.Kind{kg.KindProject}, byID},
	{kg.CallActions, "(s)-[:HAS_ACTION]->(n:Action)", []kg.Kind{kg.KindAction}, byCode},
	{kg.CallRegions, "(s)<-[:TAKES_PART_IN]-(n:Region)", []kg.Kind{kg.KindRegion}, byNUTS},
	{kg.CallAmendments, "(s)-[:AMENDED_BY]->(n:Amendment)", []kg.Kind{kg.KindAmendment}, byDate},
	{kg.CallObjectives, "(s)-[:UNDER_OBJECTIVE]->(n:Objective)", []kg.Kind{kg.KindObjective}, byID},
	{kg.CallCapitalisesOn, "(s)-[:CAPITALISES_ON|CONTINUES]->(n:Call)", []kg.Kind{kg.KindCall}, byAdoption},
	{kg.CallCapitalisedBy, "(s)<-[:CAPITALISES_ON|CONTINUES]-(n:Call)", []kg.Kind{kg.KindCall}, byAdoption},
	{kg.FundCalls, "(s)<-[:FUNDED_BY]-(n:Call)", []kg.Kind{kg.KindCall}, byAdoption},
	{kg.FundObjectives, "(s)<-[:PART_OF]-(n:Objective)", []kg.Kind{kg.KindObjective}, byID},
	{kg.RegionCalls, "(s)-[:TAKES_PART_IN]->(n:Call)", []kg.Kind{kg.KindCall}, byAdoption},
	{kg.RegionBodies, "(s)<-[:LOCATED_IN]-(n:Body)", []kg.Kind{kg.KindOrg}, byID},
	{kg.RegionProjects, "(s)<-[:LOCATED_IN]-(n:Project)", []kg.Kind{kg.KindProject}, byID},
	{kg.RegionPlaces, "(s)<-[:LOCATED_IN]-(n:Place)", []kg.Kind{kg.KindPlace}, byID},
	{kg.RegionInitiatives, "(s)<-[:LOCATED_IN]-(n:Initiative)", []kg.Kind{kg.KindInitiative}, byID},
	{kg.ProjectActions, "(s)-[:IMPLEMENTS]->(n:Action)", []kg.Kind{kg.KindAction}, byCode},
	{kg.ProjectCapitalisesOn, "(s)-[:CAPITALISES_ON|CONTINUES]->(n:Project)", []kg.Kind{kg.KindProject}, byID},
	{kg.ProjectCapitalisedBy, "(s)<-[:CAPITALISES_ON|CONTINUES]-(n:Project)", []kg.Kind{kg.KindProject}, byID},
	{kg.ProjectPlaces, "(s)-[:WORKS_AT]->(n:Place)", []kg.Kind{kg.KindPlace}, byID},
	{kg.OrgPlaces, "(s)-[:WORKS_AT]->(n:Place)", []kg.Kind{kg.KindPlace}, byID},
	{kg.PlaceProjects, "(s)<-[:WORKS_AT]-(n:Project)", []kg.Kind{kg.KindProject}, byID},
	{kg.PlaceOrganizations, "(s)<-[:WORKS_AT]-(n:Organization)", orgKinds, byID},
	{kg.PlaceInitiatives, "(s)<-[:WORKS_AT]-(n:Initiative)", []kg.Kind{kg.KindInitiative}, byID},
	{kg.InitiativePlaces, "(s)-[:WORKS_AT]->(n:Place)", []kg.Kind{kg.KindPlace}, byID},
	{kg.IssuerCalls, "(s)<-[:ISSUED_BY]-(n:Call)", []kg.Kind{kg.KindCall}, byAdoption},
}

// Orders of related records. Cypher sorts missing values last, as the
// embedded store does.
const (
	byID       = "n.id"
	byCode     = "n.code, n.id"
	byNUTS     = "n.nutsCode"
	byDate     = "n.date, n.id"
	byAdoption = "n.adoptedOn, n.id"
)

// stRelated holds the statement of each kg.NodeQuery.
var stRelated = func() map[kg.NodeQuery]Statement {
	m := map[kg.NodeQuery]Statement{}
	for _, sp := range relatedSpecs {
		m[sp.q] = stmt("related."+string(sp.q), `
UNWIND $ids AS id
MATCH (s:Entity {id: id})
MATCH `+sp.pattern+`
WITH DISTINCT id, n
RETURN id, `+projection("n", sp.kinds...)+` AS node
ORDER BY id, `+sp.order)
	}
	return m
}()

// edgeSpecs defines each kg.EdgeQuery: the relationship r from a to b, which
// end is the record with id `id`, and the order of the results.
var edgeSpecs = []struct {
	q     kg.EdgeQuery
	rel   kg.RelType
	out   bool // the record is a (the relationship leaves it)
	order string
}{
	{kg.OrgParticipations, kg.RelParticipatesIn, true, "b.id"},
	{kg.ProjectParticipants, kg.RelParticipatesIn, false,
		"CASE r.role WHEN 'LEAD' THEN 0 WHEN 'PARTNER' THEN 1 WHEN 'ADHERENT' THEN 2 ELSE 3 END, a.id"},
	{kg.OrgInvolvements, kg.RelInvolvedIn, true, "b.id, r.relation"},
	{kg.ProjectInvolvements, kg.RelInvolvedIn, false, "r.relation, a.id"},
	{kg.AmendmentAdherents, kg.RelAdheresTo, false, "a.id"},
	{kg.ProjectActionDetails, kg.RelImplements, true, "b.id"},
	{kg.CallRegionLinks, kg.RelTakesPartIn, false, "a.id"},
	{kg.RegionCallLinks, kg.RelTakesPartIn, true, "b.id"},
	{kg.GroupMembers, kg.RelMemberOf, false, "a.id"},
	{kg.OrgGroups, kg.RelMemberOf, true, "b.id"},
	{kg.WorkerPlaceLinks, kg.RelWorksAt, true, "b.id"},
	{kg.PlaceWorkerLinks, kg.RelWorksAt, false, "a.id"},
}

// stEdges holds the statement of each kg.EdgeQuery.
var stEdges = func() map[kg.EdgeQuery]Statement {
	m := map[kg.EdgeQuery]Statement{}
	for _, sp := range edgeSpecs {
		match := "(a:Entity {id: id})-[r:" + string(sp.rel) + "]->(b:Entity)"
		if !sp.out {
			match = "(a:Entity)-[r:" + string(sp.rel) + "]->(b:Entity {id: id})"
		}
		m[sp.q] = stmt("edges."+string(sp.q), `
UNWIND $ids AS id
MATCH `+match+`
RETURN id, `+edgeProjection(sp.rel)+` AS edge
ORDER BY id, `+sp.order)
	}
	return m
}()
