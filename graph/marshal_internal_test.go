package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// TestJSONStringIsGqlgens: the plain fields' fast path writes a string
// byte for byte as graphql.MarshalString does.
func TestJSONStringIsGqlgens(t *testing.T) {
	cases := []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rret", "città, perché — “virgolette”",
		"\x00\x01\x1f\x7f", "invalid \xff\xfe utf-8", "emoji 🇮🇹", strings.Repeat("ab\"", 100)}
	for c := rune(0); c < 0x80; c++ {
		cases = append(cases, string(c))
	}
	for _, s := range cases {
		var want, got bytes.Buffer
		graphql.MarshalString(s).MarshalGQL(&want)
		(*jsonString)(&s).MarshalGQL(&got)
		if got.String() != want.String() {
			t.Errorf("%q: wrote %s, gqlgen writes %s", s, got.String(), want.String())
		}
	}
}

// TestFieldSetIsGqlgens: a sequential object writes itself as gqlgen's
// field set does, a repeated response name once.
func TestFieldSetIsGqlgens(t *testing.T) {
	var fields []graphql.CollectedField
	for _, a := range []string{"id", "name", "id", "n2"} {
		fields = append(fields, graphql.CollectedField{Field: &ast.Field{Alias: a, Name: a}})
	}
	values := []graphql.Marshaler{graphql.MarshalString("a"), graphql.MarshalInt(2), graphql.Null, graphql.MarshalBoolean(true)}
	want := graphql.NewFieldSet(fields)
	copy(want.Values, values)
	var w bytes.Buffer
	want.MarshalGQL(&w)
	for _, n := range []int{0, 1, 2, 4} {
		var wn bytes.Buffer
		g := graphql.NewFieldSet(fields[:n])
		copy(g.Values, values)
		g.MarshalGQL(&wn)
		fs := (&executionContext{}).newFieldSet(fields[:n])
		copy(fs.Values, values)
		var got bytes.Buffer
		fs.MarshalGQL(&got)
		if got.String() != wn.String() {
			t.Errorf("%d fields: wrote %s, gqlgen writes %s", n, got.String(), wn.String())
		}
	}
	if !strings.Contains(w.String(), `"n2":true`) {
		t.Fatalf("gqlgen wrote %s", w.String())
	}
}

// TestAppendCompactIsJSONMarshals: the POST transport writes the data as
// json.Marshal writes a json.RawMessage.
func TestAppendCompactIsJSONMarshals(t *testing.T) {
	for _, src := range []string{
		`{"a":1}`, `null`, `[]`, `{"s":"<b> & </b>"}`, "{\"s\":\"line\u2028para\u2029\"}",
		`{ "a" : [ 1 , 2 ] , "b" : "x y\tz" }`, "{\n\t\"a\": \"\\\" \\\\ \\n \\u003c\"\n}",
		`{"e":"\\"}`, `{"e":"\\\"<"}`, `{"u":"città – 🇮🇹 \u00e8"}`, `"<>&"`, `[{"a":{"b":[true,false,null,1.5e-3]}}]`,
	} {
		want, err := json.Marshal(json.RawMessage(src))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got := appendCompact(nil, []byte(src)); string(got) != string(want) {
			t.Errorf("%s: wrote %s, json.Marshal writes %s", src, got, want)
		}
	}
	// Strings of every byte and of the runes appendCompact looks at, as
	// gqlgen writes them (no HTML escaping), indented.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var obj []any
		for range rng.IntN(5) {
			obj = append(obj, map[string]any{"s": compactString(rng, 12), "n": rng.IntN(100)})
		}
		var raw bytes.Buffer
		enc := json.NewEncoder(&raw)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "\t")
		if err := enc.Encode(obj); err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(json.RawMessage(raw.Bytes()))
		if err != nil {
			t.Fatalf("%s: %v", raw.Bytes(), err)
		}
		if got := appendCompact(nil, raw.Bytes()); string(got) != string(want) {
			t.Fatalf("%q: wrote %q, json.Marshal writes %q", raw.Bytes(), got, want)
		}
	}
}

