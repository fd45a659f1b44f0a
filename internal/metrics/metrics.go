// Package metrics exposes famigraph's Prometheus metrics: HTTP requests,
// GraphQL operations by name and outcome, rejected operations, and store
// round trips.
package metrics

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/famigraph/famigraph/internal/kg"
)

// Metrics holds the collectors and their registry.
type Metrics struct {
	registry      *prometheus.Registry
	httpRequests  *prometheus.CounterVec
	httpDuration  *prometheus.HistogramVec
	operations    *prometheus.CounterVec
	opDuration    *prometheus.HistogramVec
	rejected      *prometheus.CounterVec
	storeCalls    *prometheus.CounterVec
	storeDuration *prometheus.HistogramVec
	storeErrors   *prometheus.CounterVec
	ready         prometheus.Gauge
	cache         *prometheus.CounterVec

	mu    sync.Mutex
	names map[string]bool // operation names seen, bounded
}

// maxOperationNames bounds the operation label's values: clients choose
// operation names, and each distinct value is a new time series.
const maxOperationNames = 200

var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// New registers famigraph's collectors, with the Go runtime and process
// collectors, in a fresh registry.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		httpRequests: counter("famigraph_http_requests_total",
			"HTTP requests by route and status code.", "route", "code"),
		httpDuration: latency("famigraph_http_request_duration_seconds",
			"HTTP request latency by route.", "route"),
		operations: counter("famigraph_graphql_operations_total",
			"GraphQL operations executed, by operation name and outcome (ok, or the code of the first error).", "operation", "outcome"),
		opDuration: latency("famigraph_graphql_operation_duration_seconds",
			"GraphQL operation latency by operation name.", "operation"),
		rejected: counter("famigraph_graphql_rejected_total",
			"Requests refused before execution, by reason (cost, depth, aliases, rootFields, invalid, malformed, media_type, too_large, rate_limited, overloaded).", "reason"),
		storeCalls: counter("famigraph_store_calls_total",
			"Store round trips, by method (and batched query).", "method"),
		storeDuration: latency("famigraph_store_call_duration_seconds",
			"Store round-trip latency by method.", "method"),
		storeErrors: counter("famigraph_store_errors_total",
			"Failed store calls, by method and error code.", "method", "code"),
		ready: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "famigraph_store_ready", Help: "1 when the last readiness check of the store succeeded, else 0.",
		}),
		cache: counter("famigraph_response_cache_requests_total",
			"GraphQL requests looked up in the response cache, by result (hit, miss).", "result"),
		names: map[string]bool{},
	}
	m.registry.MustRegister(m.httpRequests, m.httpDuration, m.operations, m.opDuration, m.rejected,
		m.storeCalls, m.storeDuration, m.storeErrors, m.ready, m.cache,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// counter makes a counter of the labels.
func counter(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}

// latency makes a histogram of durations in seconds, of the labels.
func latency(name, help string, labels ...string) *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: latencyBuckets}, labels)
}

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Middleware counts and times HTTP requests by route pattern.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := routeOf(r.URL.Path)
		m.httpRequests.WithLabelValues(route, strconv.Itoa(ww.Status())).Inc()
		m.httpDuration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// routeOf maps a path to one of the server's routes, so that arbitrary paths
// do not become label values.
func routeOf(path string) string {
	switch path {
	case "/graphql", "/healthz", "/readyz", "/metrics", "/":
		return path
	}
	return "other"
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_]`)

// Operation implements graph.Observer.
func (m *Metrics) Operation(name, outcome string, d time.Duration) {
	name = m.operationLabel(name)
	if outcome == "" {
		outcome = "error"
	}
	m.operations.WithLabelValues(name, outcome).Inc()
	m.opDuration.WithLabelValues(name).Observe(d.Seconds())
}

func (m *Metrics) operationLabel(name string) string {
	if name == "" {
		return "anonymous"
	}
	if len(name) > 64 {
		name = name[:64]
	}
	name = unsafeName.ReplaceAllString(name, "_")
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.names[name] {
		if len(m.names) >= maxOperationNames {
			return "other"
		}
		m.names[name] = true
	}
	return name
}

// Rejected implements graph.Observer and counts requests refused at the HTTP
// edge.
func (m *Metrics) Rejected(reason string) { m.rejected.WithLabelValues(reason).Inc() }

// CacheEvent counts a response-cache lookup.
func (m *Metrics) CacheEvent(hit bool) {
	if hit {
		m.cache.WithLabelValues("hit").Inc()
	} else {
		m.cache.WithLabelValues("miss").Inc()
	}
}

// Ready wraps a readiness check to record its result.
func (m *Metrics) Ready(check func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		err := check(ctx)
		if err != nil {
			m.ready.Set(0)
		} else {
			m.ready.Set(1)
		}
		return err
	}
}

// InstrumentStore returns s with every call counted and timed.
func (m *Metrics) InstrumentStore(s kg.Store) kg.Store { return &store{Store: s, m: m} }

func (m *Metrics) observe(method string, start time.Time, err error) {
	m.storeCalls.WithLabelValues(method).Inc()
	m.storeDuration.WithLabelValues(method).Observe(time.Since(start).Seconds())
	if err != nil {
		m.storeErrors.WithLabelValues(method, kg.ErrorCode(err)).Inc()
	}
}
