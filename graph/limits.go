package graph

import (
	"context"
	"encoding/json"
	"math"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Limits bound what one operation may ask. Zero values take the defaults.
type Limits struct {
	// MaxCost bounds the estimated cost of an operation: every field costs
	// one, and a list field multiplies the cost of its items by the number of
	// items it may return (its first argument, or an estimate).
	MaxCost int
	// MaxDepth bounds the nesting of fields (introspection excluded).
	MaxDepth int
	// MaxAliases bounds the number of aliased fields.
	MaxAliases int
	// MaxRootFields bounds the number of top-level fields.
	MaxRootFields int
	// MaxTokens bounds the tokens the parser reads.
	MaxTokens int
}

// Defaults for Limits. The map front-end's query of every region with its
// plans and partners costs about 27,000.
const (
	DefaultMaxCost       = 100000
	DefaultMaxDepth      = 10
	DefaultMaxAliases    = 30
	DefaultMaxRootFields = 15
	DefaultMaxTokens     = 15000
)

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&l.MaxCost, DefaultMaxCost)
	def(&l.MaxDepth, DefaultMaxDepth)
	def(&l.MaxAliases, DefaultMaxAliases)
	def(&l.MaxRootFields, DefaultMaxRootFields)
	def(&l.MaxTokens, DefaultMaxTokens)
	return l
}

// Codes of rejected operations, in extensions.code.
const (
	CodeCostLimit      = "COMPLEXITY_LIMIT_EXCEEDED"
	CodeDepthLimit     = "DEPTH_LIMIT_EXCEEDED"
	CodeAliasLimit     = "ALIAS_LIMIT_EXCEEDED"
	CodeRootFieldLimit = "ROOT_FIELD_LIMIT_EXCEEDED"
)

func init() {
	// A document refused by a limit is not executed: like a validation
	// failure, it is a protocol error, answered 400 under
	// application/graphql-response+json.
	for _, code := range []string{CodeCostLimit, CodeDepthLimit, CodeAliasLimit, CodeRootFieldLimit} {
		errcode.RegisterErrorType(code, errcode.KindProtocol)
	}
}

// listSizes estimates how many items a list field returns when no argument
// bounds it: generous figures for the real data, so that the cost of a
// query grows with what it may fetch.
var listSizes = map[string]int{
	"Query.regions": 21, "Query.calls": 10, "Query.funds": 5, "Query.lineage": 20,
	"PartnershipNetwork.nodes": 200, "PartnershipNetwork.edges": 1000,
	"Region.calls": 5, "Region.projects": 10, "Region.organizations": 30,
	"Call.projects": 25, "Call.regions": 21, "Amendment.adherents": 21,
	"Project.participants": 20, "Path.nodes": 7, "Path.relations": 7,
	// Analytics: groups of call × region × year, a summary per call, a
	// continuity entry per region; communities are a fraction of the nodes.
	"Query.funding": 100, "Query.continuity": 21, "Region.summary": 5, "RegionCallSummary.partnersByKind": 13,
	"PartnershipNetwork.communities": 50, "Community.members": 20,
	"Continuity.earlier": 5, "Continuity.later": 5, "Continuity.persisting": 30, "Continuity.joined": 30,
	"Continuity.left": 30, "Continuity.links": 5, "ContinuingPartner.rolesBefore": 3, "ContinuingPartner.rolesAfter": 3,
	// A connection multiplies by its first argument already.
	"OrganizationConnection.edges": 1, "OrganizationConnection.nodes": 1,
	"ProjectConnection.edges": 1, "ProjectConnection.nodes": 1,
}

const defaultListSize = 10

// costModel prices fields for gqlgen's complexity walker.
type costModel struct {
	graphql.ExecutableSchema
}

// Complexity prices list fields and connections; other fields take gqlgen's
// default (one plus their children).
func (c costModel) Complexity(ctx context.Context, typeName, field string, child int, args map[string]any) (int, bool) {
	def := c.Schema().Types[typeName]
	if def == nil {
		return 0, false
	}
	f := def.Fields.ForName(field)
	if f == nil {
		return 0, false
	}
	n := 0
	switch {
	case typeName == "Query" && field == "nodes":
		if ids, ok := args["ids"].([]any); ok {
			n = len(ids)
		}
	case f.Arguments.ForName("first") != nil:
		n = intArg(args["first"])
	case f.Type.Elem != nil:
		if size, ok := listSizes[typeName+"."+field]; ok {
			n = size
		} else {
			n = defaultListSize
		}
	default:
		return 0, false
	}
	return mulAdd(max(n, 1), child), true
}