// compactString returns a string of up to n pieces: the runes and bytes
// compaction looks at, or any byte.
func compactString(rng *rand.Rand, n int) string {
	alphabet := []string{"<", ">", "&", "\u2028", "\u2029", "\u2027", "\u202a", "\"", "\\", " ", "\t", "\n", "\xe2", "\x80", "\xa8", "è", "a"}
	var b strings.Builder
	for range rng.IntN(n) {
		if rng.IntN(4) == 0 {
			b.WriteByte(byte(rng.IntN(256)))
		} else {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
	}
	return b.String()
}

// TestPostTransportWritesWhatGqlgenWrites: a response through the
// transport is the bytes gqlgen's transport writes, json.Marshal of the
// response.
func TestPostTransportWritesWhatGqlgenWrites(t *testing.T) {
	data := json.RawMessage(`{"regions":[{"name":"A <&> B \u2028","calls":[]}]}`)
	want, _ := json.Marshal(&graphql.Response{Data: data, Extensions: map[string]any{"cost": 3}})
	var got bytes.Buffer
	w := &dataWriter{ResponseWriter: httptest.NewRecorder()}
	resp := &graphql.Response{Data: placeholder, Extensions: map[string]any{"cost": 3}}
	w.data = data
	b, _ := json.Marshal(resp)
	w.ResponseWriter = &recorder{&got, httptest.NewRecorder()}
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if got.String() != string(want) {
		t.Errorf("wrote %s, gqlgen writes %s", got.String(), want)
	}
}

type recorder struct {
	buf *bytes.Buffer
	*httptest.ResponseRecorder
}

func (r *recorder) Write(b []byte) (int, error) { return r.buf.Write(b) }

// TestJSONFloatIsGqlgens: the plain fields' fast path writes a finite float
// byte for byte as graphql.MarshalFloatContext does.
func TestJSONFloatIsGqlgens(t *testing.T) {
	cases := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e6, 1e21, 1e-7, 123456789.125, 43.6158, 13.5189,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 3922425.01, 1 << 53}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		cases = append(cases, math.Float64frombits(rng.Uint64()), rng.Float64()*1e7, float64(rng.IntN(1e9))/100)
	}
	for _, f := range cases {
		if !finite(f) {
			continue
		}
		var want, got, other bytes.Buffer
		graphql.WrapContextMarshaler(context.Background(), graphql.MarshalFloatContext(f)).MarshalGQL(&want)
		(*jsonFloat)(&f).MarshalGQL(&got)
		(*jsonFloat)(&f).MarshalGQL(struct{ io.Writer }{&other})
		if got.String() != want.String() || other.String() != want.String() {
			t.Fatalf("%v: wrote %s and %s, gqlgen writes %s", f, got.String(), other.String(), want.String())
		}
	}
}

// TestFieldCtxIsWithFieldContext: a fieldCtx is what
// graphql.WithFieldContext gives: the field context found by
// graphql.GetFieldContext, its parent the enclosing one, and every other
// value of the parent's context.
func TestFieldCtxIsWithFieldContext(t *testing.T) {
	type key struct{}
	parent := &graphql.FieldContext{Object: "Query"}
	ctx := graphql.WithFieldContext(context.WithValue(context.Background(), key{}, "v"), parent)
	c := &fieldCtx{Context: ctx}
	c.fc.Object = "Region"
	got := c.enter()
	if fc := graphql.GetFieldContext(got); fc != &c.fc {
		t.Fatalf("GetFieldContext = %p, want the fieldCtx's own %p", fc, &c.fc)
	}
	if c.fc.Parent != parent {
		t.Errorf("Parent = %v, want the enclosing field context", c.fc.Parent)
	}
	if v := got.Value(key{}); v != "v" {
		t.Errorf("Value(other key) = %v, want the parent context's value", v)
	}
	child := &fieldCtx{Context: got}
	if child.enter(); child.fc.Parent != &c.fc {
		t.Errorf("a nested fieldCtx's Parent = %p, want %p", child.fc.Parent, &c.fc)
	}
	l := &Loaders{}
	withLoaders := &fieldCtx{Context: WithLoaders(child, l)}
	grandchild := &fieldCtx{Context: withLoaders.enter()}
	if got := loadersFrom(grandchild.enter()); got != l {
		t.Errorf("loaders = %p, want the request's %p", got, l)
	}
	if grandchild.fc.Parent != &withLoaders.fc {
		t.Errorf("Parent = %p, want %p", grandchild.fc.Parent, &withLoaders.fc)
	}
	if graphql.GetFieldContext(context.Background()) != nil {
		t.Error("GetFieldContext found a field context in an empty context")
	}
}

// spaced is a marshaller that writes whitespace and HTML characters
// outside and inside strings, which compaction changes.
type spaced string

func (s spaced) MarshalGQL(w io.Writer) {
	io.WriteString(w, "{ \"s\" : "+strconv.Quote(string(s))+" }")
}

