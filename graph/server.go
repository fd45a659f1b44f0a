package graph

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/reqlog"
)

// ServerConfig tunes the GraphQL handler. Zero values take the defaults below.
type ServerConfig struct {
	Loaders         LoaderConfig
	ComplexityLimit int  // maximum cost of an operation
	TokenLimit      int  // maximum number of tokens the parser reads
	QueryCacheSize  int  // parsed documents kept
	APQCacheSize    int  // persisted queries kept
	Introspection   bool // allow __schema and __type queries
}

// Defaults for ServerConfig.
const (
	DefaultComplexityLimit = 50000
	DefaultTokenLimit      = 15000
	DefaultQueryCacheSize  = 1000
	DefaultAPQCacheSize    = 1000
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
)

var codes = map[string]string{
	kg.EINVALID:     CodeBadInput,
	kg.ENOTFOUND:    CodeNotFound,
	kg.EUNAVAILABLE: CodeUnavailable,
	kg.ETIMEOUT:     CodeTimeout,
	kg.EINTERNAL:    CodeInternal,
}

// NewHandler returns the GraphQL HTTP handler over svc: GET and POST
// transports, a parsed-query cache, persisted queries, a complexity limit, a
// parser token limit, one error presenter and per-operation loaders.
func NewHandler(svc *kg.Service, cfg ServerConfig) *handler.Server {
	if cfg.ComplexityLimit == 0 {
		cfg.ComplexityLimit = DefaultComplexityLimit
	}
	if cfg.TokenLimit == 0 {
		cfg.TokenLimit = DefaultTokenLimit
	}
	if cfg.QueryCacheSize == 0 {
		cfg.QueryCacheSize = DefaultQueryCacheSize
	}
	if cfg.APQCacheSize == 0 {
		cfg.APQCacheSize = DefaultAPQCacheSize
	}
	srv := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{Service: svc}}))
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](cfg.QueryCacheSize))
	srv.SetParserTokenLimit(cfg.TokenLimit)
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](cfg.APQCacheSize)})
	srv.Use(extension.FixedComplexityLimit(cfg.ComplexityLimit))
	srv.SetErrorPresenter(presentError)
	srv.SetRecoverFunc(recoverPanic)
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(WithLoaders(ctx, NewLoaders(svc.Store, cfg.Loaders)))
	})
	return srv
}

// presentError is the one place errors become GraphQL errors. gqlgen's own
// errors (parse, validation, complexity) keep their codes; every other error
// gets the code of its domain error in extensions.code. An error without a
// domain code is logged and reported as "internal error", so no driver
// message, query text or stack trace reaches the client.
func presentError(ctx context.Context, err error) *gqlerror.Error {
	var gqlErr *gqlerror.Error
	if errors.As(err, &gqlErr) && gqlErr.Err == nil {
		return gqlErr
	}
	code := kg.ErrorCode(err)
	if code == kg.EINTERNAL {
		reqlog.From(ctx).Error("graphql: internal error", "path", graphql.GetPath(ctx).String(), "err", err)
	}
	out := &gqlerror.Error{Message: kg.ErrorMessage(err), Extensions: map[string]any{"code": codes[code]}}
	if gqlErr != nil {
		out.Path, out.Locations = gqlErr.Path, gqlErr.Locations
	} else {
		out.Path = graphql.GetPath(ctx)
	}
	return out
}

// recoverPanic turns a resolver panic into an internal error for that field;
// the server keeps serving.
func recoverPanic(ctx context.Context, v any) error {
	reqlog.From(ctx).Error("graphql: panic in resolver", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	return kg.Errorf(kg.EINTERNAL, "internal error")
}
