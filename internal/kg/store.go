package kg

import "context"

// NodeQuery names a batched traversal from a record to the records related to
// it. Each adapter implements every query with one statement per batch; the
// query's definition, the order of its results included, is its row in
// Catalogue.
type NodeQuery string

// The traversals the API batches (their rows in Catalogue give their
// relationships and order).
const (
	CallProjects         NodeQuery = "CallProjects"         // projects funded under the call
	CallActions          NodeQuery = "CallActions"          // actions of the call
	CallRegions          NodeQuery = "CallRegions"          // regions that took part
	CallAmendments       NodeQuery = "CallAmendments"       // amendments
	CallObjectives       NodeQuery = "CallObjectives"       // objectives the call serves
	CallCapitalisesOn    NodeQuery = "CallCapitalisesOn"    // calls it builds on
	CallCapitalisedBy    NodeQuery = "CallCapitalisedBy"    // calls building on it
	FundCalls            NodeQuery = "FundCalls"            // calls of the fund
	FundObjectives       NodeQuery = "FundObjectives"       // objectives of the fund
	RegionCalls          NodeQuery = "RegionCalls"          // calls the region took part in
	RegionBodies         NodeQuery = "RegionBodies"         // bodies located in the region
	RegionProjects       NodeQuery = "RegionProjects"       // projects in the region
	RegionPlaces         NodeQuery = "RegionPlaces"         // places in the region
	RegionInitiatives    NodeQuery = "RegionInitiatives"    // initiatives in the region
	ProjectActions       NodeQuery = "ProjectActions"       // actions the project implements
	ProjectCapitalisesOn NodeQuery = "ProjectCapitalisesOn" // projects it builds on
	ProjectCapitalisedBy NodeQuery = "ProjectCapitalisedBy" // projects building on it
	ProjectPlaces        NodeQuery = "ProjectPlaces"        // places the project works at
	OrgPlaces            NodeQuery = "OrgPlaces"            // places the body works at
	PlaceProjects        NodeQuery = "PlaceProjects"        // projects working at the place
	PlaceOrganizations   NodeQuery = "PlaceOrganizations"   // bodies working at the place
	IssuerCalls          NodeQuery = "IssuerCalls"          // calls issued by the body
	PlaceInitiatives     NodeQuery = "PlaceInitiatives"     // initiatives working at the place
	InitiativePlaces     NodeQuery = "InitiativePlaces"     // places the initiative works at
)

// NodeQueries lists every NodeQuery an adapter must implement: those of
// the catalogue.
var NodeQueries = queriesOf(NodeRels(), func(r *Rel) NodeQuery { return r.Node })

// EdgeQuery names a batched lookup of the relationships of a record, for
// relationships that carry properties of their own; its definition is its
// row in Catalogue.
type EdgeQuery string

// The relationship lookups the API batches (their rows in Catalogue give
// their relationship type and order).
const (
	OrgParticipations    EdgeQuery = "OrgParticipations"    // the body's participations in projects
	ProjectParticipants  EdgeQuery = "ProjectParticipants"  // the participants of the project
	OrgInvolvements      EdgeQuery = "OrgInvolvements"      // the body's involvements in projects and initiatives
	ProjectInvolvements  EdgeQuery = "ProjectInvolvements"  // the bodies involved in the project or initiative
	AmendmentAdherents   EdgeQuery = "AmendmentAdherents"   // the regions adhering to the amendment
	ProjectActionDetails EdgeQuery = "ProjectActionDetails" // the actions the project implements, with details
	CallRegionLinks      EdgeQuery = "CallRegionLinks"      // the regions taking part in the call
	RegionCallLinks      EdgeQuery = "RegionCallLinks"      // the calls the region takes part in
	GroupMembers         EdgeQuery = "GroupMembers"         // the members of the group
	OrgGroups            EdgeQuery = "OrgGroups"            // the groups the body belongs to
	WorkerPlaceLinks     EdgeQuery = "WorkerPlaceLinks"     // the places a body, project or initiative works at
	PlaceWorkerLinks     EdgeQuery = "PlaceWorkerLinks"     // those working at the place
)

// EdgeQueries lists every EdgeQuery an adapter must implement: those of
// the catalogue.
var EdgeQueries = queriesOf(EdgeRels(), func(r *Rel) EdgeQuery { return r.Edge })

// queriesOf lists the query of each row.
func queriesOf[Q any](rows []*Rel, query func(*Rel) Q) []Q {
	out := make([]Q, len(rows))
	for i, r := range rows {
		out[i] = query(r)
	}
	return out
}

