package graph

import (
	"bytes"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
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
