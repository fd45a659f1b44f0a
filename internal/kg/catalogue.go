package kg

import (
	"cmp"
	"slices"
	"strings"
)

// The relationship catalogue. Every GraphQL field that leads from a record
// to other records is declared here once, by one row: the fields it serves,
// how the related records are found, their order and what a list of them
// is estimated to hold. Everything else is derived from the rows: the
// embedded store's traversals (memstore), the Neo4j adapter's batched
// statements (neo4jstore), the GraphQL prefetcher's plan and its resolvers
// (graph), and the cost model's list sizes. Adding a relationship field
// takes the schema, one row and a test (see docs/architecture.md).

// A Rel is one row of the catalogue. Exactly one of Node, Edge and Ref is
// set:
//   - Node: a traversal from the parent record along Rels (leaving it when
//     Out) to the records of Kinds, in the order Sort;
//   - Edge: the relationships of type Rels[0] that leave (Out) or enter the
//     parent, with their own properties, in the order Sort;
//   - Ref: records whose ids the parent holds itself (a reference the
//     adapters fill in, the end of a relationship, an analytics result).
//     A reference a record holds of the graph's relationships says which
//     (Rels, Out, Kinds and Role, as a traversal would): a store that keeps
//     references only as relationships reads it back from them.
type Rel struct {
	// Fields are the GraphQL fields the row serves, as "Type.field".
	Fields []string
	Node   NodeQuery
	Edge   EdgeQuery
	Ref    *Ref
	Rels   []RelType
	Out    bool
	Kinds  []Kind    // the kinds of the related records (Node rows, stored references)
	Sort   []SortKey // the order of the results, most significant first
	// Role narrows a stored reference to the relationships in which the
	// record takes part in this role (Project.lead: the LEAD participant).
	Role Role
	// Args maps the fields' GraphQL arguments to the filter they set
	// (Node rows); the store applies it, see Where.
	Args map[string]WhereArg
	// Missing says what a Ref row gives for an id that is empty or names
	// no record.
	Missing Missing
	// ListSize estimates the length of the field's list for the cost
	// model; zero for a field that returns one record.
	ListSize int
}

// Key names the row: its query, or for a Ref row its first field.
func (r *Rel) Key() string {
	switch {
	case r.Node != "":
		return string(r.Node)
	case r.Edge != "":
		return string(r.Edge)
	}
	return r.Fields[0]
}

// Missing says how a reference treats an id that resolves to nothing.
type Missing int

// The ways a reference may be missing.
const (
	// Required: the id must name a record; anything else is a broken
	// dataset (an internal error).
	Required Missing = iota
	// Optional: an empty id is null; a non-empty one must name a record.
	Optional
	// Lenient: an empty id or one that names no record is null.
	Lenient
)

// SortKey is one key of the order of a row's results. Node keys compare
// the related records, edge keys the relationships; ties on every key of a
// row do not occur (the last key is an id).
type SortKey string

// The sort keys. Missing values sort last, as Cypher's ORDER BY does.
const (
	ByID       SortKey = "id"        // the record's id
	ByCode     SortKey = "code"      // an action's code
	ByNUTS     SortKey = "nutsCode"  // a region's NUTS code
	ByDate     SortKey = "date"      // an amendment's date
	ByAdoption SortKey = "adoptedOn" // a call's adoption date
	ByFrom     SortKey = "from"      // the id of the relationship's start
	ByTo       SortKey = "to"        // the id of the relationship's end
	ByRole     SortKey = "role"      // the role's rank, lead first (Role.Rank)
	ByRelation SortKey = "relation"  // an involvement's relation
)

// NodeSortKeys and EdgeSortKeys list the keys each kind of row may use.
var (
	NodeSortKeys = []SortKey{ByID, ByCode, ByNUTS, ByDate, ByAdoption}
	EdgeSortKeys = []SortKey{ByFrom, ByTo, ByRole, ByRelation}
)

// WhereArg names the filter a GraphQL argument sets.
type WhereArg string

// The filters a traversal's arguments may set.
const (
	WhereCallIDs WhereArg = "callIds" // projects funded under one of the calls
	WhereKinds   WhereArg = "kinds"   // bodies of one of the kinds
)

