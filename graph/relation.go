package graph

import (
	"context"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/famigraph/famigraph/internal/kg"
)

// fetched is what one request has read of the relationships of
// kg.Catalogue: the prefetcher fills it one level at a time, the
// relationship resolvers read it. A resolver that finds nothing (a field the
// prefetcher did not reach) asks the store for its one parent and keeps the
// answer.
//
// On a local store with a kg.Reader (the embedded one) nothing is fetched:
// the resolvers read each parent's relationships, and records by id, where
// the store holds them. Batching pays for round trips; there, copying the
// answers into the request's sets cost a fifth of an uncached map query.
type fetched struct {
	svc    *kg.Service
	direct kg.Reader // the store's, if it is local; nil otherwise
	nodes  nodeLoader
	mu     sync.Mutex
	// related holds the answers of a row with a filter, by parent: one
	// map per call, made at the size of its answer.
	related map[fetchKey]map[string]fetchedList
	// nodes known to the request, nil for an id known to name nothing;
	// knownRoom is how many it holds without growing (reserve).
	known     map[string]kg.Node
	knownRoom int
	// fields are the relationship fields resolved so far, by their place
	// in the document (fieldOf).
	fields map[*ast.Field]*relField
}

// relField is what a relationship field's resolver needs of the field: its
// catalogue row and filter, and the key of their answers. They depend on
// the object type, the field and its arguments only, so they are derived
// once per field of the document, not for every object resolved.
type relField struct {
	object string
	row    *kg.Rel
	where  kg.Where
	key    fetchKey
}

// nodeLoader is the request's batched lookup of records by id, for
// references the prefetcher did not reach. Records the request knows are
// not primed into it: node looks them up in known first.
type nodeLoader = interface {
	Load(ctx context.Context, id string) (kg.Node, error)
}

// fetchKey names the answers of a row with a filter. Its parts are kept
// apart, not joined into one string: a key is built for every
// relationship field of every object resolved.
type fetchKey struct {
	row   string // kg.Rel.Key
	where string // kg.Where.Key: "" without a filter
}

// fetchedList is one parent's answer: records or relationships, or the
// error that prevented them.
type fetchedList struct {
	nodes []kg.Node
	edges []*kg.Edge
	err   error
}

// keyOf names a row's answers with a filter.
func keyOf(r *kg.Rel, where string) fetchKey {
	return fetchKey{row: r.Key(), where: where}
}

func newFetched(svc *kg.Service, nodes nodeLoader) *fetched {
	return &fetched{svc: svc, direct: kg.ReaderOf(svc.Store), nodes: nodes, related: map[fetchKey]map[string]fetchedList{}, known: map[string]kg.Node{},
		fields: map[*ast.Field]*relField{}}
}

// reserve makes room in known for n more records at once, where adding
// them one by one would grow the map by doubling, rehashing it each time.
func (f *fetched) reserve(n int) {
	if len(f.known)+n <= f.knownRoom {
		return
	}
	f.knownRoom = max(len(f.known)+n, 2*len(f.known))
	known := make(map[string]kg.Node, f.knownRoom)
	for id, node := range f.known {
		known[id] = node
	}
	f.known = known
}

// remember keeps a record, so that a later reference to it needs no call.
func (f *fetched) remember(n kg.Node) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rememberLocked(n)
}

func (f *fetched) rememberLocked(n kg.Node) {
	if _, ok := f.known[n.NodeID()]; !ok {
		f.known[n.NodeID()] = n
	}
}

