package neo4jstore

import (
	"slices"

	"github.com/famigraph/famigraph/internal/kg"
)

// The storage model, in one place: which labels each kind of record carries,
// which properties it stores (kindTables, in properties.go), and which kinds
// each relationship type links.
// The Cypher statements, the record mapping and the schema handed to the
// Cypher analyser (make cypher-check) are all derived from these tables.

// Label names. Every record also carries LabelEntity, the label the id
// constraint, the full-text index and the mixed-kind lookups use.
const (
	LabelEntity       = "Entity"
	LabelOrganization = "Organization" // regions and bodies alike
	LabelRegion       = "Region"
	LabelBody         = "Body"
	LabelCall         = "Call"
	LabelFund         = "Fund"
	LabelObjective    = "Objective"
	LabelAction       = "Action"
	LabelAmendment    = "Amendment"
	LabelProject      = "Project"
	LabelPlace        = "Place"
	LabelInitiative   = "Initiative"
)

// kindLabels gives the labels of each kind of record besides Entity; the
// first is the kind's own label.
var kindLabels = map[kg.Kind][]string{
	kg.KindRegion:     {LabelRegion, LabelOrganization},
	kg.KindOrg:        {LabelBody, LabelOrganization},
	kg.KindCall:       {LabelCall},
	kg.KindFund:       {LabelFund},
	kg.KindObjective:  {LabelObjective},
	kg.KindAction:     {LabelAction},
	kg.KindAmendment:  {LabelAmendment},
	kg.KindProject:    {LabelProject},
	kg.KindPlace:      {LabelPlace},
	kg.KindInitiative: {LabelInitiative},
}

// nodeKinds lists the kinds stored as nodes, in a fixed order (sources are
// not nodes: they are copied into the citations that use them).
var nodeKinds = []kg.Kind{kg.KindFund, kg.KindObjective, kg.KindCall, kg.KindAction, kg.KindAmendment,
	kg.KindRegion, kg.KindOrg, kg.KindProject, kg.KindPlace, kg.KindInitiative}

// Properties every node stores. sources, facts and discrepancies are JSON
// strings; hash fingerprints the record so that seeding can tell what
// changed; searchText is the record's search terms, for the full-text index.
const (
	propID            = "id"
	propHash          = "hash"
	propConfidence    = "confidence"
	propSources       = "sources"
	propFacts         = "facts"
	propDiscrepancies = "discrepancies"
	propSearchText    = "searchText"
	// searchWords and searchWeights are the record's distinct search words,
	// sorted, and each word's weight (kg.SearchWeights): with them Neo4j
	// scores hits exactly as the embedded store does.
	propSearchWords   = "searchWords"
	propSearchWeights = "searchWeights"
	propAliases       = "aliases" // a list of strings
)

// commonProps are the properties of every record that reads return.
var commonProps = []string{propID, propConfidence, propSources, propFacts, propDiscrepancies, propAliases}

// provenanceProps are the properties kg.WithoutProvenance lets reads leave
// out: a record's sources, facts and discrepancies, a relationship's
// sources.
var provenanceProps = []string{propSources, propFacts, propDiscrepancies}

// Properties relationships store. Every relationship has confidence,
// sources (JSON) and hash; the others belong to some types only.
const (
	relPropRole           = "role"           // PARTICIPATES_IN
	relPropOffice         = "office"         // PARTICIPATES_IN
	relPropRelation       = "relation"       // INVOLVED_IN
	relPropDetail         = "detail"         // IMPLEMENTS
	relPropExtension      = "extension"      // ADHERES_TO
	relPropBudgetIncrease = "budgetIncrease" // ADHERES_TO
)

