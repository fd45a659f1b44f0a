package kg

import "context"

// NodeQuery names a batched traversal from a record to the records related to
// it. Each adapter implements every query with one statement per batch; the
// order of the results is part of the query's definition.
type NodeQuery string

// The traversals the API batches, with the order of their results.
const (
	CallProjects         NodeQuery = "CallProjects"         // projects funded under the call, by id
	CallActions          NodeQuery = "CallActions"          // actions of the call, by code then id
	CallRegions          NodeQuery = "CallRegions"          // regions that took part, by NUTS code
	CallAmendments       NodeQuery = "CallAmendments"       // amendments, by date then id
	CallObjectives       NodeQuery = "CallObjectives"       // objectives the call serves, by id
	CallCapitalisesOn    NodeQuery = "CallCapitalisesOn"    // calls it builds on, by adoption date then id
	CallCapitalisedBy    NodeQuery = "CallCapitalisedBy"    // calls building on it, by adoption date then id
	FundCalls            NodeQuery = "FundCalls"            // calls of the fund, by adoption date then id
	FundObjectives       NodeQuery = "FundObjectives"       // objectives of the fund, by id
	RegionCalls          NodeQuery = "RegionCalls"          // calls the region took part in, by adoption date then id
	RegionBodies         NodeQuery = "RegionBodies"         // bodies located in the region, by id
	RegionProjects       NodeQuery = "RegionProjects"       // projects in the region, by id
	RegionPlaces         NodeQuery = "RegionPlaces"         // places in the region, by id
	RegionInitiatives    NodeQuery = "RegionInitiatives"    // initiatives in the region, by id
	ProjectActions       NodeQuery = "ProjectActions"       // actions the project implements, by code then id
	ProjectCapitalisesOn NodeQuery = "ProjectCapitalisesOn" // projects it builds on, by id
	ProjectCapitalisedBy NodeQuery = "ProjectCapitalisedBy" // projects building on it, by id
	ProjectPlaces        NodeQuery = "ProjectPlaces"        // places the project works at, by id
	OrgPlaces            NodeQuery = "OrgPlaces"            // places the body works at, by id
	PlaceProjects        NodeQuery = "PlaceProjects"        // projects working at the place, by id
	PlaceOrganizations   NodeQuery = "PlaceOrganizations"   // bodies working at the place, by id
	IssuerCalls          NodeQuery = "IssuerCalls"          // calls issued by the body, by adoption date then id
	PlaceInitiatives     NodeQuery = "PlaceInitiatives"     // initiatives working at the place, by id
	InitiativePlaces     NodeQuery = "InitiativePlaces"     // places the initiative works at, by id
)

// NodeQueries lists every NodeQuery an adapter must implement: those of
// the catalogue.
var NodeQueries = func() []NodeQuery {
	var out []NodeQuery
	for _, r := range NodeRels() {
		out = append(out, r.Node)
	}
	return out
}()

// EdgeQuery names a batched lookup of the relationships of a record, for
// relationships that carry properties of their own.
type EdgeQuery string

// The relationship lookups the API batches, with the order of their results.
const (
	OrgParticipations    EdgeQuery = "OrgParticipations"    // PARTICIPATES_IN from the body, by project id
	ProjectParticipants  EdgeQuery = "ProjectParticipants"  // PARTICIPATES_IN into the project, by role (lead first) then body id
	OrgInvolvements      EdgeQuery = "OrgInvolvements"      // INVOLVED_IN from the body, by target id then relation
	ProjectInvolvements  EdgeQuery = "ProjectInvolvements"  // INVOLVED_IN into the project or initiative, by relation then body id
	AmendmentAdherents   EdgeQuery = "AmendmentAdherents"   // ADHERES_TO into the amendment, by region id
	ProjectActionDetails EdgeQuery = "ProjectActionDetails" // IMPLEMENTS from the project, by action id
	CallRegionLinks      EdgeQuery = "CallRegionLinks"      // TAKES_PART_IN into the call, by region id
	RegionCallLinks      EdgeQuery = "RegionCallLinks"      // TAKES_PART_IN from the region, by call id
	GroupMembers         EdgeQuery = "GroupMembers"         // MEMBER_OF into the group, by member id
	OrgGroups            EdgeQuery = "OrgGroups"            // MEMBER_OF from the body, by group id
	WorkerPlaceLinks     EdgeQuery = "WorkerPlaceLinks"     // WORKS_AT from the body, project or initiative, by place id
	PlaceWorkerLinks     EdgeQuery = "PlaceWorkerLinks"     // WORKS_AT into the place, by worker id
)

// EdgeQueries lists every EdgeQuery an adapter must implement: those of
// the catalogue.
var EdgeQueries = func() []EdgeQuery {
	var out []EdgeQuery
	for _, r := range EdgeRels() {
		out = append(out, r.Edge)
	}
	return out
}()

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
// slices may be shared with other callers: treat them as read-only.
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
	for s != nil {
		if i, ok := s.(interface{ Immutable() bool }); ok {
			return i.Immutable()
		}
		w, ok := s.(interface{ Unwrap() Store })
		if !ok {
			return false
		}
		s = w.Unwrap()
	}
	return false
}
