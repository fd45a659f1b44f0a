package graph

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"
	"unsafe"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// The executor resolves an object's fields, and the elements of a list, one
// after the other in the request's goroutine (graph/internal/generate):
// their values are at hand, in the records or in what the prefetcher
// fetched (every relationship field is a row of kg.Catalogue, which
// TestCatalogue checks), so goroutines would only cost.

// marshalSlice is what generated code calls to marshal a list of objects,
// in place of graphql.MarshalSliceConcurrently, with the same contract: the
// element's marshaller runs with a field context holding its index (and
// sets its Result); a panic is recovered unless omitPanicHandler, and
// reported on the element, which becomes Null. The elements are marshalled
// in order in this goroutine, under one field context whose index moves.
func (ec *executionContext) marshalSlice(ctx context.Context, _ ast.SelectionSet, length int, _ int64,
	omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	if length == 0 {
		return graphql.Array{}
	}
	ret := graphql.Array(ec.newValues(length))
	// One field context for all elements: nothing below an element outlives
	// it (no goroutine, no deferred fragment: both need a root field), and
	// paths are read when an error is added.
	e := ec.newFieldCtx(ctx)
	e.fc.Index = &e.index
	ctx = e.enter()
	for i := range length {
		e.index = i
		e.fc.Result = nil
		ret[i] = marshalElement1(ctx, i, omitPanicHandler, marshalElement)
	}
	return ret
}

// fieldCtx is the context of a field (or of a list's elements): its
// parent's, with its graphql.FieldContext as the value gqlgen looks up, in
// one allocation where graphql.WithFieldContext makes two (the field
// context and context.WithValue's). graph/internal/generate fills fc with
// the field's init… function.
type fieldCtx struct {
	context.Context
	fc graphql.FieldContext
	// index is the element's index fc.Index points to, for a list.
	index int
	// loaders are the request's, found in one step by the relationship
	// resolvers, where a lookup would walk every enclosing field's
	// context up to the request's.
	loaders *Loaders
}

// The executor's slabs: an operation carves its field contexts, field sets
// and values from slabs of these sizes, taken from pools and given back once
// its data is written (execState.release), for the operations that follow.
// An uncached map query carves ~180 KB of them.
const (
	ctxSlab   = 64
	setSlab   = 128
	valueSlab = 1024
)

var (
	ctxSlabs   = sync.Pool{New: func() any { return new([ctxSlab]fieldCtx) }}
	setSlabs   = sync.Pool{New: func() any { return new([setSlab]fieldSet) }}
	valueSlabs = sync.Pool{New: func() any { return new([valueSlab]graphql.Marshaler) }}
)

// newFieldCtx returns an empty field context over ctx, carved from the
// operation's slab.
func (ec *executionContext) newFieldCtx(ctx context.Context) *fieldCtx {
	st := ec.state()
	if st == nil {
		return &fieldCtx{Context: ctx}
	}
	st.lock()
	if len(st.ctxs) == 0 {
		s := ctxSlabs.Get().(*[ctxSlab]fieldCtx)
		st.taken.ctxs = append(st.taken.ctxs, s)
		st.ctxs = s[:]
	}
	c := &st.ctxs[0]
	st.ctxs = st.ctxs[1:]
	st.unlock()
	*c = fieldCtx{Context: ctx} // a slab's may have served another operation
	return c
}

// enter sets the field context's parent, as graphql.WithFieldContext does,
// and returns the field's context.
func (c *fieldCtx) enter() context.Context {
	if p, ok := c.Context.(*fieldCtx); ok {
		c.fc.Parent, c.loaders = &p.fc, p.loaders
		return c
	}
	c.fc.Parent = graphql.GetFieldContext(c.Context)
	c.loaders, _ = c.Context.Value(loadersKey{}).(*Loaders)
	return c
}