// mulAdd returns n * (1 + child), saturating instead of overflowing.
func mulAdd(n, child int) int {
	v := float64(n) * (1 + float64(child))
	if v > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(v)
}

func intArg(v any) int {
	switch v := v.(type) {
	case int:
		return v
	case int64:
		return int(min(v, math.MaxInt32))
	case float64:
		return int(min(v, math.MaxInt32))
	case json.Number:
		n, _ := v.Int64()
		return int(min(n, math.MaxInt32))
	}
	return 0
}

// limiter rejects operations beyond the limits before they run, with the
// measure and the limit in the error's extensions, and reports the cost of
// every operation in the response's extensions.
type limiter struct {
	limits   Limits
	es       graphql.ExecutableSchema
	rejected func(reason string)
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = (*limiter)(nil)

func (l *limiter) ExtensionName() string { return "famigraphLimits" }

func (l *limiter) Validate(es graphql.ExecutableSchema) error {
	l.es = es
	return nil
}

type costKey struct{}

func (l *limiter) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	op := opCtx.Operation
	m := measure(op.SelectionSet, 1, map[string]bool{})
	reject := func(reason, code, format string, measured, limit int) *gqlerror.Error {
		if l.rejected != nil {
			l.rejected(reason)
		}
		err := gqlerror.Errorf(format, measured, limit)
		err.Extensions = map[string]any{"code": code, reason: measured, "limit": limit}
		return err
	}
	switch {
	case m.depth > l.limits.MaxDepth:
		return reject("depth", CodeDepthLimit, "operation is nested %d levels deep, more than the limit of %d", m.depth, l.limits.MaxDepth)
	case m.aliases > l.limits.MaxAliases:
		return reject("aliases", CodeAliasLimit, "operation has %d aliases, more than the limit of %d", m.aliases, l.limits.MaxAliases)
	case m.roots > l.limits.MaxRootFields:
		return reject("rootFields", CodeRootFieldLimit, "operation has %d top-level fields, more than the limit of %d", m.roots, l.limits.MaxRootFields)
	}
	cost := complexity.Calculate(ctx, l.es, op, opCtx.Variables)
	if cost > l.limits.MaxCost {
		return reject("cost", CodeCostLimit, "operation has an estimated cost of %d, more than the limit of %d", cost, l.limits.MaxCost)
	}
	opCtx.Stats.SetExtension("famigraphCost", cost)
	return nil
}

// InterceptResponse adds the operation's cost to the response extensions.
func (l *limiter) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if graphql.HasOperationContext(ctx) {
		if cost, ok := graphql.GetOperationContext(ctx).Stats.GetExtension("famigraphCost").(int); ok {
			graphql.RegisterExtension(ctx, "cost", map[string]int{"estimated": cost, "limit": l.limits.MaxCost})
		}
	}
	return next(ctx)
}

type measures struct{ depth, aliases, roots int }

// measure walks a selection set, following fragments, and returns its depth,
// its aliases and, at the top, its number of fields. The depth of
// introspection is not counted. visiting guards against fragment cycles
// (validation rejects them first).
func measure(set ast.SelectionSet, level int, visiting map[string]bool) measures {
	var m measures
	for _, sel := range set {
		var sub measures
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__typename" {
				continue
			}
			sub = measure(s.SelectionSet, level+1, visiting)
			sub.depth = max(sub.depth, level)
			if s.Name == "__schema" || s.Name == "__type" {
				// Introspection is nested deeper than any query (gqlparser
				// bounds it); its fields and aliases still count.
				sub.depth = 0
			}
			if s.Alias != "" && s.Alias != s.Name {
				sub.aliases++
			}
			sub.roots = 1
		case *ast.InlineFragment:
			sub = measure(s.SelectionSet, level, visiting)
		case *ast.FragmentSpread:
			if s.Definition == nil || visiting[s.Name] {
				continue
			}
			visiting[s.Name] = true
			sub = measure(s.Definition.SelectionSet, level, visiting)
			delete(visiting, s.Name)
		}
		m.depth = max(m.depth, sub.depth)
		m.aliases += sub.aliases
		m.roots += sub.roots
	}
	return m
}