// TestCleanRangesAreCompact: the data as the field sets write it into
// marshalData's buffer, their clean ranges copied as they are and the rest
// compacted (appendCompactRanges), is what compacting the data as gqlgen's
// marshallers write it gives — for strings of every byte compaction looks
// at, other marshallers' values, lists, nested objects and repeated names.
// quotedAppender appends itself (gqlAppender) as it marshals itself: a
// quoted string, escaped by strconv.
type quotedAppender string

func (q *quotedAppender) MarshalGQL(w io.Writer)    { io.WriteString(w, strconv.Quote(string(*q))) }
func (q *quotedAppender) AppendGQL(b []byte) []byte { return strconv.AppendQuote(b, string(*q)) }

func TestCleanRangesAreCompact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	str := func() string { return compactString(rng, 8) }
	for range 300 {
		st := &execState{fields: map[collectKey][]graphql.CollectedField{}}
		ec := &executionContext{exec: st}
		var object func(depth int) graphql.Marshaler
		value := func(depth int) graphql.Marshaler {
			switch rng.IntN(10) {
			case 6:
				e := quotedAppender(str())
				return &e
			case 7: // another marshaller holding the executor's objects
				inner := object(depth + 1)
				return graphql.WriterFunc(func(w io.Writer) {
					io.WriteString(w, `{ "wrapped" : `)
					inner.MarshalGQL(w)
					io.WriteString(w, ` }`)
				})
			case 0:
				s := jsonString(str())
				return &s
			case 1:
				return graphql.MarshalString(str())
			case 2:
				return spaced(str())
			case 3:
				f := jsonFloat(rng.NormFloat64() * 1e6)
				return &f
			case 4:
				return graphql.Null
			case 5:
				var a graphql.Array
				for range rng.IntN(3) {
					a = append(a, object(depth+1))
				}
				return a
			}
			return object(depth + 1)
		}
		object = func(depth int) graphql.Marshaler {
			if depth > 3 {
				return graphql.MarshalInt(depth)
			}
			var fields []graphql.CollectedField
			for range rng.IntN(5) {
				a := []string{"a", "b", "c", "d"}[rng.IntN(4)]
				fields = append(fields, graphql.CollectedField{Field: &ast.Field{Alias: a, Name: a}})
			}
			fs := ec.newFieldSet(fields)
			for i := range fs.Values {
				fs.Values[i] = value(depth)
			}
			return fs
		}
		// The root as gqlgen's: its own field set, over the executor's
		// objects.
		root := graphql.NewFieldSet([]graphql.CollectedField{{Field: &ast.Field{Alias: "r", Name: "r"}}})
		root.Values[0] = graphql.Array{object(0), value(0), object(0)}

		var plain bytes.Buffer
		root.MarshalGQL(&plain)
		want := appendCompact(nil, plain.Bytes())

		var data bytes.Buffer
		st.out = &data
		root.MarshalGQL(&data)
		st.out = nil
		if st.depth != 0 {
			t.Fatalf("depth %d after writing", st.depth)
		}
		if got := appendCompactRanges(nil, data.Bytes(), st.clean); string(got) != string(want) {
			t.Fatalf("%q with clean ranges %v: wrote %q, compaction gives %q", data.Bytes(), st.clean, got, want)
		}
	}
}

// TestRootFieldsCountsWhatMayResolveAtOnce: an operation's executor state
// goes without locks only when one root field at most can resolve, however
// its fields are spread over fragments.
func TestRootFieldsCountsWhatMayResolveAtOnce(t *testing.T) {
	for q, want := range map[string]int{
		`{ regions { id projects { id } } }`:                      1,
		`{ regions { id } calls { id } }`:                         2,
		`{ __typename }`:                                          1,
		`{ ... on Query { regions { id } } }`:                     1,
		`{ ... on Query { regions { id } } calls { id } }`:        2,
		`{ ...F } fragment F on Query { regions { id } }`:         1,
		`{ ...F ...F } fragment F on Query { regions { id } }`:    2,
		`{ ...F } fragment F on Query { ... on Query { a b c } }`: 2,
		`{ a @skip(if: true) b @include(if: false) }`:             2,
		`{ ...F } fragment F on Query { r { x y z } }`:            1,
		`query Q($v: Boolean!) { a @include(if: $v) ... { b } }`:  2,
		`{ ...Missing }`: 2,
	} {
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		op := &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0]}
		if got := rootFields(op, op.Operation.SelectionSet, 0); got != want {
			t.Errorf("%s: %d root fields, want %d", q, got, want)
		}
		startExecution(op)
		if st := executionState(op); st.shared != (want > 1) {
			t.Errorf("%s: shared %t, want %t", q, st.shared, want > 1)
		}
	}
}