// Value implements context.Context.
func (c *fieldCtx) Value(key any) any {
	switch key.(type) {
	case loadersKey:
		if c.loaders != nil {
			return c.loaders
		}
	default:
		if key == fieldContextKey {
			return &c.fc
		}
	}
	return c.Context.Value(key)
}

// fieldContext is graphql.GetFieldContext, in one step when ctx is the
// executor's field context.
func fieldContext(ctx context.Context) *graphql.FieldContext {
	if c, ok := ctx.(*fieldCtx); ok {
		return &c.fc
	}
	return graphql.GetFieldContext(ctx)
}

// fieldContextKey is the key under which gqlgen keeps a field context in a
// context (graphql.GetFieldContext's; gqlgen does not export it): learnt
// once, by asking a context that records the key it is asked for.
var fieldContextKey = func() any {
	p := &keyProbe{Context: context.Background()}
	graphql.GetFieldContext(p)
	if p.key == nil {
		panic("graph: graphql.GetFieldContext asked its context for no key")
	}
	return p.key
}()

// keyProbe is a context that records the last key it was asked for.
type keyProbe struct {
	context.Context
	key any
}

// Value implements context.Context.
func (p *keyProbe) Value(key any) any {
	p.key = key
	return nil
}

// marshalElement1 marshals one element, recovering a panic as
// graphql.MarshalSliceConcurrently does.
func marshalElement1(ctx context.Context, i int, omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler) (ret graphql.Marshaler) {
	if !omitPanicHandler {
		defer func() {
			if r := recover(); r != nil {
				graphql.AddError(ctx, graphql.Recover(ctx, r))
				ret = graphql.Null
			}
		}()
	}
	return marshalElement(ctx, i)
}

// execState is what the executor keeps for one operation, in its
// OperationContext's Stats (no context lookup): the fields each object type
// collects from each selection set, and the field sets it hands out.
type execState struct {
	// mu guards the state when the operation's root fields may resolve at
	// once (shared): gqlgen resolves each in a goroutine of its own, and
	// everything below a root field in that goroutine. An operation with
	// one root field has one user, which takes no lock (lock, unlock).
	mu     sync.Mutex
	shared bool
	fields map[collectKey][]graphql.CollectedField
	// ctxs are the field contexts not yet used of the last slab
	// (newFieldCtx).
	ctxs []fieldCtx
	// args are the arguments of the fields resolved so far (argsOf).
	args map[argsKey]map[string]any
	// recent holds the last answers of fields, by a hash of their key:
	// an object's marshaller finds its fields there without hashing the
	// whole key.
	recent [16]collected
	// fieldSets are the field sets not yet used of the last slab, and
	// values the field values.
	fieldSets []fieldSet
	values    []graphql.Marshaler
	// taken are the slabs the operation took, for release.
	taken struct {
		ctxs   []*[ctxSlab]fieldCtx
		sets   []*[setSlab]fieldSet
		values []*[valueSlab]graphql.Marshaler
	}
	// out is the buffer the operation's data is being written to
	// (marshalData), and clean the ranges of it the field sets wrote as
	// the POST transport would write them: compacted and HTML-escaped
	// (see appendClean), as start and end offsets.
	out   *bytes.Buffer
	clean []int
	// depth counts the field sets being written in a clean range; open is
	// where the range began.
	depth, open int
}

type collectKey struct {
	sel       *ast.Selection
	n         int
	satisfies *string // the generated implementors slice of the object type
}

// argsKey names a field of an object type in the operation.
type argsKey struct {
	field  *ast.Field
	object string
}

// argsOf returns the arguments of a field of an object type built earlier
// in the operation (keepArgs), or nil. They depend on the field and the
// operation's variables only: gqlgen would build them again for every
// object. Every object's field context holds the same map: resolvers read
// it (only field middleware may change a field's arguments, and
// famigraph's serves root fields only).
func (ec *executionContext) argsOf(field graphql.CollectedField, object string) map[string]any {
	st := ec.state()
	if st == nil {
		return nil
	}
	st.lock()
	defer st.unlock()
	return st.args[argsKey{field.Field, object}]
}