// loadNodes fetches, in one call, the records not known yet.
func (f *fetched) loadNodes(ctx context.Context, ids []string) {
	f.mu.Lock()
	var missing []string
	var seen map[string]bool // of missing: most ids are known or repeated
	for _, id := range ids {
		if _, ok := f.known[id]; ok || id == "" || seen[id] {
			continue
		}
		if seen == nil {
			seen = make(map[string]bool, len(ids))
		}
		seen[id] = true
		missing = append(missing, id)
	}
	f.mu.Unlock()
	if len(missing) == 0 {
		return
	}
	ns, err := f.svc.Records(ctx, missing)
	if err != nil || len(ns) != len(missing) {
		return // the resolvers ask again, and report the error
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reserve(len(missing))
	for i, id := range missing {
		if _, ok := f.known[id]; !ok {
			f.known[id] = ns[i]
		}
	}
}

// load fetches, in one call, a traversal or relationship row with a filter
// for the parents whose answer is not known yet.
func (f *fetched) load(ctx context.Context, r *kg.Rel, w kg.Where, ids []string) {
	k := keyOf(r, w.Key())
	f.mu.Lock()
	var missing []string
	for _, id := range ids {
		if _, ok := f.related[k][id]; !ok {
			missing = append(missing, id)
		}
	}
	f.mu.Unlock()
	if len(missing) == 0 {
		return
	}
	res := make([]fetchedList, len(missing))
	var err error
	if r.Node != "" {
		var ns [][]kg.Node
		ns, err = f.svc.Related(ctx, r.Node, missing, w)
		if err = aligned(len(ns), len(missing), err); err == nil {
			for i := range ns {
				res[i].nodes = ns[i]
			}
		}
	} else {
		var es [][]*kg.Edge
		es, err = f.svc.Edges(ctx, r.Edge, missing)
		if err = aligned(len(es), len(missing), err); err == nil {
			for i := range es {
				res[i].edges = es[i]
			}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	lists := f.related[k]
	if lists == nil {
		lists = make(map[string]fetchedList, len(missing))
		f.related[k] = lists
	}
	nodes := 0
	for i := range res {
		nodes += len(res[i].nodes)
	}
	f.reserve(nodes)
	for i, id := range missing {
		if err != nil {
			res[i] = fetchedList{err: err}
		}
		lists[id] = res[i]
		for _, n := range res[i].nodes {
			f.rememberLocked(n)
		}
	}
}

// list returns a row's answer for one parent, fetching it when the
// prefetcher did not.
func (f *fetched) list(ctx context.Context, r *kg.Rel, w kg.Where, parent string) fetchedList {
	return f.listOf(ctx, r, w, keyOf(r, w.Key()), parent)
}

// listOf is list with the key of the row and filter.
func (f *fetched) listOf(ctx context.Context, r *kg.Rel, w kg.Where, k fetchKey, parent string) fetchedList {
	if f.direct != nil {
		var l fetchedList
		if r.Node != "" {
			l.nodes, l.err = f.direct.RelatedOf(r.Node, parent, w)
		} else {
			l.edges, l.err = f.direct.EdgesOf(r.Edge, parent)
		}
		return l
	}
	f.mu.Lock()
	l, ok := f.related[k][parent]
	f.mu.Unlock()
	if !ok {
		f.load(ctx, r, w, []string{parent})
		f.mu.Lock()
		l = f.related[k][parent]
		f.mu.Unlock()
	}
	return l
}

// knownNode returns a record the request knows, or nil.
func (f *fetched) knownNode(id string) kg.Node {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.known[id]
}

// node returns a record by id: known to the request, else loaded.
func (f *fetched) node(ctx context.Context, id string) (kg.Node, error) {
	if f.direct != nil {
		return f.direct.Node(id), nil
	}
	f.mu.Lock()
	n, ok := f.known[id]
	f.mu.Unlock()
	if ok {
		return n, nil
	}
	return f.nodes.Load(ctx, id)
}

// The relationship resolvers. Each resolves the field being resolved (its
// catalogue row is found by the field's name, its filter from the field's
// arguments) from the request's fetched set.

// fieldOf returns the catalogue row and the filter of the field being
// resolved. They are derived from its arguments the first time the field
// is resolved in the request (fc.Args are the same for every object: only
// field middleware could change them, and famigraph's serves root fields
// only).
func (f *fetched) fieldOf(ctx context.Context) *relField {
	fc := fieldContext(ctx)
	f.mu.Lock()
	rf := f.fields[fc.Field.Field]
	f.mu.Unlock()
	if rf != nil && rf.object == fc.Object {
		return rf
	}
	r := kg.RelOf(fc.Object + "." + fc.Field.Name)
	if r == nil {
		panic("graph: " + fc.Object + "." + fc.Field.Name + " has no catalogue row")
	}
	w := whereOf(r, fc.Args)
	rf = &relField{object: fc.Object, row: r, where: w, key: keyOf(r, w.Key())}
	f.mu.Lock()
	f.fields[fc.Field.Field] = rf
	f.mu.Unlock()
	return rf
}

// many resolves a list field of kg.Catalogue for obj.
func many[T any](ctx context.Context, obj any) ([]T, error) {
	f := loadersFrom(ctx).fetched
	rf := f.fieldOf(ctx)
	r := rf.row
	if r.Ref != nil {
		ids := r.Ref.AppendIDs(nil, obj)
		out := make([]T, 0, len(ids))
		for _, id := range ids {
			t, err := refTo[T](ctx, f, r, id)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
		return out, nil
	}
	l := f.listOf(ctx, r, rf.where, rf.key, parentID(obj))
	if l.err != nil {
		return nil, l.err
	}
	if r.Edge != "" {
		return as[T](r, l.edges)
	}
	return as[T](r, l.nodes)
}

// one resolves a field of kg.Catalogue that names one record.
func one[T any](ctx context.Context, obj any) (T, error) {
	f := loadersFrom(ctx).fetched
	r := f.fieldOf(ctx).row
	return refTo[T](ctx, f, r, r.Ref.ID(obj))
}

// refTo resolves a reference by the rules of its row (kg.Missing).
func refTo[T any](ctx context.Context, f *fetched, r *kg.Rel, id string) (T, error) {
	var zero T
	if id == "" && r.Missing != kg.Required {
		return zero, nil
	}
	var n kg.Node
	var err error
	if id != "" {
		if n, err = f.node(ctx, id); err != nil {
			return zero, err
		}
	}
	if n == nil {
		if r.Missing == kg.Lenient {
			return zero, nil
		}
		return zero, kg.Errorf(kg.EINTERNAL, "dangling reference to %s", id)
	}
	t, ok := n.(T)
	if !ok {
		return zero, kg.Errorf(kg.EINTERNAL, "%s has an unexpected type", id)
	}
	return t, nil
}

// as converts a row's results to the field's Go type.
func as[T, V any](r *kg.Rel, vs []V) ([]T, error) {
	if same, ok := any(vs).([]T); ok {
		return same, nil // relationships: the list as fetched (the executor only reads it)
	}
	out := make([]T, 0, len(vs))
	for _, v := range vs {
		t, ok := any(v).(T)
		if !ok {
			return nil, kg.Errorf(kg.EINTERNAL, "%s returned a record of an unexpected type", r.Key())
		}
		out = append(out, t)
	}
	return out, nil
}

// edgesOf returns the relationships of a row for one record, for fields
// computed from them.
func edgesOf(ctx context.Context, q kg.EdgeQuery, id string) ([]*kg.Edge, error) {
	l := loadersFrom(ctx).fetched.list(ctx, kg.EdgeRel(q), kg.Where{}, id)
	return l.edges, l.err
}
