package graph

import (
	"context"
	"reflect"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/famigraph/famigraph/graph/model"
	"github.com/famigraph/famigraph/internal/kg"
)

// Prefetching makes the number of store calls of a request depend on its
// selection, never on the number of items. When a root field has resolved,
// the prefetcher walks its selection set level by level: for every
// relationship field selected at a level it makes one store call for all the
// items of that level, whatever lists they sit in, and primes the loaders
// with the answers. The resolvers then find everything in the loaders'
// caches. A field the table below does not know falls back to the loaders'
// time-window batching.

// prefetchSpec says how to fetch one relationship field for many parents.
// Exactly one of its members is set.
type prefetchSpec struct {
	related kg.NodeQuery              // a traversal from each parent's id
	edges   kg.EdgeQuery              // the relationships of each parent
	refs    func(parent any) []string // ids of records the parent references
	pass    func(parent any) []any    // children held by the parent itself
}

func refsOf[T any](f func(T) []string) func(any) []string {
	return func(p any) []string { return f(p.(T)) }
}

func one(id string) []string {
	if id == "" {
		return nil
	}
	return []string{id}
}

func edgeFrom(e *kg.Edge) []string { return one(e.From) }
func edgeTo(e *kg.Edge) []string   { return one(e.To) }

// prefetchSpecs lists, by "Type.field", every field whose resolver loads
// from the store. TestPrefetchCoversTheSchema keeps it complete.
var prefetchSpecs = map[string]prefetchSpec{
	"Region.participations": {edges: kg.OrgParticipations},
	"Region.involvements":   {edges: kg.OrgInvolvements},
	"Region.calls":          {related: kg.RegionCalls},
	"Region.projects":       {related: kg.RegionProjects},
	"Region.organizations":  {related: kg.RegionBodies},
	"Region.places":         {related: kg.RegionPlaces},
	"Region.initiatives":    {related: kg.RegionInitiatives},

	"Body.region":         {refs: refsOf(func(b *kg.Body) []string { return one(b.RegionID) })},
	"Body.participations": {edges: kg.OrgParticipations},
	"Body.involvements":   {edges: kg.OrgInvolvements},
	"Body.places":         {related: kg.OrgPlaces},
	"Body.issuedCalls":    {related: kg.IssuerCalls},
	"Body.memberOf":       {edges: kg.OrgGroups},
	"Body.group": {pass: func(p any) []any {
		if b := p.(*kg.Body); b.Group != nil {
			return []any{&model.OrganizationGroup{Body: b}}
		}
		return nil
	}},
	"Body.networks":             {pass: func(p any) []any { return addrs(p.(*kg.Body).Networks) }},
	"OrganizationGroup.members": {edges: kg.GroupMembers},
	"GroupMembership.member":    {refs: refsOf(edgeFrom)},
	"GroupMembership.group":     {refs: refsOf(edgeTo)},
	"Region.callLinks":          {edges: kg.RegionCallLinks},
	"Region.memberOf":           {edges: kg.OrgGroups},
	"Call.regionLinks":          {edges: kg.CallRegionLinks},
	"CallRegion.region":         {refs: refsOf(edgeFrom)},
	"CallRegion.call":           {refs: refsOf(edgeTo)},
	"Project.participantCounts": {edges: kg.ProjectParticipants},
	"Project.placeLinks":        {edges: kg.WorkerPlaceLinks},
	"Body.placeLinks":           {edges: kg.WorkerPlaceLinks},
	"Region.placeLinks":         {edges: kg.WorkerPlaceLinks},
	"Place.workerLinks":         {edges: kg.PlaceWorkerLinks},
	"Place.initiatives":         {related: kg.PlaceInitiatives},
	"Initiative.places":         {related: kg.InitiativePlaces},
	"Initiative.placeLinks":     {edges: kg.WorkerPlaceLinks},
	"PlaceLink.place":           {refs: refsOf(edgeTo)},
	"PlaceLink.worker":          {refs: refsOf(edgeFrom)},

	"Call.fund":          {refs: refsOf(func(c *kg.Call) []string { return one(c.FundID) })},
	"Call.issuer":        {refs: refsOf(func(c *kg.Call) []string { return one(c.IssuerID) })},
	"Call.objectives":    {related: kg.CallObjectives},
	"Call.actions":       {related: kg.CallActions},
	"Call.projects":      {related: kg.CallProjects},
	"Call.regions":       {related: kg.CallRegions},
	"Call.amendments":    {related: kg.CallAmendments},
	"Call.capitalisesOn": {related: kg.CallCapitalisesOn},
	"Call.capitalisedBy": {related: kg.CallCapitalisedBy},

	"Fund.objectives": {related: kg.FundObjectives},
	"Fund.calls":      {related: kg.FundCalls},
	"Objective.fund":  {refs: refsOf(func(o *kg.Objective) []string { return one(o.FundID) })},
	"Action.call":     {refs: refsOf(func(a *kg.Action) []string { return one(a.CallID) })},

	"Amendment.call":                  {refs: refsOf(func(a *kg.Amendment) []string { return one(a.CallID) })},
	"Amendment.adherents":             {edges: kg.AmendmentAdherents},
	"AmendmentAdherence.organization": {refs: refsOf(edgeFrom)},

	"Project.call":          {refs: refsOf(func(p *kg.Project) []string { return one(p.CallID) })},
	"Project.region":        {refs: refsOf(func(p *kg.Project) []string { return one(p.RegionID) })},
	"Project.lead":          {refs: refsOf(func(p *kg.Project) []string { return one(p.LeadID) })},
	"Project.participants":  {edges: kg.ProjectParticipants},
	"Project.involvements":  {edges: kg.ProjectInvolvements},
	"Project.actions":       {related: kg.ProjectActions},
	"Project.actionDetails": {edges: kg.ProjectActionDetails},
	"Project.capitalisesOn": {related: kg.ProjectCapitalisesOn},
	"Project.capitalisedBy": {related: kg.ProjectCapitalisedBy},
	"Project.places":        {related: kg.ProjectPlaces},

	"Participation.organization": {refs: refsOf(edgeFrom)},
	"Participation.project":      {refs: refsOf(edgeTo)},
	"Involvement.organization":   {refs: refsOf(edgeFrom)},
	"Involvement.target":         {refs: refsOf(edgeTo)},
	"ProjectAction.action":       {refs: refsOf(edgeTo)},

	"Place.region":        {refs: refsOf(func(p *kg.Place) []string { return one(p.RegionID) })},
	"Place.municipality":  {refs: refsOf(func(p *kg.Place) []string { return one(p.MunicipalityID) })},
	"Place.organizations": {related: kg.PlaceOrganizations},
	"Place.projects":      {related: kg.PlaceProjects},

	"Initiative.region":       {refs: refsOf(func(i *kg.Initiative) []string { return one(i.RegionID) })},
	"Initiative.fund":         {refs: refsOf(func(i *kg.Initiative) []string { return one(i.FundID) })},
	"Initiative.involvements": {edges: kg.ProjectInvolvements},

	"SearchHit.node":           {refs: refsOf(func(h *kg.SearchHit) []string { return one(h.ID) })},
	"LineageLink.from":         {refs: refsOf(func(l *kg.LineageLink) []string { return one(l.From) })},
	"LineageLink.to":           {refs: refsOf(func(l *kg.LineageLink) []string { return one(l.To) })},
	"Path.nodes":               {refs: refsOf(func(p *kg.Path) []string { return p.Nodes })},
	"NetworkNode.organization": {refs: refsOf(func(n *kg.NetworkNode) []string { return one(n.OrgID) })},
	"NetworkEdge.projects":     {refs: refsOf(func(e *kg.NetworkEdge) []string { return e.ProjectIDs })},

	"FundingGroup.call":      {refs: refsOf(func(g *kg.FundingGroup) []string { return one(g.CallID) })},
	"FundingGroup.region":    {refs: refsOf(func(g *kg.FundingGroup) []string { return one(g.RegionID) })},
	"RegionCallSummary.call": {refs: refsOf(func(s *kg.RegionCallSummary) []string { return one(s.CallID) })},

	"Community.members":              {refs: refsOf(func(c *kg.Community) []string { return c.MemberIDs })},
	"Continuity.region":              {refs: refsOf(func(c *kg.Continuity) []string { return one(c.RegionID) })},
	"Continuity.earlier":             {refs: refsOf(func(c *kg.Continuity) []string { return c.EarlierIDs })},
	"Continuity.later":               {refs: refsOf(func(c *kg.Continuity) []string { return c.LaterIDs })},
	"Continuity.joined":              {refs: refsOf(func(c *kg.Continuity) []string { return c.JoinedIDs })},
	"Continuity.left":                {refs: refsOf(func(c *kg.Continuity) []string { return c.LeftIDs })},
	"Continuity.persisting":          {pass: func(p any) []any { return addrs(p.(*kg.Continuity).Persisting) }},
	"Continuity.links":               {pass: func(p any) []any { return addrs(p.(*kg.Continuity).Links) }},
	"ContinuingPartner.organization": {refs: refsOf(func(c *kg.ContinuingPartner) []string { return one(c.OrgID) })},
	"PartnershipNetwork.communities": {pass: func(p any) []any { return addrs(p.(*kg.Network).Communities) }},

	"PartnershipNetwork.nodes": {pass: func(p any) []any { return addrs(p.(*kg.Network).Nodes) }},
	"PartnershipNetwork.edges": {pass: func(p any) []any { return addrs(p.(*kg.Network).Edges) }},
	"OrganizationConnection.nodes": {pass: func(p any) []any {
		return anys(p.(*model.OrganizationConnection).Nodes)
	}},
	"OrganizationConnection.edges": {pass: func(p any) []any { return anys(p.(*model.OrganizationConnection).Edges) }},
	"OrganizationEdge.node":        {pass: func(p any) []any { return []any{p.(*model.OrganizationEdge).Node} }},
	"ProjectConnection.nodes":      {pass: func(p any) []any { return anys(p.(*model.ProjectConnection).Nodes) }},
	"ProjectConnection.edges":      {pass: func(p any) []any { return anys(p.(*model.ProjectConnection).Edges) }},
	"ProjectEdge.node":             {pass: func(p any) []any { return []any{p.(*model.ProjectEdge).Node} }},
}

