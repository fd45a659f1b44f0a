package memstore

import (
	"cmp"
	"slices"

	"github.com/famigraph/famigraph/internal/kg"
)

// traversal defines a NodeQuery: follow rels from a record (outgoing when
// out, else incoming), keep neighbours of the kinds, order them.
type traversal struct {
	rels  []kg.RelType
	out   bool
	kinds []kg.Kind
	order func(a, b kg.Node) int
}

var (
	byID       = func(a, b kg.Node) int { return cmp.Compare(a.NodeID(), b.NodeID()) }
	byCallDate = func(a, b kg.Node) int { return byAdoption(a.(*kg.Call), b.(*kg.Call)) }
	byCode     = func(a, b kg.Node) int {
		return cmp.Or(cmp.Compare(a.(*kg.Action).Code, b.(*kg.Action).Code), byID(a, b))
	}
	byNUTS = func(a, b kg.Node) int { return cmp.Compare(a.(*kg.Region).NUTSCode, b.(*kg.Region).NUTSCode) }
	byDate = func(a, b kg.Node) int {
		return cmp.Or(cmp.Compare(a.(*kg.Amendment).Date, b.(*kg.Amendment).Date), byID(a, b))
	}
	lineage = []kg.RelType{kg.RelCapitalisesOn, kg.RelContinues}
)

// nodeQueries defines every kg.NodeQuery; the orders are those documented on
// the constants.
var nodeQueries = map[kg.NodeQuery]traversal{
	kg.CallProjects:         {[]kg.RelType{kg.RelFundedUnder}, false, []kg.Kind{kg.KindProject}, byID},
	kg.CallActions:          {[]kg.RelType{kg.RelHasAction}, true, []kg.Kind{kg.KindAction}, byCode},
	kg.CallRegions:          {[]kg.RelType{kg.RelTakesPartIn}, false, []kg.Kind{kg.KindRegion}, byNUTS},
	kg.CallAmendments:       {[]kg.RelType{kg.RelAmendedBy}, true, []kg.Kind{kg.KindAmendment}, byDate},
	kg.CallObjectives:       {[]kg.RelType{kg.RelUnderObjective}, true, []kg.Kind{kg.KindObjective}, byID},
	kg.CallCapitalisesOn:    {lineage, true, []kg.Kind{kg.KindCall}, byCallDate},
	kg.CallCapitalisedBy:    {lineage, false, []kg.Kind{kg.KindCall}, byCallDate},
	kg.FundCalls:            {[]kg.RelType{kg.RelFundedBy}, false, []kg.Kind{kg.KindCall}, byCallDate},
	kg.FundObjectives:       {[]kg.RelType{kg.RelPartOf}, false, []kg.Kind{kg.KindObjective}, byID},
	kg.RegionCalls:          {[]kg.RelType{kg.RelTakesPartIn}, true, []kg.Kind{kg.KindCall}, byCallDate},
	kg.RegionBodies:         {[]kg.RelType{kg.RelLocatedIn}, false, []kg.Kind{kg.KindOrg}, byID},
	kg.RegionProjects:       {[]kg.RelType{kg.RelLocatedIn}, false, []kg.Kind{kg.KindProject}, byID},
	kg.RegionPlaces:         {[]kg.RelType{kg.RelLocatedIn}, false, []kg.Kind{kg.KindPlace}, byID},
	kg.RegionInitiatives:    {[]kg.RelType{kg.RelLocatedIn}, false, []kg.Kind{kg.KindInitiative}, byID},
	kg.ProjectActions:       {[]kg.RelType{kg.RelImplements}, true, []kg.Kind{kg.KindAction}, byCode},
	kg.ProjectCapitalisesOn: {lineage, true, []kg.Kind{kg.KindProject}, byID},
	kg.ProjectCapitalisedBy: {lineage, false, []kg.Kind{kg.KindProject}, byID},
	kg.ProjectPlaces:        {[]kg.RelType{kg.RelWorksAt}, true, []kg.Kind{kg.KindPlace}, byID},
	kg.OrgPlaces:            {[]kg.RelType{kg.RelWorksAt}, true, []kg.Kind{kg.KindPlace}, byID},
	kg.PlaceProjects:        {[]kg.RelType{kg.RelWorksAt}, false, []kg.Kind{kg.KindProject}, byID},
	kg.PlaceOrganizations:   {[]kg.RelType{kg.RelWorksAt}, false, []kg.Kind{kg.KindOrg, kg.KindRegion}, byID},
	kg.IssuerCalls:          {[]kg.RelType{kg.RelIssuedBy}, false, []kg.Kind{kg.KindCall}, byCallDate},
	kg.PlaceInitiatives:     {[]kg.RelType{kg.RelWorksAt}, false, []kg.Kind{kg.KindInitiative}, byID},
	kg.InitiativePlaces:     {[]kg.RelType{kg.RelWorksAt}, true, []kg.Kind{kg.KindPlace}, byID},
}

