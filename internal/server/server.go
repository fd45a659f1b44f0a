// Package server assembles famigraph's HTTP server over a store — the
// GraphQL handler, metrics and the HTTP edge — as famigraph serve runs it,
// so that benchmarks and tests measure the same server.
package server

import (
	"context"
	"fmt"
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
	// GCHeadroom is how much the heap may grow between garbage
	// collections, at least: Assemble sets the process's GOGC from it and
	// the live heap (the store's, loaded by then). 0 is DefaultGCHeadroom;
	// negative leaves the collector as it is. GOGC in the environment
	// always wins.
	GCHeadroom int64
}

// New is Assemble for a configuration known to be valid (tests, benchmarks):
// it panics where Assemble returns an error.
func New(store kg.Store, cfg Config) http.Handler {
	h, err := Assemble(store, cfg)
	if err != nil {
		panic(err)
	}
	return h
}

// Assemble returns the server's HTTP handler over store. It enforces the
// rule of the response cache: a cached response is reused until evicted, so
// the cache may only sit over a store whose data never changes while it
// serves (kg.IsImmutable); over any other (Neo4j, which seeding can change)
// Assemble refuses a cache rather than serve stale answers or silently drop
// it. The cache's key holds every input that can change an answer (see
// httpapi's response cache).
func Assemble(store kg.Store, cfg Config) (http.Handler, error) {
	gqlCfg, httpCfg := cfg.GraphQL, cfg.HTTP
	if httpCfg.ResponseCacheBytes > 0 && !kg.IsImmutable(store) {
		return nil, fmt.Errorf("a response cache (%d bytes) serves only a store whose data cannot change; "+
			"this store's can (Neo4j): set --response-cache 0 (FAMIGRAPH_RESPONSE_CACHE=0)", httpCfg.ResponseCacheBytes)
	}
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
	headroom := cfg.GCHeadroom
	if headroom == 0 {
		headroom = DefaultGCHeadroom
	}
	tuneGC(headroom)
	svc := &kg.Service{Store: store}
	httpCfg.GraphQL = graph.NewHandler(svc, gqlCfg)
	httpCfg.Exports = svc
	httpCfg.RegionsGeoJSON = func(ctx context.Context, callIDs []string) ([]byte, error) {
		return svc.RegionsGeoJSON(ctx, callIDs)
	}
	return httpapi.NewRouter(httpCfg), nil
}