// Limits on what one request may ask of a store.
const (
	DefaultPageSize    = 50
	MaxPageSize        = 500
	DefaultSearchHits  = 20
	MaxSearchHits      = 100
	DefaultPathLength  = 4
	MaxPathLength      = 6
	DefaultPaths       = 20
	MaxPaths           = 100
	DefaultLineage     = 5
	MaxLineageDepth    = 10
	MaxSearchTextBytes = 500
	MaxSearchTerms     = 10
	MaxFilterValues    = 100
	MaxNodesPerRequest = 100 // ids of one Query.nodes
)

// Page asks for up to First items after the item with id After (keyset
// pagination in id order).
type Page struct {
	First int
	After string
}

// OrganizationFilter selects bodies and regions. Empty fields do not filter.
type OrganizationFilter struct {
	// Kinds matches a body's kind or the kind of the members of a network
	// it belongs to (SAI_LOCAL_BODY finds a municipality in the SAI network).
	Kinds     []OrgKind
	RegionIDs []string // the body's region (a region's is itself)
	CallIDs   []string // took part in a project funded under one of these calls
	Roles     []Role   // took part in some project in one of these roles (with CallIDs: in such a project)
}

// ProjectFilter selects projects. Empty fields do not filter.
type ProjectFilter struct {
	CallIDs         []string
	RegionIDs       []string
	OrganizationIDs []string // one of these bodies takes part
	Roles           []Role   // with OrganizationIDs: takes part in one of these roles
	// MinConfidence keeps the projects whose confidence is at least this
	// level; "" does not filter.
	MinConfidence Confidence
}

// OrgPage is one page of organizations in id order.
type OrgPage struct {
	Items   []Org
	Total   int
	HasNext bool
}

// ProjectPage is one page of projects in id order.
type ProjectPage struct {
	Items   []*Project
	Total   int
	HasNext bool
}

// SearchQuery asks for the First best matches of Text. Every term of the text
// must prefix-match a word of the record (after lower-casing and removing
// accents).
type SearchQuery struct {
	Text  string
	First int
	Kinds []Kind
}

// NetworkFilter selects the participations that form a co-participation
// network. Empty fields do not filter.
type NetworkFilter struct {
	CallIDs   []string
	RegionIDs []string  // the project's region
	Kinds     []OrgKind // keep only bodies of these kinds
	// From and To keep only the projects active at some time in [From, To].
	// A project's period is its own start and end dates where known, else
	// its call's; an end of the period that neither states does not exclude
	// the project.
	From *Date
	To   *Date
	// MinConfidence keeps the projects and the participations whose
	// confidence is at least this level; "" does not filter.
	MinConfidence Confidence
}

// PathQuery asks for the shortest paths between two records, ignoring the
// direction of relationships. Relations, if set, restricts the types walked.
type PathQuery struct {
	From      string
	To        string
	MaxLength int
	Relations []RelType
	First     int
}

// LineageQuery asks for the capitalisation links reachable from a call or
// project within MaxDepth steps.
type LineageQuery struct {
	Of        string
	Direction Direction
	MaxDepth  int
}