// traverse precomputes a traversal from every record that has results.
func (s *Store) traverse(t traversal) map[string][]kg.Node {
	res := map[string][]kg.Node{}
	seen := map[[2]string]bool{}
	for _, rel := range t.rels {
		index := s.in[rel]
		if t.out {
			index = s.out[rel]
		}
		for id, es := range index {
			for _, e := range es {
				other := e.From
				if t.out {
					other = e.To
				}
				if !slices.Contains(t.kinds, kg.KindOf(other)) || seen[[2]string{id, other}] {
					continue
				}
				seen[[2]string{id, other}] = true
				res[id] = append(res[id], s.nodes[other])
			}
		}
	}
	for _, ns := range res {
		slices.SortFunc(ns, t.order)
	}
	return res
}

// edgeLookup defines a kg.EdgeQuery.
type edgeLookup struct {
	rel   kg.RelType
	out   bool
	order func(a, b *kg.Edge) int
}

var edgeQueries = map[kg.EdgeQuery]edgeLookup{
	kg.OrgParticipations: {kg.RelParticipatesIn, true, func(a, b *kg.Edge) int { return cmp.Compare(a.To, b.To) }},
	kg.ProjectParticipants: {kg.RelParticipatesIn, false, func(a, b *kg.Edge) int {
		return cmp.Or(cmp.Compare(a.Role.Rank(), b.Role.Rank()), cmp.Compare(a.From, b.From))
	}},
	kg.OrgInvolvements: {kg.RelInvolvedIn, true, func(a, b *kg.Edge) int {
		return cmp.Or(cmp.Compare(a.To, b.To), cmp.Compare(a.Relation, b.Relation))
	}},
	kg.ProjectInvolvements: {kg.RelInvolvedIn, false, func(a, b *kg.Edge) int {
		return cmp.Or(cmp.Compare(a.Relation, b.Relation), cmp.Compare(a.From, b.From))
	}},
	kg.AmendmentAdherents:   {kg.RelAdheresTo, false, func(a, b *kg.Edge) int { return cmp.Compare(a.From, b.From) }},
	kg.ProjectActionDetails: {kg.RelImplements, true, func(a, b *kg.Edge) int { return cmp.Compare(a.To, b.To) }},
	kg.CallRegionLinks:      {kg.RelTakesPartIn, false, func(a, b *kg.Edge) int { return cmp.Compare(a.From, b.From) }},
	kg.RegionCallLinks:      {kg.RelTakesPartIn, true, func(a, b *kg.Edge) int { return cmp.Compare(a.To, b.To) }},
	kg.GroupMembers:         {kg.RelMemberOf, false, func(a, b *kg.Edge) int { return cmp.Compare(a.From, b.From) }},
	kg.OrgGroups:            {kg.RelMemberOf, true, func(a, b *kg.Edge) int { return cmp.Compare(a.To, b.To) }},
	kg.WorkerPlaceLinks:     {kg.RelWorksAt, true, func(a, b *kg.Edge) int { return cmp.Compare(a.To, b.To) }},
	kg.PlaceWorkerLinks:     {kg.RelWorksAt, false, func(a, b *kg.Edge) int { return cmp.Compare(a.From, b.From) }},
}

func (s *Store) collectEdges(l edgeLookup) map[string][]*kg.Edge {
	index := s.in[l.rel]
	if l.out {
		index = s.out[l.rel]
	}
	res := make(map[string][]*kg.Edge, len(index))
	for id, es := range index {
		es = slices.Clone(es)
		slices.SortFunc(es, l.order)
		res[id] = es
	}
	return res
}
