// Package reqlog carries a request-scoped logger through a context, so that
// every layer logs with the request's id without knowing the HTTP edge.
package reqlog

import (
	"context"
	"log/slog"
)

type key struct{}

// With returns ctx carrying logger.
func With(ctx context.Context, logger *slog.Logger) context.Context {
	return context.WithValue(ctx, key{}, logger)
}

// From returns the logger in ctx, or slog's default.
func From(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(key{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}