// keepArgs keeps a field's arguments for argsOf.
func (ec *executionContext) keepArgs(field graphql.CollectedField, object string, args map[string]any) {
	st := ec.state()
	if st == nil {
		return
	}
	st.lock()
	defer st.unlock()
	if st.args == nil {
		st.args = map[argsKey]map[string]any{}
	}
	st.args[argsKey{field.Field, object}] = args
}

// collected is an entry of execState.recent.
type collected struct {
	key    collectKey
	fields []graphql.CollectedField
}

// slot is the entry of execState.recent for key.
func (k collectKey) slot() uintptr {
	return (uintptr(unsafe.Pointer(k.sel))>>5 ^ uintptr(unsafe.Pointer(k.satisfies))>>3) % 16
}

// execStateName names the executor's state among the operation's Stats
// extensions.
const execStateName = "famigraph.executor"

// startExecution gives an operation its executor state.
func startExecution(op *graphql.OperationContext) {
	shared := op.Operation == nil || rootFields(op, op.Operation.SelectionSet, 0) > 1
	op.Stats.SetExtension(execStateName, &execState{shared: shared, fields: map[collectKey][]graphql.CollectedField{}})
}

// rootFields counts, from n, the fields a selection set may resolve at
// once, up to 2: every field, in every fragment whatever its type
// condition and directives (an overcount only costs locks).
func rootFields(op *graphql.OperationContext, sel ast.SelectionSet, n int) int {
	for _, s := range sel {
		if n > 1 {
			break
		}
		switch s := s.(type) {
		case *ast.Field:
			n++
		case *ast.InlineFragment:
			n = rootFields(op, s.SelectionSet, n)
		case *ast.FragmentSpread:
			if f := op.Doc.Fragments.ForName(s.Name); f != nil {
				n = rootFields(op, f.SelectionSet, n)
			} else {
				n = 2 // not in the document: assume the worst
			}
		}
	}
	return n
}

// lock and unlock guard the state of an operation whose root fields may
// resolve at once (execState.shared).
func (st *execState) lock() {
	if st.shared {
		st.mu.Lock()
	}
}

func (st *execState) unlock() {
	if st.shared {
		st.mu.Unlock()
	}
}

// executionState returns the executor's state of an operation, or nil.
func executionState(op *graphql.OperationContext) *execState {
	if op == nil {
		return nil
	}
	st, _ := op.Stats.GetExtension(execStateName).(*execState)
	return st
}

// state is the operation's executor state, kept in the execution context
// (graph/internal/generate), or nil.
func (ec *executionContext) state() *execState { return ec.exec }

// collectFields is graphql.CollectFields with a cache that costs no
// allocation: gqlgen's, per operation too, boxes the selection set and
// hashes the type names to build its key.
func (ec *executionContext) collectFields(sel ast.SelectionSet, satisfies []string) []graphql.CollectedField {
	st := ec.state()
	if st == nil || len(sel) == 0 || len(satisfies) == 0 {
		return graphql.CollectFields(ec.OperationContext, sel, satisfies)
	}
	key := collectKey{unsafe.SliceData(sel), len(sel), unsafe.SliceData(satisfies)}
	recent := &st.recent[key.slot()]
	st.lock()
	if recent.key == key {
		fields := recent.fields
		st.unlock()
		return fields
	}
	fields, ok := st.fields[key]
	if ok {
		*recent = collected{key, fields}
	}
	st.unlock()
	if ok {
		return fields
	}
	fields = graphql.CollectFields(ec.OperationContext, sel, satisfies)
	st.lock()
	st.fields[key] = fields
	*recent = collected{key, fields}
	st.unlock()
	return fields
}