// Where narrows the records a traversal returns. Its zero value does not
// filter; an empty field does not filter.
type Where struct {
	CallIDs []string  // a project funded under one of these calls
	Kinds   []OrgKind // an organization of one of these kinds
}

// IsZero reports whether w does not filter.
func (w Where) IsZero() bool { return len(w.CallIDs) == 0 && len(w.Kinds) == 0 }

// Key is a string that identifies the filter, for caches.
func (w Where) Key() string {
	if w.IsZero() {
		return ""
	}
	kinds := make([]string, len(w.Kinds))
	for i, k := range w.Kinds {
		kinds[i] = string(k)
	}
	return "callIds=" + strings.Join(w.CallIDs, ",") + ";kinds=" + strings.Join(kinds, ",")
}

// Matches reports whether the filter keeps n.
func (w Where) Matches(n Node) bool {
	if len(w.CallIDs) > 0 {
		p, ok := n.(*Project)
		if !ok || !slices.Contains(w.CallIDs, p.CallID) {
			return false
		}
	}
	if len(w.Kinds) > 0 {
		o, ok := n.(Org)
		if !ok || !slices.Contains(w.Kinds, o.OrgKind()) {
			return false
		}
	}
	return true
}

// Apply returns the records of ns the filter keeps, ns itself when it does
// not filter.
func (w Where) Apply(ns []Node) []Node {
	if w.IsZero() {
		return ns
	}
	out := make([]Node, 0, len(ns))
	for _, n := range ns {
		if w.Matches(n) {
			out = append(out, n)
		}
	}
	return out
}

