package kg

import (
	"cmp"
	"slices"
)

// RelType names a relationship of the graph. The names are those of the Neo4j
// relationship types and of the steps the API reports in paths and lineage.
type RelType string

// Relationship types. Arrows give the direction stored.
const (
	RelParticipatesIn RelType = "PARTICIPATES_IN" // Org -> Project {role, office}
	RelInvolvedIn     RelType = "INVOLVED_IN"     // Org -> Project|Initiative {relation}
	RelFundedUnder    RelType = "FUNDED_UNDER"    // Project -> Call
	RelLocatedIn      RelType = "LOCATED_IN"      // Body|Project|Place|Initiative -> Region
	RelFundedBy       RelType = "FUNDED_BY"       // Call|Initiative -> Fund
	RelPartOf         RelType = "PART_OF"         // Objective -> Fund
	RelUnderObjective RelType = "UNDER_OBJECTIVE" // Call -> Objective
	RelIssuedBy       RelType = "ISSUED_BY"       // Call -> Org
	RelHasAction      RelType = "HAS_ACTION"      // Call -> Action
	RelImplements     RelType = "IMPLEMENTS"      // Project -> Action {detail}
	RelAmendedBy      RelType = "AMENDED_BY"      // Call -> Amendment
	RelAdheresTo      RelType = "ADHERES_TO"      // Region -> Amendment {extension, budgetIncrease}
	RelTakesPartIn    RelType = "TAKES_PART_IN"   // Region -> Call
	RelCapitalisesOn  RelType = "CAPITALISES_ON"  // Call -> Call, Project -> Project
	RelContinues      RelType = "CONTINUES"       // Call -> Call, Project -> Project
	RelWorksAt        RelType = "WORKS_AT"        // Org|Project|Initiative -> Place
	RelInMunicipality RelType = "IN_MUNICIPALITY" // Place -> Body (a municipality)
	RelMemberOf       RelType = "MEMBER_OF"       // Org -> Body (a group)
)

// RelTypes lists every relationship type.
var RelTypes = []RelType{RelParticipatesIn, RelInvolvedIn, RelFundedUnder, RelLocatedIn, RelFundedBy,
	RelPartOf, RelUnderObjective, RelIssuedBy, RelHasAction, RelImplements, RelAmendedBy, RelAdheresTo,
	RelTakesPartIn, RelCapitalisesOn, RelContinues, RelWorksAt, RelInMunicipality, RelMemberOf}

// LineageRels are the relationships lineage follows.
var LineageRels = []RelType{RelCapitalisesOn, RelContinues}

// Involvement relations: how a body is involved in a project other than as a
// participant.
const (
	InvolvedCollaborator        = "COLLABORATOR"
	InvolvedImplementingBody    = "IMPLEMENTING_BODY"
	InvolvedTechnicalAssistance = "TECHNICAL_ASSISTANCE"
	InvolvedCoordinator         = "COORDINATOR"
	InvolvedPlannedPartner      = "PLANNED_PARTNER"
	InvolvedLead                = "LEAD"    // initiatives only
	InvolvedPartner             = "PARTNER" // initiatives only
)

// InvolvementRelations lists the valid values of Edge.Relation.
var InvolvementRelations = []string{InvolvedCollaborator, InvolvedImplementingBody,
	InvolvedTechnicalAssistance, InvolvedCoordinator, InvolvedPlannedPartner, InvolvedLead, InvolvedPartner}

// Edge is a relationship between two records, with its properties and
// provenance. Which properties are set depends on Type.
type Edge struct {
	Type           RelType
	From           string
	To             string
	Role           Role   // PARTICIPATES_IN
	Office         string // PARTICIPATES_IN: the office through which a body acts
	Relation       string // INVOLVED_IN
	Detail         string // IMPLEMENTS: the project's own wording of the action
	Extension      bool   // ADHERES_TO: joined the extension
	BudgetIncrease bool   // ADHERES_TO: joined the budget increase
	Confidence     Confidence
	Sources        []Citation
}

// Key identifies an edge: at most one edge of a type links two records (so
// a body takes part in a project in one role only).
func (e *Edge) Key() string { return string(e.Type) + "|" + e.From + "|" + e.To }

// Path is a walk through the graph: Nodes has one more entry than Relations.
type Path struct {
	Nodes     []string
	Relations []RelType
}

// LineageLink is one capitalisation step: From builds on To.
type LineageLink struct {
	From     string
	To       string
	Relation RelType
	Depth    int
	Sources  []Citation
}

// SearchHit is a search result.
type SearchHit struct {
	ID    string
	Score float64
}

// Stats counts what a store holds.
type Stats struct {
	Nodes int
	Edges int
}

// Dataset is the whole graph: every record and every relationship, with the
// relationships implied by records' reference fields included. Seeding a
// store means loading a Dataset.
type Dataset struct {
	Nodes []Node
	Edges []*Edge
}

// keyedEdge is an edge with its key, for sorting.
type keyedEdge struct {
	key string
	e   *Edge
}

// Sort puts nodes in id order and edges in key order, so that equal datasets
// compare equal and loads are deterministic.
func (d *Dataset) Sort() {
	slices.SortFunc(d.Nodes, func(a, b Node) int { return cmp.Compare(a.NodeID(), b.NodeID()) })
	// Each edge's key once, not twice per comparison.
	keyed := make([]keyedEdge, len(d.Edges))
	for i, e := range d.Edges {
		keyed[i] = keyedEdge{e.Key(), e}
	}
	slices.SortFunc(keyed, func(a, b keyedEdge) int { return cmp.Compare(a.key, b.key) })
	for i, k := range keyed {
		d.Edges[i] = k.e
	}
}

// MinConfidence returns the weakest of the confidences given, or Low if
// none is given.
func MinConfidence(cs ...Confidence) Confidence {
	if len(cs) == 0 {
		return Low
	}
	worst := cs[0]
	for _, c := range cs[1:] {
		if c.Rank() < worst.Rank() {
			worst = c
		}
	}
	return worst
}

// MaxConfidence returns the strongest confidence among citations, or Low if
// there are none.
func MaxConfidence(cs []Citation) Confidence {
	best := Low
	for _, c := range cs {
		if c.Confidence.Rank() > best.Rank() {
			best = c.Confidence
		}
	}
	return best
}