// Store is the read interface of the knowledge graph. Batched lookups take
// many ids and return results aligned with them: result i belongs to ids[i].
// A missing record is a nil entry, never an error. Returned records and
// slices may be shared with other callers: treat them as read-only. Under a
// context from WithoutProvenance, the records and relationships read by
// Nodes, Related, Edges, Regions, RegionsByNUTS, Calls, Funds,
// Organizations and Projects may come without their provenance (see
// WithoutProvenance); everything else about them is the same.
type Store interface {
	// Nodes returns the records with the given ids or aliases (see
	// Record.Aliases); a record found by alias keeps its canonical id.
	Nodes(ctx context.Context, ids []string) ([]Node, error)
	// Related runs a traversal from each id, keeping the records w keeps
	// (the zero Where keeps all).
	Related(ctx context.Context, q NodeQuery, ids []string, w Where) ([][]Node, error)
	// Edges returns the relationships of each id.
	Edges(ctx context.Context, q EdgeQuery, ids []string) ([][]*Edge, error)
	// Regions returns the regions and autonomous provinces by NUTS code.
	Regions(ctx context.Context) ([]*Region, error)
	// RegionsByNUTS returns the regions with the given NUTS codes.
	RegionsByNUTS(ctx context.Context, codes []string) ([]*Region, error)
	// Calls returns every call, oldest first (by adoption date, then id).
	Calls(ctx context.Context) ([]*Call, error)
	// Funds returns every fund, by id.
	Funds(ctx context.Context) ([]*Fund, error)
	// Organizations returns one page of the bodies and regions that match.
	Organizations(ctx context.Context, f OrganizationFilter, p Page) (*OrgPage, error)
	// Projects returns one page of the projects that match.
	Projects(ctx context.Context, f ProjectFilter, p Page) (*ProjectPage, error)
	// Search returns the best matches first; ties in id order.
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)
	// Participations returns the PARTICIPATES_IN edges of the projects that
	// match, by project id then body id. A complete group (every member
	// identified, see Group.Complete) is left out: its members stand for it.
	Participations(ctx context.Context, f NetworkFilter) ([]*Edge, error)
	// Paths returns the shortest paths in the order of their node ids.
	Paths(ctx context.Context, q PathQuery) ([]Path, error)
	// Lineage returns the links by depth, then from, to and relation.
	Lineage(ctx context.Context, q LineageQuery) ([]LineageLink, error)
	// Stats counts nodes and relationships.
	Stats(ctx context.Context) (Stats, error)
	// Dataset returns the whole graph, nodes in id order and edges in key
	// order (Dataset.Sort), for exports and the dataset's version.
	Dataset(ctx context.Context) (*Dataset, error)
	// Ping reports whether the store can serve requests.
	Ping(ctx context.Context) error
}

// IsImmutable reports whether the store's data never changes while it
// serves (it has an Immutable method that says so, or it wraps, by an
// Unwrap method, a store that does): only then may answers be cached across
// requests.
func IsImmutable(s Store) bool {
	return declares(s, func(i interface{ Immutable() bool }) bool { return i.Immutable() })
}

// IsLocal reports whether the store answers in the caller's goroutine,
// without a round trip to a server (it has a Local method that says so, or
// wraps a store that does): a request over it is CPU work, not waiting
// (httpapi.DefaultMaxInFlight), and its Reader, if it has one, is read in
// place (ReaderOf).
func IsLocal(s Store) bool {
	return declares(s, func(i interface{ Local() bool }) bool { return i.Local() })
}

// Reader reads one record, or one record's relationships, where a local
// store holds them: a request on such a store reads its relationships in
// place, one parent at a time, rather than fetching them in batches into
// sets of its own (graph's prefetcher), which only pays for round trips.
// Each answer is Store's for one id.
type Reader interface {
	// Node returns the record with the id or alias, or nil (Store.Nodes).
	Node(id string) Node
	// RelatedOf is Store.Related for one id.
	RelatedOf(q NodeQuery, id string, w Where) ([]Node, error)
	// EdgesOf is Store.Edges for one id.
	EdgesOf(q EdgeQuery, id string) ([]*Edge, error)
}

// ReaderOf returns the store's Reader, or that of the first store it wraps
// (by an Unwrap method) that has one, when that store is local (IsLocal);
// else nil.
func ReaderOf(s Store) Reader {
	if !IsLocal(s) {
		return nil
	}
	r, _ := implementer[Reader](s)
	return r
}

// declares returns what the store, or the first store it wraps (by an
// Unwrap method) that implements I, says; false when none does.
func declares[I any](s Store, says func(I) bool) bool {
	i, ok := implementer[I](s)
	return ok && says(i)
}

// implementer returns the store, or the first store it wraps (by an Unwrap
// method), that implements I.
func implementer[I any](s Store) (I, bool) {
	for s != nil {
		if i, ok := s.(I); ok {
			return i, true
		}
		w, ok := s.(interface{ Unwrap() Store })
		if !ok {
			break
		}
		s = w.Unwrap()
	}
	var zero I
	return zero, false
}

type provenanceKey struct{}

// WithoutProvenance returns a context under which a store may leave out
// the provenance of the records and relationships it reads (Record.Sources,
// Facts and Discrepancies, and Edge.Sources): most of what a record weighs,
// and of no use to a request that does not show it. A store that holds its
// records in memory returns them whole; one that reads them from a database
// reads less.
func WithoutProvenance(ctx context.Context) context.Context {
	return context.WithValue(ctx, provenanceKey{}, true)
}

// ProvenanceOmitted reports whether ctx comes from WithoutProvenance.
func ProvenanceOmitted(ctx context.Context) bool {
	omit, _ := ctx.Value(provenanceKey{}).(bool)
	return omit
}
