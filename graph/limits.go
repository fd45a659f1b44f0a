package graph

import (
	"context"
	"encoding/json"
	"math"
	"sync/atomic"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/vektah/gqlparser/v2/parser"
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
	// MaxFields bounds the fields a document selects, fragments expanded
	// wherever they are spread.
	MaxFields int
	// MaxRepeats bounds how many times one response name may be selected
	// in one selection set (fragments at its level included).
	MaxRepeats int
	// MaxDirectives bounds the directives of a document.
	MaxDirectives int
	// MaxVariableValues bounds the values in a request's variables (each
	// list, object and scalar counts one).
	MaxVariableValues int
}

// Defaults for Limits. The map front-end's query of every region with its
// plans and partners costs about 27,000.
const (
	DefaultMaxCost       = 100000
	DefaultMaxDepth      = 10
	DefaultMaxAliases    = 30
	DefaultMaxRootFields = 15
	DefaultMaxTokens     = 15000
	// The map query selects 25 fields; GraphiQL's introspection query
	// about 200 (its fragments expanded).
	DefaultMaxFields         = 1000
	DefaultMaxRepeats        = 20
	DefaultMaxDirectives     = 50
	DefaultMaxVariableValues = 10000
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
	def(&l.MaxFields, DefaultMaxFields)
	def(&l.MaxRepeats, DefaultMaxRepeats)
	def(&l.MaxDirectives, DefaultMaxDirectives)
	def(&l.MaxVariableValues, DefaultMaxVariableValues)
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
// query grows with what it may fetch. A relationship field's estimate is its
// row's in kg.Catalogue (listSize); these are the others.
var listSizes = map[string]int{
	"Query.regions": 21, "Query.calls": 10, "Query.funds": 5, "Query.lineage": 20,
	"PartnershipNetwork.nodes": 200, "PartnershipNetwork.edges": 1000, "Path.relations": 7,
	// Analytics: groups of call × region × year, a summary per call, a
	// continuity entry per region; communities are a fraction of the nodes.
	"Query.funding": 100, "Query.continuity": 21, "Region.summary": 5, "RegionCallSummary.partnersByKind": 13,
	"PartnershipNetwork.communities": 50, "Continuity.persisting": 30,
	// Counted from the participants (a row of theirs), one entry a role.
	"Project.participantCounts": defaultListSize,
	"Continuity.links":          5, "ContinuingPartner.rolesBefore": 3, "ContinuingPartner.rolesAfter": 3,
	// A connection multiplies by its first argument already.
	"OrganizationConnection.edges": 1, "OrganizationConnection.nodes": 1,
	"ProjectConnection.edges": 1, "ProjectConnection.nodes": 1,
}

// listSize is the estimate of a list field.
func listSize(field string) int {
	if size, ok := listSizes[field]; ok {
		return size
	}
	if r := kg.RelOf(field); r != nil && r.ListSize > 0 {
		return r.ListSize
	}
	return defaultListSize
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
		n = listSize(typeName + "." + field)
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
	// parsed is the handler's cache of parsed and validated documents: a
	// document found there has passed the preflight.
	parsed graphql.Cache[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = (*limiter)(nil)

func (l *limiter) ExtensionName() string { return "famigraphLimits" }

func (l *limiter) Validate(es graphql.ExecutableSchema) error {
	l.es = es
	return nil
}

// reject reports a refusal and returns its error, with the measure and the
// limit in its extensions.
func (l *limiter) reject(reason, code, format string, measured, limit int) *gqlerror.Error {
	if l.rejected != nil {
		l.rejected(reason)
	}
	err := gqlerror.Errorf(format, measured, limit)
	err.Extensions = map[string]any{"code": code, reason: measured, "limit": limit}
	return err
}

// MutateOperationParameters is the preflight: a document not seen before is
// parsed and its structure measured against the limits before gqlgen
// validates it (see preflight.go). A document that does not parse is left
// to gqlgen, which reports the parse error.
func (l *limiter) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	// Variables are coerced after validation, at a cost linear in their
	// values: bound them first.
	if n := variableValues(params.Variables, l.limits.MaxVariableValues); n > l.limits.MaxVariableValues {
		return l.reject("variableValues", CodeCostLimit, "the variables hold more than %d values, the limit is %d", l.limits.MaxVariableValues, l.limits.MaxVariableValues)
	}
	if params.Query == "" {
		return nil
	}
	if l.parsed != nil {
		if _, ok := l.parsed.Get(ctx, params.Query); ok {
			return nil
		}
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, l.limits.MaxTokens)
	if err != nil {
		return nil
	}
	preflights.Add(1)
	v, _ := checkDocument(doc, l.limits)
	if v == nil {
		return nil
	}
	e := l.reject(v.reason, v.code, v.format, v.measured, v.limit)
	if v.name != "" {
		e.Extensions["name"] = v.name
	}
	return e
}

// preflights counts the documents measured by the preflight, for tests.
var preflights atomic.Int64

type costKey struct{}

// MutateOperationContext prices the operation. Its depth, aliases and
// top-level fields were measured by the preflight, before validation: a
// document reaches the query cache, and this point, only within them.
func (l *limiter) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	cost := complexity.Calculate(ctx, l.es, opCtx.Operation, opCtx.Variables)
	if cost > l.limits.MaxCost {
		return l.reject("cost", CodeCostLimit, "operation has an estimated cost of %d, more than the limit of %d", cost, l.limits.MaxCost)
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