// CompareNodes orders two related records by the keys.
func CompareNodes(keys []SortKey, a, b Node) int {
	for _, k := range keys {
		var c int
		switch k {
		case ByID:
			c = cmp.Compare(a.NodeID(), b.NodeID())
		case ByCode:
			c = cmp.Compare(a.(*Action).Code, b.(*Action).Code)
		case ByNUTS:
			c = cmp.Compare(a.(*Region).NUTSCode, b.(*Region).NUTSCode)
		case ByDate:
			c = cmp.Compare(a.(*Amendment).Date, b.(*Amendment).Date)
		case ByAdoption:
			c = compareDates(a.(*Call).AdoptedOn, b.(*Call).AdoptedOn)
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// CompareEdges orders two relationships by the keys.
func CompareEdges(keys []SortKey, a, b *Edge) int {
	for _, k := range keys {
		var c int
		switch k {
		case ByFrom:
			c = cmp.Compare(a.From, b.From)
		case ByTo:
			c = cmp.Compare(a.To, b.To)
		case ByRole:
			c = cmp.Compare(a.Role.Rank(), b.Role.Rank())
		case ByRelation:
			c = cmp.Compare(a.Relation, b.Relation)
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// compareDates orders dates with missing ones last, as Cypher's ORDER BY
// does.
func compareDates(a, b *Date) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Compare(*a, *b)
}

// A Ref reads the ids of the records a parent holds: one (built by ref) or
// a list (built by refs). A single reference is read without building a
// list, since one is read for every item of a list of parents.
type Ref struct {
	one  func(parent any) string
	list func(parent any) []string
}

// ref builds the Ref of a row whose parent of type T holds one id.
func ref[T any](f func(T) string) *Ref {
	return &Ref{one: func(p any) string { return f(p.(T)) }}
}

// refs builds the Ref of a row whose parent of type T holds a list of ids.
func refs[T any](f func(T) []string) *Ref {
	return &Ref{list: func(p any) []string { return f(p.(T)) }}
}

// AppendIDs appends to ids the non-empty ids parent holds.
func (r *Ref) AppendIDs(ids []string, parent any) []string {
	if r.one == nil {
		return append(ids, r.list(parent)...)
	}
	if id := r.one(parent); id != "" {
		ids = append(ids, id)
	}
	return ids
}

// ID returns the id parent holds, the first of a list, or "".
func (r *Ref) ID(parent any) string {
	if r.one != nil {
		return r.one(parent)
	}
	if ids := r.list(parent); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

func edgeFrom(e *Edge) string { return e.From }
func edgeTo(e *Edge) string   { return e.To }

// lineage is the relationships of capitalisation.
var lineage = []RelType{RelCapitalisesOn, RelContinues}

// orgs are the kinds of organization.
var orgs = []Kind{KindOrg, KindRegion}

// Catalogue lists every relationship field of the API. TestCatalogue (in
// graph) checks it against the schema both ways.
var Catalogue = []Rel{
	// Traversals.
	{Fields: []string{"Call.projects"}, Node: CallProjects, Rels: []RelType{RelFundedUnder}, Kinds: []Kind{KindProject}, Sort: []SortKey{ByID}, ListSize: 25},
	{Fields: []string{"Call.actions"}, Node: CallActions, Rels: []RelType{RelHasAction}, Out: true, Kinds: []Kind{KindAction}, Sort: []SortKey{ByCode, ByID}, ListSize: 10},
	{Fields: []string{"Call.regions"}, Node: CallRegions, Rels: []RelType{RelTakesPartIn}, Kinds: []Kind{KindRegion}, Sort: []SortKey{ByNUTS}, ListSize: 21},
	{Fields: []string{"Call.amendments"}, Node: CallAmendments, Rels: []RelType{RelAmendedBy}, Out: true, Kinds: []Kind{KindAmendment}, Sort: []SortKey{ByDate, ByID}, ListSize: 10},
	{Fields: []string{"Call.objectives"}, Node: CallObjectives, Rels: []RelType{RelUnderObjective}, Out: true, Kinds: []Kind{KindObjective}, Sort: []SortKey{ByID}, ListSize: 10},
	{Fields: []string{"Call.capitalisesOn"}, Node: CallCapitalisesOn, Rels: lineage, Out: true, Kinds: []Kind{KindCall}, Sort: []SortKey{ByAdoption, ByID}, ListSize: 10},
	{Fields: []string{"Call.capitalisedBy"}, Node: CallCapitalisedBy, Rels: lineage, Kinds: []Kind{KindCall}, Sort: []SortKey{ByAdoption, ByID}, ListSize: 10},
	{Fields: []string{"Fund.calls"}, Node: FundCalls, Rels: []RelType{RelFundedBy}, Kinds: []Kind{KindCall}, Sort: []SortKey{ByAdoption, ByID}, ListSize: 10},
	{Fields: []string{"Fund.objectives"}, Node: FundObjectives, Rels: []RelType{RelPartOf}, Kinds: []Kind{KindObjective}, Sort: []SortKey{ByID}, ListSize: 10},
	{Fields: []string{"Region.calls"}, Node: RegionCalls, Rels: []RelType{RelTakesPartIn}, Out: true, Kinds: []Kind{KindCall}, Sort: []SortKey{ByAdoption, ByID}, ListSize: 5},
	{Fields: []string{"Region.organizations"}, Node: RegionBodies, Rels: []RelType{RelLocatedIn}, Kinds: []Kind{KindOrg}, Sort: []SortKey{ByID},
		Args: map[string]WhereArg{"kind": WhereKinds}, ListSize: 30},
	{Fields: []string{"Region.projects"}, Node: RegionProjects, Rels: []RelType{RelLocatedIn}, Kinds: []Kind{KindProject}, Sort: []SortKey{ByID},
		Args: map[string]WhereArg{"callIds": WhereCallIDs}, ListSize: 10},
	{Fields: []string{"Region.places"}, Node: RegionPlaces, Rels: []RelType{RelLocatedIn}, Kinds: []Kind{KindPlace}, Sort: []SortKey{ByID}, ListSize: 10},
	{Fields: []string{"Region.initiatives"}, Node: RegionInitiatives, Rels: []RelType{RelLocatedIn}, Kinds: []Kind{KindInitiative}, Sort: []SortKey{ByID}, ListSize: 10},
	{Fields: []string{"Project.actions"}, Node: ProjectActions, Rels: []RelType{RelImplements}, Out: true, Kinds: []Kind{KindAction}, Sort: []SortKey{ByCode, ByID}, ListSize: 10},
	{Fields: []string{"Project.capitalisesOn"}, Node: ProjectCapitalisesOn, Rels: lineage, Out: true, Kinds: []Kind{KindProject}, Sort: []SortKey{ByID}, ListSize: 10},
	{Fields: []string{"Project.capitalisedBy"}, Node: ProjectCapitalisedBy, Rels: lineage, Kinds: []Kind{KindProject}, Sort: []SortKey{ByID}, ListSize: 10},
	{Fields: []string{"Project.places"}, Node: ProjectPlaces, Rels: []RelType{RelWorksAt}, Out: true, Kinds: []Kind{KindPlace}, Sort: []SortKey{ByID}, ListSize: 10},
	{Fields: []string{"Body.places"}, Node: OrgPlaces, Rels: []RelType{RelWorksAt}, Out: true, Kinds: []Kind{KindPlace}, Sort: []SortKey{ByID}, ListSize: 10},
	{Fields: []string{"Place.projects"}, Node: PlaceProjects, Rels: []RelType{RelWorksAt}, Kinds: []Kind{KindProject}, Sort: []SortKey{ByID}, ListSize: 10},
	{Fields: []string{"Place.organizations"}, Node: PlaceOrganizations, Rels: []RelType{RelWorksAt}, Kinds: orgs, Sort: []SortKey{ByID}, ListSize: 10},
	{Fields: []string{"Body.issuedCalls"}, Node: IssuerCalls, Rels: []RelType{RelIssuedBy}, Kinds: []Kind{KindCall}, Sort: []SortKey{ByAdoption, ByID}, ListSize: 10},
	{Fields: []string{"Place.initiatives"}, Node: PlaceInitiatives, Rels: []RelType{RelWorksAt}, Kinds: []Kind{KindInitiative}, Sort: []SortKey{ByID}, ListSize: 10},
	{Fields: []string{"Initiative.places"}, Node: InitiativePlaces, Rels: []RelType{RelWorksAt}, Out: true, Kinds: []Kind{KindPlace}, Sort: []SortKey{ByID}, ListSize: 10},

	// Relationships with properties of their own.
	{Fields: []string{"Body.participations", "Region.participations"}, Edge: OrgParticipations, Rels: []RelType{RelParticipatesIn}, Out: true, Sort: []SortKey{ByTo}, ListSize: 10},
	{Fields: []string{"Project.participants", "Project.participantCounts"}, Edge: ProjectParticipants, Rels: []RelType{RelParticipatesIn}, Sort: []SortKey{ByRole, ByFrom}, ListSize: 20},
	{Fields: []string{"Body.involvements", "Region.involvements"}, Edge: OrgInvolvements, Rels: []RelType{RelInvolvedIn}, Out: true, Sort: []SortKey{ByTo, ByRelation}, ListSize: 10},
	{Fields: []string{"Project.involvements", "Initiative.involvements"}, Edge: ProjectInvolvements, Rels: []RelType{RelInvolvedIn}, Sort: []SortKey{ByRelation, ByFrom}, ListSize: 10},
	{Fields: []string{"Amendment.adherents"}, Edge: AmendmentAdherents, Rels: []RelType{RelAdheresTo}, Sort: []SortKey{ByFrom}, ListSize: 21},
	{Fields: []string{"Project.actionDetails"}, Edge: ProjectActionDetails, Rels: []RelType{RelImplements}, Out: true, Sort: []SortKey{ByTo}, ListSize: 10},
	{Fields: []string{"Call.regionLinks"}, Edge: CallRegionLinks, Rels: []RelType{RelTakesPartIn}, Sort: []SortKey{ByFrom}, ListSize: 10},
	{Fields: []string{"Region.callLinks"}, Edge: RegionCallLinks, Rels: []RelType{RelTakesPartIn}, Out: true, Sort: []SortKey{ByTo}, ListSize: 10},
	{Fields: []string{"OrganizationGroup.members"}, Edge: GroupMembers, Rels: []RelType{RelMemberOf}, Sort: []SortKey{ByFrom}, ListSize: 10},
	{Fields: []string{"Body.memberOf", "Region.memberOf"}, Edge: OrgGroups, Rels: []RelType{RelMemberOf}, Out: true, Sort: []SortKey{ByTo}, ListSize: 10},
	{Fields: []string{"Project.placeLinks", "Body.placeLinks", "Region.placeLinks", "Initiative.placeLinks"}, Edge: WorkerPlaceLinks, Rels: []RelType{RelWorksAt}, Out: true, Sort: []SortKey{ByTo}, ListSize: 10},
	{Fields: []string{"Place.workerLinks"}, Edge: PlaceWorkerLinks, Rels: []RelType{RelWorksAt}, Sort: []SortKey{ByFrom}, ListSize: 10},

	// References the records hold, each kept in the graph as a relationship.
	{Fields: []string{"Body.region"}, Ref: ref(func(b *Body) string { return b.RegionID }), Missing: Optional, Rels: []RelType{RelLocatedIn}, Out: true, Kinds: []Kind{KindRegion}},
	{Fields: []string{"Call.fund"}, Ref: ref(func(c *Call) string { return c.FundID }), Rels: []RelType{RelFundedBy}, Out: true, Kinds: []Kind{KindFund}},
	{Fields: []string{"Call.issuer"}, Ref: ref(func(c *Call) string { return c.IssuerID }), Missing: Optional, Rels: []RelType{RelIssuedBy}, Out: true, Kinds: orgs},
	{Fields: []string{"Objective.fund"}, Ref: ref(func(o *Objective) string { return o.FundID }), Rels: []RelType{RelPartOf}, Out: true, Kinds: []Kind{KindFund}},
	{Fields: []string{"Action.call"}, Ref: ref(func(a *Action) string { return a.CallID }), Rels: []RelType{RelHasAction}, Kinds: []Kind{KindCall}},
	{Fields: []string{"Amendment.call"}, Ref: ref(func(a *Amendment) string { return a.CallID }), Rels: []RelType{RelAmendedBy}, Kinds: []Kind{KindCall}},
	{Fields: []string{"Project.call"}, Ref: ref(func(p *Project) string { return p.CallID }), Rels: []RelType{RelFundedUnder}, Out: true, Kinds: []Kind{KindCall}},
	{Fields: []string{"Project.region"}, Ref: ref(func(p *Project) string { return p.RegionID }), Rels: []RelType{RelLocatedIn}, Out: true, Kinds: []Kind{KindRegion}},
	{Fields: []string{"Project.lead"}, Ref: ref(func(p *Project) string { return p.LeadID }), Missing: Optional, Rels: []RelType{RelParticipatesIn}, Kinds: orgs, Role: RoleLead},
	{Fields: []string{"Place.region"}, Ref: ref(func(p *Place) string { return p.RegionID }), Rels: []RelType{RelLocatedIn}, Out: true, Kinds: []Kind{KindRegion}},
	{Fields: []string{"Place.municipality"}, Ref: ref(func(p *Place) string { return p.MunicipalityID }), Missing: Optional, Rels: []RelType{RelInMunicipality}, Out: true, Kinds: []Kind{KindOrg}},
	{Fields: []string{"Initiative.region"}, Ref: ref(func(i *Initiative) string { return i.RegionID }), Rels: []RelType{RelLocatedIn}, Out: true, Kinds: []Kind{KindRegion}},
	{Fields: []string{"Initiative.fund"}, Ref: ref(func(i *Initiative) string { return i.FundID }), Missing: Optional, Rels: []RelType{RelFundedBy}, Out: true, Kinds: []Kind{KindFund}},
	// References computed or held by values that are not records.
	{Fields: []string{"Fact.entity"}, Ref: ref(func(f *Fact) string {
		if f.Type != FactEntity {
			return ""
		}
		return f.Value
	}), Missing: Lenient},
	// The ends of relationships.
	{Fields: []string{"Participation.organization", "Involvement.organization", "AmendmentAdherence.organization",
		"CallRegion.region", "PlaceLink.worker"}, Ref: ref(edgeFrom)},
	{Fields: []string{"GroupMembership.member"}, Ref: ref(edgeFrom), Missing: Optional},
	{Fields: []string{"Participation.project", "Involvement.target", "ProjectAction.action", "GroupMembership.group",
		"CallRegion.call", "PlaceLink.place"}, Ref: ref(edgeTo)},
	// Records the results of queries and analytics name.
	{Fields: []string{"SearchHit.node"}, Ref: ref(func(h *SearchHit) string { return h.ID })},
	{Fields: []string{"LineageLink.from"}, Ref: ref(func(l *LineageLink) string { return l.From })},
	{Fields: []string{"LineageLink.to"}, Ref: ref(func(l *LineageLink) string { return l.To })},
	{Fields: []string{"Path.nodes"}, Ref: refs(func(p *Path) []string { return p.Nodes }), ListSize: 7},
	{Fields: []string{"NetworkNode.organization"}, Ref: ref(func(n *NetworkNode) string { return n.OrgID })},
	{Fields: []string{"NetworkEdge.projects"}, Ref: refs(func(e *NetworkEdge) []string { return e.ProjectIDs }), ListSize: 10},
	{Fields: []string{"FundingGroup.call"}, Ref: ref(func(g *FundingGroup) string { return g.CallID }), Missing: Optional},
	{Fields: []string{"FundingGroup.region"}, Ref: ref(func(g *FundingGroup) string { return g.RegionID }), Missing: Optional},
	{Fields: []string{"RegionCallSummary.call"}, Ref: ref(func(s *RegionCallSummary) string { return s.CallID })},
	{Fields: []string{"Community.members"}, Ref: refs(func(c *Community) []string { return c.MemberIDs }), ListSize: 20},
	{Fields: []string{"Continuity.region"}, Ref: ref(func(c *Continuity) string { return c.RegionID })},
	{Fields: []string{"Continuity.earlier"}, Ref: refs(func(c *Continuity) []string { return c.EarlierIDs }), ListSize: 5},
	{Fields: []string{"Continuity.later"}, Ref: refs(func(c *Continuity) []string { return c.LaterIDs }), ListSize: 5},
	{Fields: []string{"Continuity.joined"}, Ref: refs(func(c *Continuity) []string { return c.JoinedIDs }), ListSize: 30},
	{Fields: []string{"Continuity.left"}, Ref: refs(func(c *Continuity) []string { return c.LeftIDs }), ListSize: 30},
	{Fields: []string{"ContinuingPartner.organization"}, Ref: ref(func(c *ContinuingPartner) string { return c.OrgID })},
}

// catalogueByField indexes the rows by field.
var catalogueByField = func() map[string]*Rel {
	m := map[string]*Rel{}
	for i := range Catalogue {
		for _, f := range Catalogue[i].Fields {
			if m[f] != nil {
				panic("kg: field " + f + " has two catalogue rows")
			}
			m[f] = &Catalogue[i]
		}
	}
	return m
}()

// RelOf returns the catalogue row of a field ("Type.field"), or nil.
func RelOf(field string) *Rel { return catalogueByField[field] }

// NodeRel returns the row of a traversal, or nil.
func NodeRel(q NodeQuery) *Rel { return catalogueByQuery.nodes[q] }

// EdgeRel returns the row of a relationship lookup, or nil.
func EdgeRel(q EdgeQuery) *Rel { return catalogueByQuery.edges[q] }

// catalogueByQuery indexes the rows by query (the first row of each), for
// the lookups stores and resolvers make per call.
var catalogueByQuery = func() (ix struct {
	nodes map[NodeQuery]*Rel
	edges map[EdgeQuery]*Rel
}) {
	ix.nodes, ix.edges = map[NodeQuery]*Rel{}, map[EdgeQuery]*Rel{}
	for i := range Catalogue {
		r := &Catalogue[i]
		if _, ok := ix.nodes[r.Node]; r.Node != "" && !ok {
			ix.nodes[r.Node] = r
		}
		if _, ok := ix.edges[r.Edge]; r.Edge != "" && !ok {
			ix.edges[r.Edge] = r
		}
	}
	return ix
}()

// NodeRels returns the traversal rows, EdgeRels the relationship rows, in
// catalogue order.
func NodeRels() []*Rel { return rowsWhere(func(r *Rel) bool { return r.Node != "" }) }

// EdgeRels returns the rows of relationships with properties.
func EdgeRels() []*Rel { return rowsWhere(func(r *Rel) bool { return r.Edge != "" }) }

func rowsWhere(keep func(*Rel) bool) []*Rel {
	var out []*Rel
	for i := range Catalogue {
		if keep(&Catalogue[i]) {
			out = append(out, &Catalogue[i])
		}
	}
	return out
}
