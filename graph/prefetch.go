package graph

import (
	"context"
	"reflect"
	"slices"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/famigraph/famigraph/graph/model"
	"github.com/famigraph/famigraph/internal/kg"
)

// Prefetching makes the number of store calls of a request depend on its
// selection, never on the number of items. When a root field has resolved,
// the prefetcher walks its selection set level by level: for every
// relationship field selected at a level (a row of kg.Catalogue) it makes
// one store call for all the items of that level, whatever lists they sit
// in, and with the field's arguments; the calls of one level are sent
// concurrently. The answers go to the request's fetched set, where the
// relationship resolvers (relation.go) find them without a store call.

// held lists the fields whose children the parent holds itself (no store
// call): the prefetcher passes through them to reach the relationship
// fields below. A key "*.field" applies to every type.
var held = map[string]func(parent any) []any{
	"*.facts": func(p any) []any { return addrs(p.(interface{ NodeRecord() *kg.Record }).NodeRecord().Facts) },
	"Body.group": func(p any) []any {
		if b := p.(*kg.Body); b.Group != nil {
			return []any{&model.OrganizationGroup{Body: b}}
		}
		return nil
	},
	"Body.networks":                  func(p any) []any { return addrs(p.(*kg.Body).Networks) },
	"Continuity.persisting":          func(p any) []any { return addrs(p.(*kg.Continuity).Persisting) },
	"Continuity.links":               func(p any) []any { return addrs(p.(*kg.Continuity).Links) },
	"PartnershipNetwork.communities": func(p any) []any { return addrs(p.(*kg.Network).Communities) },
	"PartnershipNetwork.nodes":       func(p any) []any { return addrs(p.(*kg.Network).Nodes) },
	"PartnershipNetwork.edges":       func(p any) []any { return addrs(p.(*kg.Network).Edges) },
	"OrganizationConnection.nodes":   func(p any) []any { return anys(p.(*model.OrganizationConnection).Nodes) },
	"OrganizationConnection.edges":   func(p any) []any { return anys(p.(*model.OrganizationConnection).Edges) },
	"OrganizationEdge.node":          func(p any) []any { return []any{p.(*model.OrganizationEdge).Node} },
	"ProjectConnection.nodes":        func(p any) []any { return anys(p.(*model.ProjectConnection).Nodes) },
	"ProjectConnection.edges":        func(p any) []any { return anys(p.(*model.ProjectConnection).Edges) },
	"ProjectEdge.node":               func(p any) []any { return []any{p.(*model.ProjectEdge).Node} },
}

// computed lists the fields computed from relationships beyond their own
// row: after a level's calls, each runs for the parents that select it, so
// that the resolver finds everything it reads in the fetched set.
var computed = map[string]func(ctx context.Context, f *fetched, parents []any){
	// participantCounts reads the participants (its row), the bodies among
	// them and the members of the groups whose size is declared.
	"Project.participantCounts": func(ctx context.Context, f *fetched, parents []any) {
		var froms []string
		for _, id := range parentIDs(parents) {
			for _, e := range f.list(ctx, kg.EdgeRel(kg.ProjectParticipants), kg.Where{}, id).edges {
				froms = append(froms, e.From)
			}
		}
		f.loadNodes(ctx, froms)
		var groups []string
		for _, id := range distinct(froms) {
			if sizedGroup(f.knownNode(id)) != nil {
				groups = append(groups, id)
			}
		}
		f.load(ctx, kg.EdgeRel(kg.GroupMembers), kg.Where{}, groups)
	},
}

