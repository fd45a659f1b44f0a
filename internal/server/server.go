// Package server assembles famigraph's HTTP server over a store — the
// GraphQL handler, metrics and the HTTP edge — as famigraph serve runs it,
// so that benchmarks and tests measure the same server.
package server

import (
	"context"
	"net/http"

	"github.com/famigraph/famigraph/graph"
	"github.com/famigraph/famigraph/internal/httpapi"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/metrics"
)

// Config configures the server. GraphQL and HTTP are passed on; New fills
// in the parts it wires itself (the GraphQL handler, metrics hooks, the
// readiness check when HTTP.Ready is nil).
type Config struct {
	GraphQL graph.ServerConfig
	HTTP    httpapi.Config
	// Metrics serves Prometheus metrics at /metrics and instruments the
	// store, the operations and the HTTP edge.
	Metrics bool
}

// New returns the server's HTTP handler over store.
func New(store kg.Store, cfg Config) http.Handler {
	gqlCfg, httpCfg := cfg.GraphQL, cfg.HTTP
	if httpCfg.Ready == nil {
		httpCfg.Ready = store.Ping
	}
	if cfg.Metrics {
		m := metrics.New()
		store = m.InstrumentStore(store)
		gqlCfg.Observer = m
		httpCfg.Metrics, httpCfg.Rejected, httpCfg.Ready = m.Handler(), m.Rejected, m.Ready(httpCfg.Ready)
		httpCfg.CacheEvent = m.CacheEvent
		httpCfg.Middleware = append(httpCfg.Middleware, m.Middleware)
	}
	svc := &kg.Service{Store: store}
	httpCfg.GraphQL = graph.NewHandler(svc, gqlCfg)
	httpCfg.Exports = svc
	httpCfg.RegionsGeoJSON = func(ctx context.Context, callIDs []string) ([]byte, error) {
		return svc.RegionsGeoJSON(ctx, callIDs)
	}
	return httpapi.NewRouter(httpCfg)
}