func addrs[T any](s []T) []any {
	out := make([]any, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

func anys[T any](s []T) []any {
	out := make([]any, len(s))
	for i := range s {
		out[i] = s[i]
	}
	return out
}

// typeNames maps the records' Go types to their GraphQL object types, to
// find the concrete type of an item of an interface-typed field.
var typeNames = map[reflect.Type]string{
	reflect.TypeFor[*kg.Region](): "Region", reflect.TypeFor[*kg.Body](): "Body",
	reflect.TypeFor[*kg.Call](): "Call", reflect.TypeFor[*kg.Fund](): "Fund",
	reflect.TypeFor[*kg.Objective](): "Objective", reflect.TypeFor[*kg.Action](): "Action",
	reflect.TypeFor[*kg.Amendment](): "Amendment", reflect.TypeFor[*kg.Project](): "Project",
	reflect.TypeFor[*kg.Place](): "Place", reflect.TypeFor[*kg.Initiative](): "Initiative",
}

// prefetcher walks one root field's selection. Its maps remember what it
// has fetched, so that a record reached twice is fetched once.
type prefetcher struct {
	store   kg.Store
	loaders *Loaders
	op      *graphql.OperationContext
	schema  *ast.Schema
	nodes   map[string]kg.Node
	related map[kg.NodeQuery]map[string][]kg.Node
	edges   map[kg.EdgeQuery]map[string][]*kg.Edge
}

// prefetchRoot is a field middleware: after a root field resolves, it
// prefetches everything its selection will need.
func prefetchRoot(store kg.Store, schema *ast.Schema) graphql.FieldMiddleware {
	return func(ctx context.Context, next graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		if fc == nil || fc.Object != "Query" || len(fc.Field.Selections) == 0 {
			return next(ctx) // every other field: nothing to do
		}
		res, err := next(ctx)
		l, _ := ctx.Value(loadersKey{}).(*Loaders)
		if err != nil || l == nil {
			return res, err
		}
		p := &prefetcher{store: store, loaders: l, op: graphql.GetOperationContext(ctx), schema: schema,
			nodes: map[string]kg.Node{}, related: map[kg.NodeQuery]map[string][]kg.Node{}, edges: map[kg.EdgeQuery]map[string][]*kg.Edge{}}
		roots := items(res)
		for _, o := range roots {
			if n, ok := o.(kg.Node); ok {
				p.remember(n)
			}
		}
		p.walk(ctx, []frame{{declared: fc.Field.Definition.Type.Name(), objs: roots, sel: fc.Field.Selections}})
		return res, err
	}
}

// items turns a resolver's result into the list of its items.
func items(res any) []any {
	v := reflect.ValueOf(res)
	switch {
	case !v.IsValid():
		return nil
	case v.Kind() == reflect.Slice:
		out := make([]any, 0, v.Len())
		for i := 0; i < v.Len(); i++ {
			if e := v.Index(i); !isNil(e) {
				out = append(out, e.Interface())
			}
		}
		return out
	case isNil(v):
		return nil
	}
	return []any{res}
}

func isNil(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		return v.IsNil()
	}
	return false
}

// frame is a set of items of one declared type with the selection they get.
type frame struct {
	declared string
	objs     []any
	sel      ast.SelectionSet
}

// request is a field selected of some items: what to fetch, and for which
// selection the children go on.
type request struct {
	spec    prefetchSpec
	parents []any
	field   graphql.CollectedField
}

// walk prefetches breadth first: at each depth it gathers the fields every
// frame selects, makes at most one call per traversal and one call for all
// the referenced records, then moves to the children.
func (p *prefetcher) walk(ctx context.Context, frames []frame) {
	for len(frames) > 0 && ctx.Err() == nil {
		var reqs []request
		var refIDs []string
		for _, fr := range frames {
			for t, objs := range groupByType(fr.declared, fr.objs) {
				for _, f := range graphql.CollectFields(p.op, fr.sel, p.satisfies(t)) {
					spec, ok := prefetchSpecs[t+"."+f.Name]
					if !ok || f.Definition == nil {
						continue
					}
					reqs = append(reqs, request{spec: spec, parents: objs, field: f})
					if spec.refs != nil {
						for _, o := range objs {
							refIDs = append(refIDs, spec.refs(o)...)
						}
					}
				}
			}
		}
		failed := p.loadNodes(ctx, refIDs) != nil
		related := map[kg.NodeQuery][]any{}
		edges := map[kg.EdgeQuery][]any{}
		for _, r := range reqs {
			switch {
			case r.spec.related != "":
				related[r.spec.related] = append(related[r.spec.related], r.parents...)
			case r.spec.edges != "":
				edges[r.spec.edges] = append(edges[r.spec.edges], r.parents...)
			}
		}
		relatedOK := map[kg.NodeQuery]bool{}
		for q, parents := range related {
			relatedOK[q] = p.loadRelated(ctx, q, parentIDs(parents)) == nil
		}
		edgesOK := map[kg.EdgeQuery]bool{}
		for q, parents := range edges {
			edgesOK[q] = p.loadEdges(ctx, q, parentIDs(parents)) == nil
		}
		var next []frame
		for _, r := range reqs {
			if len(r.field.Selections) == 0 {
				continue
			}
			var children []any
			switch {
			case r.spec.pass != nil:
				for _, o := range r.parents {
					children = append(children, r.spec.pass(o)...)
				}
			case r.spec.refs != nil && !failed:
				children = p.referenced(r.spec.refs, r.parents)
			case r.spec.related != "" && relatedOK[r.spec.related]:
				children = p.relatedOf(r.spec.related, r.parents)
			case r.spec.edges != "" && edgesOK[r.spec.edges]:
				for _, id := range parentIDs(r.parents) {
					for _, e := range p.edges[r.spec.edges][id] {
						children = append(children, e)
					}
				}
			}
			if len(children) > 0 {
				next = append(next, frame{declared: r.field.Definition.Type.Name(), objs: children, sel: r.field.Selections})
			}
		}
		frames = next
	}
}

// groupByType splits items by their concrete GraphQL type: the declared
// type, or for interface-typed fields the type of each record.
func groupByType(declared string, objs []any) map[string][]any {
	groups := map[string][]any{}
	for _, o := range objs {
		t := declared
		if name, ok := typeNames[reflect.TypeOf(o)]; ok {
			t = name
		}
		groups[t] = append(groups[t], o)
	}
	return groups
}

// satisfies lists the type and the interfaces it implements, for fragments.
func (p *prefetcher) satisfies(t string) []string {
	out := []string{t}
	if def := p.schema.Types[t]; def != nil {
		out = append(out, def.Interfaces...)
	}
	return out
}

// referenced returns the records the parents reference, once each.
func (p *prefetcher) referenced(refs func(any) []string, parents []any) []any {
	var ids []string
	for _, o := range parents {
		ids = append(ids, refs(o)...)
	}
	var out []any
	for _, id := range distinct(ids) {
		if n := p.nodes[id]; n != nil {
			out = append(out, n)
		}
	}
	return out
}

// relatedOf returns the records a traversal reached from the parents, once
// each.
func (p *prefetcher) relatedOf(q kg.NodeQuery, parents []any) []any {
	var out []any
	seen := map[string]bool{}
	for _, id := range parentIDs(parents) {
		for _, n := range p.related[q][id] {
			if !seen[n.NodeID()] {
				seen[n.NodeID()] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// loadRelated runs a traversal from the ids not seen yet and primes its
// loader; the records it reaches are remembered for later references.
func (p *prefetcher) loadRelated(ctx context.Context, q kg.NodeQuery, ids []string) error {
	known := p.related[q]
	if known == nil {
		known = map[string][]kg.Node{}
		p.related[q] = known
	}
	missing := unknown(ids, known)
	if len(missing) == 0 {
		return nil
	}
	res, err := p.store.Related(ctx, q, missing)
	if err != nil {
		return err
	}
	for i, id := range missing {
		known[id] = res[i]
		p.loaders.related[q].Prime(id, res[i])
		for _, n := range res[i] {
			p.remember(n)
		}
	}
	return nil
}

// loadEdges looks up the relationships of the ids not seen yet and primes
// its loader.
func (p *prefetcher) loadEdges(ctx context.Context, q kg.EdgeQuery, ids []string) error {
	known := p.edges[q]
	if known == nil {
		known = map[string][]*kg.Edge{}
		p.edges[q] = known
	}
	missing := unknown(ids, known)
	if len(missing) == 0 {
		return nil
	}
	res, err := p.store.Edges(ctx, q, missing)
	if err != nil {
		return err
	}
	for i, id := range missing {
		known[id] = res[i]
		p.loaders.edges[q].Prime(id, res[i])
	}
	return nil
}

// loadNodes fetches the records not seen yet and primes the node loader.
func (p *prefetcher) loadNodes(ctx context.Context, ids []string) error {
	var missing []string
	for _, id := range distinct(ids) {
		if _, ok := p.nodes[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	ns, err := p.store.Nodes(ctx, missing)
	if err != nil {
		return err
	}
	for i, id := range missing {
		p.nodes[id] = ns[i]
		p.loaders.nodes.Prime(id, ns[i])
	}
	return nil
}

// remember keeps a record a traversal returned, so that a later reference
// to it needs no call.
func (p *prefetcher) remember(n kg.Node) {
	if _, ok := p.nodes[n.NodeID()]; !ok {
		p.nodes[n.NodeID()] = n
		p.loaders.nodes.Prime(n.NodeID(), n)
	}
}

func parentIDs(parents []any) []string {
	ids := make([]string, 0, len(parents))
	for _, o := range parents {
		if n, ok := o.(kg.Node); ok {
			ids = append(ids, n.NodeID())
		}
	}
	return distinct(ids)
}

func unknown[V any](ids []string, known map[string]V) []string {
	var out []string
	for _, id := range ids {
		if _, ok := known[id]; !ok {
			out = append(out, id)
		}
	}
	return out
}

func distinct(ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return slices.Clip(out)
}

// PrefetchSpecs returns the names of the fields the prefetcher knows, for
// tests.
func PrefetchSpecs() map[string]bool {
	out := make(map[string]bool, len(prefetchSpecs))
	for k := range prefetchSpecs {
		out[k] = true
	}
	return out
}
