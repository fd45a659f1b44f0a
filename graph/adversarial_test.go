package graph_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/famigraph/famigraph/graph"
	"github.com/famigraph/famigraph/internal/bench"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
)

// adversarial is a document built to cost the server as much as it can
// within the default limits (graph.DefaultMaxTokens tokens, a 1 MiB body),
// with the variables it is sent with.
type adversarial struct {
	name  string
	query string
	vars  map[string]any
}

// tokenBudget keeps every shape under the parser's default token limit.
const tokenBudget = graph.DefaultMaxTokens - 100

// adversarialShapes are the shapes of issue 13 item 2: repeated fields,
// fragment fan-out, directive floods, wide and deep selections, large
// variable lists.
func adversarialShapes() []adversarial {
	var out []adversarial
	add := func(name, q string, vars map[string]any) { out = append(out, adversarial{name, q, vars}) }
	// Repeated fields: one field thousands of times (2 tokens each with
	// its alias: "a: id" is 3).
	add("repeated-field", "{ regions { "+strings.Repeat("id ", tokenBudget-10)+"} }", nil)
	add("repeated-alias", "{ regions { "+strings.Repeat("a: id ", (tokenBudget-10)/3)+"} }", nil)
	// The same response name for different fields: every pair conflicts.
	add("conflicting-alias", "{ regions { "+repeat((tokenBudget-10)/6, func(i int) string {
		return [...]string{"a: id", "a: name"}[i%2] + " "
	})+"} }", nil)
	// Nested repetition: every copy of a field holds a selection, so that
	// merging compares sub-selections too.
	add("repeated-nested", "{ regions { "+strings.Repeat("calls { id } ", (tokenBudget-10)/5)+"} }", nil)
	// Fragment fan-out: each fragment spreads the next twice, 2^n fields.
	const levels = 40
	var b strings.Builder
	b.WriteString("{ ...F0 }\n")
	for i := range levels {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { regions { id } }\n", levels)
	add("fragment-fanout", b.String(), nil)
	// Fragment fan-out nested in fields: the same fragment spread under
	// many fields at every level.
	b.Reset()
	b.WriteString("{ regions { ...R0 } }\n")
	for i := range levels {
		fmt.Fprintf(&b, "fragment R%d on Region { ...R%d calls { id } ...R%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment R%d on Region { id name }\n", levels)
	add("fragment-fanout-fields", b.String(), nil)
	// Many fragments of the same fields spread side by side.
	n := (tokenBudget - 20) / 12
	b.Reset()
	b.WriteString("{ regions { ")
	for i := range n {
		fmt.Fprintf(&b, "...G%d ", i)
	}
	b.WriteString("} }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment G%d on Region { id name }\n", i)
	}
	add("many-fragments", b.String(), nil)
	// Directive floods: thousands of directives on one field (7 tokens
	// each), or on each of many fields.
	add("directive-flood", "{ regions "+strings.Repeat("@include(if: true) ", (tokenBudget-10)/7)+"{ id } }", nil)
	add("directive-flood-fields", "{ regions { "+strings.Repeat("id @skip(if: false) ", (tokenBudget-10)/8)+"} }", nil)
	add("directive-flood-distinct", "{ regions { "+repeat((tokenBudget-10)/10, func(i int) string {
		return fmt.Sprintf("a%d: id @skip(if: false) ", i)
	})+"} }", nil)
	// Wide: every field of Region, repeated under aliases up to the limit,
	// then plain fields.
	add("wide", "{ regions { "+strings.Repeat("id name nutsCode istatCode kind centroid { lat lon } ", (tokenBudget-10)/11)+"} }", nil)
	// Deep: a chain as deep as the parser allows (it refuses nesting over
	// 1,000).
	depth := 900
	add("deep", "{ regions { "+strings.Repeat("projects { call { ", depth/2)+"id"+strings.Repeat(" } }", depth/2)+" } }", nil)
	// Large variable lists: thousands of variables declared and used.
	nv := (tokenBudget - 20) / 10
	vars := map[string]any{}
	b.Reset()
	b.WriteString("query Q(")
	for i := range nv {
		fmt.Fprintf(&b, "$v%d: [ID!]! ", i)
		vars[fmt.Sprintf("v%d", i)] = []string{"region:lazio"}
	}
	b.WriteString(") { ")
	for i := range min(nv, 10) {
		fmt.Fprintf(&b, "n%d: nodes(ids: $v%d) { id } ", i, i)
	}
	b.WriteString("}")
	add("variables", b.String(), vars)
	// One variable holding a list as large as the body allows.
	ids := make([]string, 60000)
	for i := range ids {
		ids[i] = "region:lazio"
	}
	add("variable-list", "query Q($ids: [ID!]!) { nodes(ids: $ids) { id } }", map[string]any{"ids": ids})
	return out
}

// TestPreflightIsLinear checks the mechanism that bounds what a document
// costs before it is refused: for every adversarial shape that parses, the
// preflight visits each selection of the document at most once (fragments
// are measured once, however often they are spread), and a shape beyond a
// limit is refused before gqlparser's validation rules run — the quadratic
// ones included.
func TestPreflightIsLinear(t *testing.T) {
	h := newHandler(memstore.New(kgtest.RealSeed(t)), 0)
	for _, s := range adversarialShapes() {
		t.Run(s.name, func(t *testing.T) {
			doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: s.query}, graph.DefaultMaxTokens)
			if err != nil {
				t.Skipf("refused by the parser: %v", err)
			}
			code, visited, err := graph.PreflightVisits(s.query)
			if err != nil {
				t.Fatal(err)
			}
			if n := selections(doc); visited > n {
				t.Errorf("the preflight visited %d selections of a document of %d", visited, n)
			}
			validated := graph.Validations()
			_, r := post(t, h, s.query, s.vars)
			if len(r.Errors) == 0 {
				t.Fatalf("answered: %.200s", r.Data)
			}
			switch {
			case code != "" && r.Errors[0].code() != code:
				t.Errorf("refused with %s (%s), the preflight says %s", r.Errors[0].code(), r.Errors[0].Message, code)
			case code != "" && graph.Validations() != validated:
				t.Errorf("a document beyond the limits (%s) reached validation", code)
			}
		})
	}
}

