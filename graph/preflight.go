package graph

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// Preflight: the structural limits of a document, checked after parsing
// and before gqlparser's validation rules, some of which cost time
// quadratic in the size of a selection set (OverlappingFieldsCanBeMerged
// compares every two fields of one response name; a document of 15,000
// tokens repeating one field took over a minute). The walk below visits
// each selection of the document once — a fragment is measured once and
// its measure reused wherever it is spread — and stops at the first limit
// exceeded, so its cost is linear in the document whatever its shape.

// shape is the measure of a selection set, relative to the set: its
// depth, the aliases and fields it selects (fragments expanded, saturated
// at maxCount), its fields' response names at its own level with their
// multiplicity, and the most repeated one.
type shape struct {
	depth   int
	aliases int
	fields  int
	names   map[string]int // response names of the set's own level
	repeats int            // the largest multiplicity of one response name in one set
	name    string         // that response name
}

// maxCount saturates counts: fragment fan-out can make them exponential.
const maxCount = 1 << 30

func satAdd(a, b int) int { return min(a+b, maxCount) }

// preflight measures the documents' selections against the limits.
type preflight struct {
	limits     Limits
	fragments  map[string]*ast.FragmentDefinition
	memo       map[string]*shape
	active     map[string]bool // fragments being measured: a cycle, which validation refuses
	visited    int             // selections visited, for tests
	directives int             // directives in the document
	violation  *violation
}

// violation is the first limit a document exceeds.
type violation struct {
	reason, code, format string
	measured, limit      int
	name                 string // the repeated response name, for repeats
}

// checkDocument measures every operation and fragment definition of doc
// (validation walks them all, used or not) and returns the first limit
// exceeded, or nil, and the number of selections visited.
func checkDocument(doc *ast.QueryDocument, l Limits) (*violation, int) {
	p := &preflight{limits: l, fragments: make(map[string]*ast.FragmentDefinition, len(doc.Fragments)),
		memo: map[string]*shape{}, active: map[string]bool{}}
	for _, f := range doc.Fragments {
		if _, ok := p.fragments[f.Name]; !ok {
			p.fragments[f.Name] = f
		}
	}
	for _, op := range doc.Operations {
		p.directive(len(op.Directives))
		for _, v := range op.VariableDefinitions {
			p.directive(len(v.Directives))
		}
		s := p.set(op.SelectionSet, true)
		if p.violation == nil {
			p.check(s, true)
		}
		if p.violation != nil {
			return p.violation, p.visited
		}
	}
	for _, f := range doc.Fragments {
		if s := p.fragment(f.Name); p.violation == nil && s != nil {
			p.check(s, false)
		}
		if p.violation != nil {
			return p.violation, p.visited
		}
	}
	return nil, p.visited
}

// check compares a measure with the limits: all of them for an
// operation, those that a part of one can exceed for the rest.
func (p *preflight) check(s *shape, operation bool) {
	l := p.limits
	switch {
	case operation && s.depth > l.MaxDepth:
		p.violate(violation{reason: "depth", code: CodeDepthLimit, format: "operation is nested %d levels deep, more than the limit of %d", measured: s.depth, limit: l.MaxDepth})
	case s.aliases > l.MaxAliases:
		p.violate(violation{reason: "aliases", code: CodeAliasLimit, format: "operation has %d aliases, more than the limit of %d", measured: s.aliases, limit: l.MaxAliases})
	case operation && p.roots(s) > l.MaxRootFields:
		p.violate(violation{reason: "rootFields", code: CodeRootFieldLimit, format: "operation has %d top-level fields, more than the limit of %d", measured: p.roots(s), limit: l.MaxRootFields})
	case s.fields > l.MaxFields:
		p.violate(violation{reason: "fields", code: CodeCostLimit, format: "operation selects %d fields (fragments expanded), more than the limit of %d", measured: s.fields, limit: l.MaxFields})
	case s.repeats > l.MaxRepeats:
		p.violate(violation{reason: "repeats", code: CodeCostLimit, format: "operation selects one response name %d times in one selection set, more than the limit of %d", measured: s.repeats, limit: l.MaxRepeats, name: s.name})
	}
}