// heldOf returns the held-children function of a field, or nil.
func heldOf(typ, field string) func(any) []any {
	if f := held[typ+"."+field]; f != nil {
		return f
	}
	return held["*."+field]
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

// prefetchRoot is a field middleware: after a root field resolves, it
// prefetches everything its selection will need.
func prefetchRoot(schema *ast.Schema) graphql.FieldMiddleware {
	return func(ctx context.Context, next graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		if fc == nil || fc.Object != "Query" || len(fc.Field.Selections) == 0 {
			return next(ctx) // every other field: nothing to do
		}
		res, err := next(ctx)
		l, _ := ctx.Value(loadersKey{}).(*Loaders)
		if err != nil || l == nil || l.fetched.direct != nil {
			return res, err
		}
		p := &prefetcher{f: l.fetched, op: graphql.GetOperationContext(ctx), schema: schema}
		roots := items(res)
		for _, o := range roots {
			if n, ok := o.(kg.Node); ok {
				p.f.remember(n)
			}
		}
		p.walk(ctx, []frame{{declared: fc.Field.Definition.Type.Name(), objs: roots, sel: fc.Field.Selections}})
		return res, err
	}
}

// prefetcher walks one root field's selection into the request's fetched
// set.
type prefetcher struct {
	f      *fetched
	op     *graphql.OperationContext
	schema *ast.Schema
	types  map[reflect.Type]string // typeOf's answers ("": the declared type)
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

// request is a field selected of some items: its catalogue row (or the
// children its parents hold), its filter, and the selection the children
// get.
type request struct {
	key     string // "Type.field"
	row     *kg.Rel
	where   kg.Where
	held    func(any) []any
	parents []any
	field   graphql.CollectedField
	refs    []string // the ids a reference's parents hold, in order
}

// call is one store call of a level: a row, a filter and the parents.
type call struct {
	row   *kg.Rel
	where kg.Where
	ids   []string
}

// walk prefetches breadth first: at each depth it gathers the fields every
// frame selects, sends at most one call per row and filter and one call for
// all the referenced records, concurrently, then moves to the children.
func (p *prefetcher) walk(ctx context.Context, frames []frame) {
	for len(frames) > 0 && ctx.Err() == nil {
		var reqs []request
		var refIDs []string
		calls := map[fetchKey]*call{}
		var order []fetchKey
		for _, fr := range frames {
			for _, g := range p.groupByType(fr.declared, fr.objs) {
				t, objs := g.typ, g.objs
				for _, f := range graphql.CollectFields(p.op, fr.sel, p.satisfies(t)) {
					if f.Definition == nil {
						continue
					}
					r := request{key: t + "." + f.Name, parents: objs, field: f, row: kg.RelOf(t + "." + f.Name), held: heldOf(t, f.Name)}
					switch {
					case r.row == nil && r.held == nil:
						continue
					case r.row != nil && r.row.Ref != nil:
						for _, o := range objs {
							r.refs = r.row.Ref.AppendIDs(r.refs, o)
						}
						refIDs = append(refIDs, r.refs...)
					case r.row != nil:
						r.where = whereOf(r.row, f.ArgumentMap(p.op.Variables))
						k := keyOf(r.row, r.where.Key())
						c := calls[k]
						if c == nil {
							c = &call{row: r.row, where: r.where}
							calls[k] = c
							order = append(order, k)
						}
						c.ids = append(c.ids, parentIDs(objs)...)
					}
					reqs = append(reqs, r)
				}
			}
		}
		var fns []func()
		if len(refIDs) > 0 {
			fns = append(fns, func() { p.f.loadNodes(ctx, refIDs) })
		}
		for _, k := range order {
			c := calls[k]
			fns = append(fns, func() { p.f.load(ctx, c.row, c.where, distinct(c.ids)) })
		}
		concurrently(fns...)
		fns = nil
		for _, r := range reqs {
			if then := computed[r.key]; then != nil {
				fns = append(fns, func() { then(ctx, p.f, r.parents) })
			}
		}
		concurrently(fns...)
		var next []frame
		for _, r := range reqs {
			if len(r.field.Selections) == 0 {
				continue
			}
			if children := p.children(r); len(children) > 0 {
				next = append(next, frame{declared: r.field.Definition.Type.Name(), objs: children, sel: r.field.Selections})
			}
		}
		frames = next
	}
}

// concurrently runs the functions at once and waits for them. A panic in
// one (a store's bug) is raised again in the caller, where gqlgen's recover
// function reports it as for any resolver.
func concurrently(fns ...func()) {
	if len(fns) == 1 {
		fns[0]() // nothing to wait for at once; a panic is raised as it is
		return
	}
	var wg sync.WaitGroup
	var once sync.Once
	var panicked any
	for _, fn := range fns {
		wg.Go(func() {
			defer func() {
				if v := recover(); v != nil {
					once.Do(func() { panicked = v })
				}
			}()
			fn()
		})
	}
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
}

// children returns what a request's field gives its parents, once each, as
// far as the fetched set knows it.
func (p *prefetcher) children(r request) []any {
	var out []any
	if r.held != nil {
		for _, o := range r.parents {
			out = append(out, r.held(o)...)
		}
		return out
	}
	p.f.mu.Lock()
	defer p.f.mu.Unlock()
	lists := p.f.related[keyOf(r.row, r.where.Key())]
	if r.row.Edge != "" {
		// A relationship is listed under one end only (its row follows
		// one type in one direction), so distinct parents give distinct
		// relationships; a parent given twice (a root list naming a
		// record twice) would only repeat work below, not change it.
		n := 0
		for _, o := range r.parents {
			n += len(lists[parentID(o)].edges)
		}
		out = make([]any, 0, n)
		for _, o := range r.parents {
			for _, e := range lists[parentID(o)].edges {
				out = append(out, e)
			}
		}
		return out
	}
	n := len(r.refs)
	if r.row.Ref == nil {
		for _, o := range r.parents {
			n += len(lists[parentID(o)].nodes)
		}
	}
	out = make([]any, 0, n)
	seen := make(map[kg.Node]bool, n)
	add := func(n kg.Node) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if r.row.Ref != nil {
		for _, id := range r.refs {
			if n := p.f.known[id]; n != nil {
				add(n)
			}
		}
		return out
	}
	for _, o := range r.parents {
		for _, n := range lists[parentID(o)].nodes {
			add(n)
		}
	}
	return out
}

// groupByType splits items by their concrete GraphQL type: for a record,
// the object type its Go type is named after (gqlgen.yml binds each
// record's type to the struct of the same name: Region to kg.Region), else
// the declared type.
func (p *prefetcher) groupByType(declared string, objs []any) []group {
	types := make([]string, len(objs))
	for i, o := range objs {
		types[i] = declared
		if _, ok := o.(kg.Node); ok {
			types[i] = p.typeOf(declared, o)
		}
	}
	if len(objs) == 0 {
		return nil
	}
	if !slices.ContainsFunc(types, func(t string) bool { return t != types[0] }) {
		return []group{{typ: types[0], objs: objs}} // one type: the items as they are
	}
	var groups []group
	for j, o := range objs {
		t := types[j]
		i := slices.IndexFunc(groups, func(g group) bool { return g.typ == t })
		if i < 0 {
			i = len(groups)
			groups = append(groups, group{typ: t})
		}
		groups[i].objs = append(groups[i].objs, o)
	}
	return groups
}

// group is the items of one concrete type.
type group struct {
	typ  string
	objs []any
}

// typeOf returns the object type a record's Go type is named after, or
// declared; remembered for the walk (a few Go types, many records).
func (p *prefetcher) typeOf(declared string, o any) string {
	rt := reflect.TypeOf(o)
	if t, ok := p.types[rt]; ok {
		if t == "" {
			return declared
		}
		return t
	}
	t := ""
	if rt.Kind() == reflect.Pointer {
		if def := p.schema.Types[rt.Elem().Name()]; def != nil && def.Kind == ast.Object {
			t = def.Name
		}
	}
	if p.types == nil {
		p.types = map[reflect.Type]string{}
	}
	p.types[rt] = t
	if t == "" {
		return declared
	}
	return t
}

// satisfies lists the type and the interfaces it implements, for fragments.
func (p *prefetcher) satisfies(t string) []string {
	out := []string{t}
	if def := p.schema.Types[t]; def != nil {
		out = append(out, def.Interfaces...)
	}
	return out
}

// parentID is the id a relationship of the parent starts from.
func parentID(o any) string {
	if n, ok := o.(interface{ NodeID() string }); ok {
		return n.NodeID()
	}
	return ""
}

func parentIDs(parents []any) []string {
	ids := make([]string, 0, len(parents))
	for _, o := range parents {
		ids = append(ids, parentID(o))
	}
	return distinct(ids)
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

// whereOf is the filter a row's arguments set, from the field's argument
// values (Go values of gqlgen's, or raw values of the document).
func whereOf(row *kg.Rel, args map[string]any) kg.Where {
	var w kg.Where
	for name, a := range row.Args {
		vs := argStrings(reflect.ValueOf(args[name]))
		switch a {
		case kg.WhereCallIDs:
			w.CallIDs = vs
		case kg.WhereKinds:
			for _, v := range vs {
				w.Kinds = append(w.Kinds, kg.OrgKind(v))
			}
		}
	}
	return w
}

// argStrings reads an argument that is null, a string (or a pointer to
// one) or a list of strings.
func argStrings(v reflect.Value) []string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return argStrings(v.Elem())
	case reflect.String:
		return []string{v.String()}
	case reflect.Slice:
		var out []string
		for i := 0; i < v.Len(); i++ {
			out = append(out, argStrings(v.Index(i))...)
		}
		return out
	}
	return nil
}

// PrefetchedFields returns the fields the prefetcher serves from
// kg.Catalogue (rows) and those whose children their parents hold (held;
// "*.field" for every type), for tests.
func PrefetchedFields() (rows, heldFields map[string]bool) {
	rows, heldFields = map[string]bool{}, map[string]bool{}
	for _, r := range kg.Catalogue {
		for _, f := range r.Fields {
			rows[f] = true
		}
	}
	for k := range held {
		heldFields[k] = true
	}
	return rows, heldFields
}