// selections counts the selections written in a document.
func selections(doc *ast.QueryDocument) int {
	var count func(ast.SelectionSet) int
	count = func(set ast.SelectionSet) int {
		n := len(set)
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				n += count(s.SelectionSet)
			case *ast.InlineFragment:
				n += count(s.SelectionSet)
			}
		}
		return n
	}
	n := 0
	for _, op := range doc.Operations {
		n += count(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		n += count(f.SelectionSet)
	}
	return n
}

// TestPreflightLimits checks each preflight limit at its bound: a
// document at the limit passes, one more is refused with the code and the
// measure, and a document the server has parsed before skips the
// preflight.
func TestPreflightLimits(t *testing.T) {
	h := newHandler(memstore.New(kgtest.RealSeed(t)), 0)
	fields := func(n int) string { return "{ regions { " + strings.Repeat("id ", n-1) + "} }" }
	directives := func(n int) string { return "{ regions { " + strings.Repeat("id @include(if: true) ", n) + "} }" }
	ids := func(n int) map[string]any {
		v := make([]any, n-1)
		for i := range v {
			v[i] = "region:lazio"
		}
		return map[string]any{"ids": v}
	}
	for _, c := range []struct {
		name, ok, over   string
		okVars, overVars map[string]any
		code, reason     string
		measured, limit  int
	}{
		// regions counts one field: n-1 ids and regions make n.
		{"fields", "{ regions { id } }", fields(graph.DefaultMaxFields + 1), nil, nil, graph.CodeCostLimit, "fields", graph.DefaultMaxFields + 1, graph.DefaultMaxFields},
		{"repeats", "{ regions { " + strings.Repeat("id ", graph.DefaultMaxRepeats) + "} }", "{ regions { " + strings.Repeat("id ", graph.DefaultMaxRepeats+1) + "} }", nil, nil, graph.CodeCostLimit, "repeats", graph.DefaultMaxRepeats + 1, graph.DefaultMaxRepeats},
		{"directives", "{ regions { " + strings.Repeat("id @include(if: true) name @include(if: true) nutsCode @include(if: true) istatCode @include(if: true) kind @include(if: true) ", graph.DefaultMaxDirectives/5) + "} }", directives(graph.DefaultMaxDirectives + 1), nil, nil, graph.CodeCostLimit, "directives", graph.DefaultMaxDirectives + 1, graph.DefaultMaxDirectives},
		{"fragment fan-out", "{ ...A } fragment A on Query { ...B ...B } fragment B on Query { regions { id } }",
			"{ ...A } fragment A on Query { " + strings.Repeat("...B ", graph.DefaultMaxRepeats+1) + "} fragment B on Query { regions { id } }", nil, nil, graph.CodeCostLimit, "repeats", graph.DefaultMaxRepeats + 1, graph.DefaultMaxRepeats},
		{"variable values", "query Q($ids: [ID!]!) { nodes(ids: $ids) { id } }", "query Q($ids: [ID!]!) { nodes(ids: $ids) { id } }",
			map[string]any{"ids": []any{"region:lazio"}}, ids(graph.DefaultMaxVariableValues + 1), graph.CodeCostLimit, "variableValues", graph.DefaultMaxVariableValues, graph.DefaultMaxVariableValues},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, r := post(t, h, c.ok, c.okVars); len(r.Errors) > 0 && r.Errors[0].code() == c.code {
				t.Errorf("at the limit: refused with %+v", r.Errors[0])
			}
			_, r := post(t, h, c.over, c.overVars)
			if len(r.Errors) != 1 || r.Errors[0].code() != c.code {
				t.Fatalf("beyond the limit: %+v, want one error %s", r.Errors, c.code)
			}
			e := r.Errors[0]
			if m, _ := e.Extensions[c.reason].(float64); int(m) != c.measured {
				t.Errorf("%s = %v, want %d (%+v)", c.reason, e.Extensions[c.reason], c.measured, e)
			}
			if l, _ := e.Extensions["limit"].(float64); int(l) != c.limit {
				t.Errorf("limit = %v, want %d", e.Extensions["limit"], c.limit)
			}
		})
	}
	// A document parsed before is not measured again.
	post(t, h, "{ regions { name } }", nil)
	before := graph.Preflights()
	post(t, h, "{ regions { name } }", nil)
	if graph.Preflights() != before {
		t.Error("a document the server parsed before went through the preflight again")
	}
}

// BenchmarkAdversarial measures what each adversarial shape costs the
// GraphQL handler (parse, validation, limits and, if accepted, execution),
// and reports its outcome. Target (issue 13): at most 50 ms each.
func BenchmarkAdversarial(b *testing.B) {
	h := newHandler(memstore.New(kgtest.RealSeed(b)), 0)
	for _, s := range adversarialShapes() {
		b.Run(s.name, func(b *testing.B) {
			body, _ := json.Marshal(map[string]any{"query": s.query, "variables": s.vars})
			if len(body) > 1<<20 {
				b.Fatalf("body of %d bytes, over the default limit", len(body))
			}
			var outcome string
			cpu := bench.CPUTime()
			n := 0
			for b.Loop() {
				n++
				_, r := post(b, h, s.query, s.vars)
				outcome = "answered"
				if len(r.Errors) > 0 {
					outcome = r.Errors[0].code()
				}
			}
			b.ReportMetric(float64(bench.CPUTime()-cpu)/float64(n), "cpu-ns/op")
			b.ReportMetric(float64(len(body)), "body-B")
			b.Logf("%s: %s", s.name, outcome)
		})
	}
}