// relEndpoints gives, for each relationship type, the kinds it may start
// from and the kinds it may end at.
var relEndpoints = map[kg.RelType][2][]kg.Kind{
	kg.RelParticipatesIn: {{kg.KindOrg, kg.KindRegion}, {kg.KindProject}},
	kg.RelInvolvedIn:     {{kg.KindOrg, kg.KindRegion}, {kg.KindProject, kg.KindInitiative}},
	kg.RelFundedUnder:    {{kg.KindProject}, {kg.KindCall}},
	kg.RelLocatedIn:      {{kg.KindOrg, kg.KindProject, kg.KindPlace, kg.KindInitiative}, {kg.KindRegion}},
	kg.RelFundedBy:       {{kg.KindCall, kg.KindInitiative}, {kg.KindFund}},
	kg.RelPartOf:         {{kg.KindObjective}, {kg.KindFund}},
	kg.RelUnderObjective: {{kg.KindCall}, {kg.KindObjective}},
	kg.RelIssuedBy:       {{kg.KindCall}, {kg.KindOrg, kg.KindRegion}},
	kg.RelHasAction:      {{kg.KindCall}, {kg.KindAction}},
	kg.RelImplements:     {{kg.KindProject}, {kg.KindAction}},
	kg.RelAmendedBy:      {{kg.KindCall}, {kg.KindAmendment}},
	kg.RelAdheresTo:      {{kg.KindRegion}, {kg.KindAmendment}},
	kg.RelTakesPartIn:    {{kg.KindRegion}, {kg.KindCall}},
	kg.RelCapitalisesOn:  {{kg.KindCall, kg.KindProject}, {kg.KindCall, kg.KindProject}},
	kg.RelContinues:      {{kg.KindCall, kg.KindProject}, {kg.KindCall, kg.KindProject}},
	kg.RelWorksAt:        {{kg.KindOrg, kg.KindRegion, kg.KindProject, kg.KindInitiative}, {kg.KindPlace}},
	kg.RelInMunicipality: {{kg.KindPlace}, {kg.KindOrg}},
	kg.RelMemberOf:       {{kg.KindOrg, kg.KindRegion}, {kg.KindOrg}},
}

// relProps are the properties each relationship type stores besides
// confidence, sources and hash.
var relProps = map[kg.RelType][]string{
	kg.RelParticipatesIn: {relPropRole, relPropOffice},
	kg.RelInvolvedIn:     {relPropRelation},
	kg.RelImplements:     {relPropDetail},
	kg.RelAdheresTo:      {relPropExtension, relPropBudgetIncrease},
}

// storageVersion is mixed into every record's hash: bump it when the way
// records are stored changes, so that the next seed rewrites them all.
const storageVersion = "famigraph-neo4j-2"

// Schema describes the graph for the Cypher analyser: every label,
// relationship type and property key the statements may use, and which
// labels each relationship type links.
type Schema struct {
	Labels            []string         `json:"labels"`
	RelationshipTypes []string         `json:"relationshipTypes"`
	PropertyKeys      []string         `json:"propertyKeys"`
	GraphSchema       []SchemaEndpoint `json:"graphSchema"`
}

// SchemaEndpoint says that relationships of type RelType may link a node
// labelled From to a node labelled To.
type SchemaEndpoint struct {
	From    string `json:"from"`
	To      string `json:"to"`
	RelType string `json:"relType"`
}

// GraphSchema returns the storage model as the Cypher analyser takes it.
func GraphSchema() Schema {
	var s Schema
	s.Labels = appendUnique(s.Labels, LabelEntity)
	for _, k := range nodeKinds {
		s.Labels = appendUnique(s.Labels, kindLabels[k]...)
	}
	s.PropertyKeys = appendUnique(s.PropertyKeys, propHash, propSearchText, propSearchWords, propSearchWeights)
	s.PropertyKeys = appendUnique(s.PropertyKeys, commonProps...)
	for _, k := range nodeKinds {
		s.PropertyKeys = appendUnique(s.PropertyKeys, kindTables[k].props()...)
	}
	seen := map[SchemaEndpoint]bool{}
	for _, r := range kg.RelTypes {
		s.RelationshipTypes = appendUnique(s.RelationshipTypes, string(r))
		s.PropertyKeys = appendUnique(s.PropertyKeys, relProps[r]...)
		ends := relEndpoints[r]
		for _, fk := range ends[0] {
			for _, tk := range ends[1] {
				for _, fl := range allLabels(fk) {
					for _, tl := range allLabels(tk) {
						e := SchemaEndpoint{From: fl, To: tl, RelType: string(r)}
						if !seen[e] {
							seen[e] = true
							s.GraphSchema = append(s.GraphSchema, e)
						}
					}
				}
			}
		}
	}
	return s
}

func appendUnique[T comparable](list []T, vs ...T) []T {
	for _, v := range vs {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

// allLabels returns every label a record of kind k carries.
func allLabels(k kg.Kind) []string {
	return append([]string{LabelEntity}, kindLabels[k]...)
}