// roots counts the top-level fields of an operation, __typename excepted.
func (p *preflight) roots(s *shape) int {
	n := 0
	for name, k := range s.names {
		if name != "__typename" {
			n = satAdd(n, k)
		}
	}
	return n
}

// directive counts n directives against the limit.
func (p *preflight) directive(n int) {
	p.directives = satAdd(p.directives, n)
	if p.directives > p.limits.MaxDirectives {
		p.violate(violation{reason: "directives", code: CodeCostLimit, format: "operation has %d directives, more than the limit of %d", measured: p.directives, limit: p.limits.MaxDirectives})
	}
}

func (p *preflight) violate(v violation) {
	if p.violation == nil {
		p.violation = &v
	}
}

// set measures a selection set. It stops early once a limit is exceeded;
// the caller then discards the measure.
func (p *preflight) set(sel ast.SelectionSet, top bool) *shape {
	s := &shape{names: map[string]int{}}
	for _, x := range sel {
		if p.violation != nil {
			return s
		}
		p.visited++
		switch x := x.(type) {
		case *ast.Field:
			p.directive(len(x.Directives))
			name := x.Alias
			if name == "" {
				name = x.Name
			}
			s.names[name] = satAdd(s.names[name], 1)
			if x.Name == "__typename" {
				continue
			}
			s.fields = satAdd(s.fields, 1)
			if x.Alias != "" && x.Alias != x.Name {
				s.aliases = satAdd(s.aliases, 1)
			}
			if len(x.SelectionSet) > 0 {
				sub := p.set(x.SelectionSet, false)
				p.merge(s, sub, false)
				if x.Name != "__schema" && x.Name != "__type" {
					// Introspection is nested deeper than any query
					// (gqlparser bounds it): its depth does not count.
					s.depth = max(s.depth, 1+sub.depth)
				}
			} else {
				s.depth = max(s.depth, 1)
			}
		case *ast.InlineFragment:
			p.directive(len(x.Directives))
			sub := p.set(x.SelectionSet, false)
			p.merge(s, sub, true)
			s.depth = max(s.depth, sub.depth)
		case *ast.FragmentSpread:
			p.directive(len(x.Directives))
			sub := p.fragment(x.Name)
			if sub == nil {
				continue // unknown, or a cycle: validation refuses both
			}
			p.merge(s, sub, true)
			s.depth = max(s.depth, sub.depth)
		}
		// Checked as the counts grow, so that the walk stops early.
		p.check(s, false)
	}
	for name, k := range s.names {
		if k > s.repeats {
			s.repeats, s.name = k, name
		}
	}
	return s
}

// merge adds the measure of sub to s: a field's sub-selection (its names
// stay on its own level) or a fragment on s's level (its names join s's).
func (p *preflight) merge(s, sub *shape, sameLevel bool) {
	s.aliases = satAdd(s.aliases, sub.aliases)
	s.fields = satAdd(s.fields, sub.fields)
	if sub.repeats > s.repeats {
		s.repeats, s.name = sub.repeats, sub.name
	}
	if sameLevel {
		for name, k := range sub.names {
			s.names[name] = satAdd(s.names[name], k)
		}
	}
}

// fragment returns the measure of the named fragment, computed once.
func (p *preflight) fragment(name string) *shape {
	if s, ok := p.memo[name]; ok {
		return s
	}
	f := p.fragments[name]
	if f == nil || p.active[name] {
		return nil
	}
	p.active[name] = true
	p.directive(len(f.Directives))
	s := p.set(f.SelectionSet, false)
	delete(p.active, name)
	p.memo[name] = s
	return s
}

// variableValues counts the values in decoded variables (every list,
// object and scalar), stopping past limit.
func variableValues(v any, limit int) int {
	n := 0
	var walk func(v any)
	walk = func(v any) {
		if n > limit {
			return
		}
		n++
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	for _, e := range vars(v) {
		walk(e)
	}
	return n
}

func vars(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
