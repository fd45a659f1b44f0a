package graph

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/reqlog"
)

// ServerConfig tunes the GraphQL handler. Zero values take the defaults.
type ServerConfig struct {
	Loaders        LoaderConfig
	Limits         Limits
	QueryCacheSize int  // parsed documents kept
	APQCacheSize   int  // persisted queries kept
	Introspection  bool // allow __schema and __type queries
	// Observer, if set, is told about every operation and every rejection.
	Observer Observer
}

// Observer receives the outcome of operations, for metrics.
type Observer interface {
	// Operation reports an executed operation: its name ("" if anonymous),
	// its outcome ("ok", or the code of its first error) and its duration.
	Operation(name, outcome string, d time.Duration)
	// Rejected reports an operation refused before execution, by reason.
	Rejected(reason string)
}

// Defaults for ServerConfig.
const (
	DefaultQueryCacheSize = 1000
	DefaultAPQCacheSize   = 1000
)

// Error codes in extensions.code, for errors famigraph raises itself.
// gqlgen's own (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, ...) pass
// through unchanged.
const (
	CodeBadInput    = "BAD_INPUT"
	CodeNotFound    = "NOT_FOUND"
	CodeUnavailable = "UNAVAILABLE"
	CodeTimeout     = "TIMEOUT"
	CodeInternal    = "INTERNAL"
	CodeBadRequest  = "BAD_REQUEST"
)

var codes = map[string]string{
	kg.EINVALID:     CodeBadInput,
	kg.ENOTFOUND:    CodeNotFound,
	kg.EUNAVAILABLE: CodeUnavailable,
	kg.ETIMEOUT:     CodeTimeout,
	kg.EINTERNAL:    CodeInternal,
}

// NewHandler returns the GraphQL HTTP handler over svc: GET and POST
// transports, a parsed-query cache, persisted queries, query limits, one
// error presenter and per-operation loaders.
func NewHandler(svc *kg.Service, cfg ServerConfig) *handler.Server {
	if cfg.QueryCacheSize == 0 {
		cfg.QueryCacheSize = DefaultQueryCacheSize
	}
	if cfg.APQCacheSize == 0 {
		cfg.APQCacheSize = DefaultAPQCacheSize
	}
	cfg.Limits = cfg.Limits.withDefaults()
	es := costModel{NewExecutableSchema(Config{Resolvers: &Resolver{Service: svc}})}
	srv := handler.New(es)
	srv.AddTransport(transport.GET{})
	srv.AddTransport(postTransport{})
	parsed := lru.New[*ast.QueryDocument](cfg.QueryCacheSize)
	srv.SetQueryCache(parsed)
	srv.SetValidationRulesFn(func() *rules.Rules {
		validations.Add(1)
		return rules.NewDefaultRules()
	})
	srv.SetParserTokenLimit(cfg.Limits.MaxTokens)
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](cfg.APQCacheSize)})
	srv.Use(strictScalars{schema: es.Schema()})
	lim := &limiter{limits: cfg.Limits, parsed: parsed}
	if cfg.Observer != nil {
		lim.rejected = cfg.Observer.Rejected
	}
	srv.Use(lim)
	srv.SetErrorPresenter(presentError)
	srv.SetRecoverFunc(recoverPanic)
	prefetch := prefetchRoot(es.Schema())
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		// The prefetcher is the operation's field middleware, set here
		// rather than with srv.AroundFields: every field of a response
		// passes through it, and gqlgen's extension chain would wrap each
		// call in two more closures and frames (one allocation per field,
		// and deeper stacks in the goroutines gqlgen starts per list
		// element). No other extension intercepts fields.
		//
		// Plain fields of records (no resolver, no context) skip this
		// middleware altogether (graph/marshal.go): a middleware that must
		// see every field needs the executor's fast path turned off.
		op := graphql.GetOperationContext(ctx)
		op.ResolverMiddleware = prefetch
		startExecution(op)
		if !selectsProvenance(op.Doc) {
			ctx = kg.WithoutProvenance(ctx)
		}
		return next(WithLoaders(ctx, NewLoaders(svc, cfg.Loaders)))
	})
	if cfg.Observer != nil {
		srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
			resp := next(ctx)
			if graphql.HasOperationContext(ctx) && resp != nil {
				opCtx := graphql.GetOperationContext(ctx)
				outcome := "ok"
				if len(resp.Errors) > 0 {
					outcome, _ = resp.Errors[0].Extensions["code"].(string)
				}
				name := opCtx.OperationName
				if name == "" && opCtx.Operation != nil {
					name = opCtx.Operation.Name
				}
				cfg.Observer.Operation(name, outcome, time.Since(opCtx.Stats.OperationStart))
			}
			return resp
		})
	}
	return srv
}

// validations counts the documents gqlparser's rules validate, for tests.
var validations atomic.Int64

// presentError is the one place errors become GraphQL errors. gqlgen's own
// errors (parse, validation, complexity) keep their codes; every other error
// gets the code of its domain error in extensions.code. An error without a
// domain code is logged and reported as "internal error", so no driver
// message, query text or stack trace reaches the client.
func presentError(ctx context.Context, err error) *gqlerror.Error {
	var gqlErr *gqlerror.Error
	if errors.As(err, &gqlErr) && gqlErr.Err == nil {
		if _, ok := gqlErr.Extensions["code"]; !ok {
			// gqlgen refuses some requests without a code (e.g. a
			// persisted query whose hash does not match its text).
			if gqlErr.Extensions == nil {
				gqlErr.Extensions = map[string]any{}
			}
			gqlErr.Extensions["code"] = CodeBadRequest
		}
		return gqlErr
	}
	code := kg.ErrorCode(err)
	switch code {
	case kg.EINTERNAL:
		reqlog.From(ctx).Error("graphql: internal error", "path", graphql.GetPath(ctx).String(), "err", err)
	case kg.EUNAVAILABLE, kg.ETIMEOUT:
		// The cause (refused connection, authentication, slow query) is in
		// the wrapped error; log it, at most once a second, so that an
		// outage is diagnosable without flooding the log.
		if storeFailureLog.allow(time.Now()) {
			reqlog.From(ctx).Warn("graphql: store failure", "code", codes[code], "path", graphql.GetPath(ctx).String(), "err", err)
		}
	}
	out := &gqlerror.Error{Message: kg.ErrorMessage(err), Extensions: map[string]any{"code": codes[code]}}
	if gqlErr != nil {
		out.Path, out.Locations = gqlErr.Path, gqlErr.Locations
	} else {
		out.Path = graphql.GetPath(ctx)
	}
	return out
}

// storeFailureLog paces the logging of store failures.
var storeFailureLog pacer

// pacer allows one event a second.
type pacer struct{ last atomic.Int64 }

func (p *pacer) allow(now time.Time) bool {
	last := p.last.Load()
	return now.UnixNano()-last >= int64(time.Second) && p.last.CompareAndSwap(last, now.UnixNano())
}

// recoverPanic turns a resolver panic into an internal error for that field;
// the server keeps serving.
func recoverPanic(ctx context.Context, v any) error {
	reqlog.From(ctx).Error("graphql: panic in resolver", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	return kg.Errorf(kg.EINTERNAL, "internal error")
}