// fieldSet is the field set of a sequential object (graph/internal/generate
// writes it in place of graphql.FieldSet): the values of its fields, set in
// order, and their count of invalid nulls. It writes itself as
// graphql.FieldSet does, without the map of written names and the
// iterators gqlgen's allocates for every object.
type fieldSet struct {
	fields   []graphql.CollectedField
	Values   []graphql.Marshaler
	Invalids uint32
	st       *execState // the operation's, or nil
}

// maxSlabValues is the most values a field set or a list takes from the
// slab; a larger one gets its own.
const maxSlabValues = 64

// newFieldSet returns a field set for fields, carved with its values from
// the operation's slabs.
func (ec *executionContext) newFieldSet(fields []graphql.CollectedField) *fieldSet {
	st := ec.state()
	if st == nil {
		return &fieldSet{fields: fields, Values: make([]graphql.Marshaler, len(fields))}
	}
	st.lock()
	if len(st.fieldSets) == 0 {
		s := setSlabs.Get().(*[setSlab]fieldSet)
		st.taken.sets = append(st.taken.sets, s)
		st.fieldSets = s[:]
	}
	fs := &st.fieldSets[0]
	st.fieldSets = st.fieldSets[1:]
	st.unlock()
	*fs = fieldSet{fields: fields, Values: ec.newValues(len(fields)), st: st}
	return fs
}

// newValues returns n empty values (of a field set, or a list's elements),
// carved from the operation's slab when there are few.
func (ec *executionContext) newValues(n int) []graphql.Marshaler {
	st := ec.state()
	if st == nil || n > maxSlabValues {
		return make([]graphql.Marshaler, n)
	}
	st.lock()
	if len(st.values) < n {
		s := valueSlabs.Get().(*[valueSlab]graphql.Marshaler)
		st.taken.values = append(st.taken.values, s)
		st.values = s[:]
	}
	values := st.values[:n:n]
	st.values = st.values[n:]
	st.unlock()
	clear(values) // a slab's may have served another operation
	return values
}

// release gives the operation's slabs back to their pools, for the
// operations that follow: its data is written (marshalData), and nothing
// reads its field contexts and field sets after that.
func (st *execState) release() {
	st.lock()
	defer st.unlock()
	for _, s := range st.taken.ctxs {
		ctxSlabs.Put(s)
	}
	for _, s := range st.taken.sets {
		setSlabs.Put(s)
	}
	for _, s := range st.taken.values {
		valueSlabs.Put(s)
	}
	st.taken.ctxs, st.taken.sets, st.taken.values = nil, nil, nil
	st.ctxs, st.fieldSets, st.values = nil, nil, nil
}

// MarshalGQL writes the object. A response name is written once, as
// gqlgen's field set does (graphql.CollectFields merges the fields of one
// name, so it does not happen).
func (fs *fieldSet) MarshalGQL(w io.Writer) {
	b, ok := w.(*bytes.Buffer) // marshalData's: written to without an interface
	if st := fs.st; ok && st != nil && st.out == b {
		if st.depth == 0 {
			st.open = b.Len()
		}
		st.depth++
		b.Write(fs.appendClean(b.AvailableBuffer(), b))
		if st.depth--; st.depth == 0 {
			st.clean = append(st.clean, st.open, b.Len())
		}
		return
	}
	if ok {
		fs.write(b, w)
		return
	}
	b = new(bytes.Buffer)
	fs.write(b, w)
	w.Write(b.Bytes())
}

// write writes the object into b, its values' own writing to w. The names
// need nothing: a response name is a GraphQL name ([_A-Za-z][_0-9A-Za-z]*).
func (fs *fieldSet) write(b *bytes.Buffer, w io.Writer) {
	b.WriteByte('{')
	for i := range fs.fields {
		alias := fs.fields[i].Alias
		if fs.written(alias, i) {
			continue
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(alias)
		b.WriteString(`":`)
		if w == io.Writer(b) {
			fs.Values[i].MarshalGQL(b)
			continue
		}
		w.Write(b.Bytes())
		b.Reset()
		fs.Values[i].MarshalGQL(w)
	}
	b.WriteByte('}')
}

// appendClean appends the object to dst in a clean range of b, the
// operation's output: compacted and HTML-escaped as the POST transport
// writes it (appendCompact), so that the transport copies the range as it
// is instead of scanning it again (appendCompactRanges). What it appends
// follows what b holds: dst is b's available buffer, or what it grew into.
func (fs *fieldSet) appendClean(dst []byte, b *bytes.Buffer) []byte {
	dst = append(dst, '{')
	for i := range fs.fields {
		alias := fs.fields[i].Alias
		if fs.written(alias, i) {
			continue
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = append(dst, alias...)
		dst = append(dst, '"', ':')
		dst = appendCleanValue(dst, b, fs.Values[i])
	}
	return append(dst, '}')
}

// gqlAppender is a value that appends itself as MarshalGQL writes it: the
// records' enumerations (kg).
type gqlAppender interface{ AppendGQL([]byte) []byte }

// appendCleanValue appends a value of an object in a clean range of b (see
// appendClean): the executor's own values as they are, any other
// marshaller's value, then compacted in place if it holds a byte
// compaction could change.
func appendCleanValue(dst []byte, b *bytes.Buffer, m graphql.Marshaler) []byte {
	switch v := m.(type) {
	case *fieldSet:
		return v.appendClean(dst, b) // in the range: the same operation's
	case graphql.Array: // as graphql.Array writes itself
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendCleanValue(dst, b, e)
		}
		return append(dst, ']')
	case *jsonString:
		return v.appendClean(dst)
	case *jsonFloat:
		return strconv.AppendFloat(dst, float64(*v), 'g', -1, 64) // digits, '.', 'e', '+', '-'
	case gqlAppender:
		start := len(dst)
		dst = v.AppendGQL(dst)
		if compactable(dst[start:]) {
			piece := bytes.Clone(dst[start:])
			dst = appendCompact(dst[:start], piece)
		}
		return dst
	}
	if m == graphql.Null {
		return append(dst, "null"...)
	}
	// Another marshaller writes to b itself: what is appended goes first.
	b.Write(dst)
	start := b.Len()
	m.MarshalGQL(b)
	if piece := b.Bytes()[start:]; compactable(piece) {
		piece = bytes.Clone(piece)
		b.Truncate(start)
		b.Write(appendCompact(b.AvailableBuffer(), piece))
	}
	return b.AvailableBuffer()
}

// compactable reports whether appendCompact may change b: whether it holds
// whitespace, or a byte it escapes (or begins escaping: U+2028 and U+2029
// start with 0xE2) in strings.
func compactable(b []byte) bool {
	for _, c := range b {
		if compactableByte[c] {
			return true
		}
	}
	return false
}

var compactableByte = byteSet(" \t\n\r<>&\xe2")

// written reports whether a field before i has the response name alias.
func (fs *fieldSet) written(alias string, i int) bool {
	for j := range i {
		if fs.fields[j].Alias == alias {
			return true
		}
	}
	return false
}

// finite reports whether f marshals as a GraphQL Float: gqlgen refuses NaN
// and infinities, with an error the fast path leaves to gqlgen.
func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// resolved is what graphql.ResolveField does with a resolver's result, for
// the fields the generated code resolves in place (graph/internal/generate):
// an error is reported with the field's location, a null where the schema
// or the field context forbids one is reported, a value of another type is
// reported. It returns the value, or false and what the field marshals to.
func resolved[T any](ctx context.Context, oc *graphql.OperationContext, fc *graphql.FieldContext, res any, err error,
	nonNull bool) (T, bool, graphql.Marshaler) {
	var zero T
	null := graphql.Null
	if fc.NonNull && !nonNull {
		null = graphql.RequiredNull
	}
	if err != nil {
		oc.Error(ctx, graphql.AddFieldLocationToError(ctx, err))
		return zero, false, null
	}
	if res == nil {
		if nonNull || fc.NonNull {
			graphql.AddInvalidNullError(ctx, "")
		}
		return zero, false, null
	}
	if v, ok := res.(T); ok {
		fc.Result = res // the same value as gqlgen's fc.Result = v, boxed once
		return v, true, nil
	}
	if m, ok := res.(graphql.Marshaler); ok {
		fc.Result = m
		return zero, false, m
	}
	oc.Errorf(ctx, `unexpected type %T from middleware/directive chain, should be %T`, res, zero)
	return zero, false, graphql.Null
}

// jsonString is a string written as a GraphQL String, exactly as
// graphql.MarshalString writes it (gqlgen's writeQuotedString): the plain
// fields' fast path marshals a record's string through a pointer to it,
// with no allocation, where graphql.MarshalString allocates a closure.
type jsonString string

const hexDigits = "0123456789ABCDEF"

// MarshalGQL implements graphql.Marshaler.
func (p *jsonString) MarshalGQL(w io.Writer) {
	s := string(*p)
	if b, ok := w.(*bytes.Buffer); ok && plainString(s) {
		b.WriteByte('"')
		b.WriteString(s)
		b.WriteByte('"')
		return
	}
	start := 0
	io.WriteString(w, `"`)
	for i, c := range s {
		if c < 0x20 || c == '\\' || c == '"' {
			io.WriteString(w, s[start:i])
			switch c {
			case '\t':
				io.WriteString(w, `\t`)
			case '\r':
				io.WriteString(w, `\r`)
			case '\n':
				io.WriteString(w, `\n`)
			case '\\':
				io.WriteString(w, `\\`)
			case '"':
				io.WriteString(w, `\"`)
			default:
				io.WriteString(w, `\u00`)
				io.WriteString(w, hexDigits[c>>4:c>>4+1])
				io.WriteString(w, hexDigits[c&0xf:c&0xf+1])
			}
			start = i + 1
		}
	}
	io.WriteString(w, s[start:])
	io.WriteString(w, `"`)
}

// appendClean appends the string as MarshalGQL writes it, then compacted
// and HTML-escaped as appendCompact would.
func (p *jsonString) appendClean(dst []byte) []byte {
	s := string(*p)
	if cleanString(s) {
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"')
	}
	var raw bytes.Buffer
	p.MarshalGQL(&raw)
	return appendCompact(dst, raw.Bytes())
}

// cleanString reports whether s is written between quotes as it is, and
// compaction leaves it so.
func cleanString(s string) bool {
	for i := range len(s) {
		if c := s[i]; notClean[c] && (c != 0xE2 || i+2 < len(s) && s[i+1] == 0x80 && s[i+2]&^1 == 0xA8) {
			return false
		}
	}
	return true
}

// notClean are the bytes cleanString stops at: those MarshalGQL escapes,
// those compaction escapes, and the first of U+2028 and U+2029.
var notClean = func() [256]bool {
	set := byteSet("\\\"<>&\xe2")
	for c := range 0x20 {
		set[c] = true
	}
	return set
}()

// plainString reports whether s is written between quotes as it is.
func plainString(s string) bool {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c == '\\' || c == '"' {
			return false
		}
	}
	return true
}

// jsonFloat is a finite float written as a GraphQL Float, exactly as
// graphql.MarshalFloatContext writes it (fmt's %g, which is strconv's
// shortest 'g'): the plain fields' fast path marshals a record's float
// through a pointer to it, where gqlgen allocates a closure and an adapter.
type jsonFloat float64

// MarshalGQL implements graphql.Marshaler.
func (p *jsonFloat) MarshalGQL(w io.Writer) {
	if b, ok := w.(*bytes.Buffer); ok {
		b.Write(strconv.AppendFloat(b.AvailableBuffer(), float64(*p), 'g', -1, 64))
		return
	}
	fmt.Fprintf(w, "%g", float64(*p))
}
