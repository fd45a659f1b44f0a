// Package httpapi is famigraph's HTTP edge: the chi router, its middleware,
// the GraphQL endpoint, the playground and the health probes.
package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/rs/cors"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/reqlog"
	"github.com/famigraph/famigraph/internal/webui"
)

// Config wires the router. GraphQL and Ready are required.
type Config struct {
	GraphQL http.Handler
	// Ready reports whether the store can serve; /readyz calls it.
	Ready  func(context.Context) error
	Logger *slog.Logger
	// CORSOrigins is the allow-list of browser origins; empty disables CORS.
	CORSOrigins []string
	// MaxBodyBytes bounds request bodies.
	MaxBodyBytes int64
	// Timeout bounds each request; the deadline reaches the store.
	Timeout time.Duration
	// Playground serves GraphiQL at /, from the binary.
	Playground bool
	// Explorer serves the explorer (map and network) at /explore.
	Explorer bool
	// TrustedProxies is the number of reverse proxies in front of the
	// server that append to X-Forwarded-For: the client address is the entry
	// that many places from the right. Zero takes the connection's address
	// and ignores the header. Clients' X-Request-Id is kept only behind
	// proxies.
	TrustedProxies int
	// RateLimit bounds GraphQL requests per client; zero disables it.
	RateLimit RateLimit
	// RegionsGeoJSON, if set, serves GET /geo/regions.geojson: the regions
	// as GeoJSON for the calls asked (all when none), the same document as
	// the GraphQL field regionsGeoJSON.
	RegionsGeoJSON func(ctx context.Context, callIDs []string) ([]byte, error)
	// Metrics, if set, is served at /metrics.
	Metrics http.Handler
	// Middleware wraps every request after the request id and logger are set
	// (e.g. metrics).
	Middleware []func(http.Handler) http.Handler
	// Rejected, if set, is told of every request refused at the edge, by
	// reason.
	Rejected func(reason string)
	// ResponseCacheBytes, if positive, keeps successful GraphQL responses up
	// to that many bytes and answers repeated requests from them. Only for
	// a store whose data does not change while the server runs.
	ResponseCacheBytes int64
	// CacheEvent, if set, is told of every cache lookup.
	CacheEvent func(hit bool)
	// Exports, if set, serves the exports of its data at GET /export/...,
	// under the same timeout and per-client rate limit as GraphQL requests.
	Exports *kg.Service
	// MaxInFlight bounds the GraphQL requests and exports executed at once
	// (answers from the response cache are not counted); a request beyond it
	// waits in the queue (MaxQueue, MaxQueueWait) or is answered with 503,
	// Retry-After and the code OVERLOADED. Zero or less: no bound. Serve's
	// default is DefaultMaxInFlight.
	MaxInFlight int
	// MaxQueue is how many requests beyond MaxInFlight may wait for a
	// turn, first come first served: 0 is DefaultQueuePerSlot times
	// MaxInFlight, negative none. A request that finds the queue full is
	// refused at once, before its body is read.
	MaxQueue int
	// MaxQueueWait bounds a request's wait in the queue, after which it is
	// refused as OVERLOADED: 0 is DefaultMaxQueueWait, negative no queue.
	MaxQueueWait time.Duration
}

// Defaults for Config.
const (
	DefaultMaxBodyBytes = 1 << 20
	DefaultTimeout      = 10 * time.Second
	// DefaultResponseCacheBytes is the response cache serve gives the
	// embedded store.
	DefaultResponseCacheBytes = 64 << 20
)

// NewRouter returns the HTTP handler of the server.
func NewRouter(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Rejected == nil {
		cfg.Rejected = func(string) {}
	}
	if cfg.CacheEvent == nil {
		cfg.CacheEvent = func(bool) {}
	}
	var cache *responseCache
	if cfg.ResponseCacheBytes > 0 {
		cache = newResponseCache(cfg.ResponseCacheBytes)
	}
	r := chi.NewRouter()
	r.Use(requestID(cfg.TrustedProxies > 0))
	if cfg.TrustedProxies > 0 {
		r.Use(middleware.ClientIPFromXFFTrustedProxies(cfg.TrustedProxies))
	} else {
		r.Use(middleware.ClientIPFromRemoteAddr)
	}
	r.Use(logRequests(cfg.Logger))
	r.Use(recoverPanics)
	r.Use(middleware.GetHead) // HEAD is answered as GET (the server sends no body)
	for _, m := range cfg.Middleware {
		r.Use(m)
	}
	if len(cfg.CORSOrigins) > 0 {
		r.Use(cors.New(cors.Options{
			AllowedOrigins: cfg.CORSOrigins,
			AllowedMethods: []string{http.MethodGet, http.MethodPost},
			AllowedHeaders: []string{"Content-Type", "Accept"},
			MaxAge:         600,
		}).Handler)
	}

	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	r.Get("/readyz", func(w http.ResponseWriter, req *http.Request) {
		ctx, cancel := context.WithTimeout(req.Context(), 2*time.Second)
		defer cancel()
		if err := cfg.Ready(ctx); err != nil {
			reqlog.From(req.Context()).Warn("not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	// One rate limit per client over every data endpoint.
	// GraphQL requests and exports share one admission bound: both are CPU
	// work on the embedded store, and an export can weigh more than any
	// query.
	adm := newAdmission(cfg.MaxInFlight, queueLen(cfg.MaxQueue, cfg.MaxInFlight), queueWait(cfg.MaxQueueWait))
	gql := limits(cfg.MaxBodyBytes, cfg.Timeout)(graphqlOverHTTP(cfg.GraphQL, cfg.Rejected, cache, cfg.CacheEvent, adm))
	if cache == nil {
		// Without a cache every request must be admitted: the one that
		// cannot be is refused before its body is read. (With one, an
		// answer the cache holds is given whatever the load.)
		gql = adm.early(cfg.Rejected, gql)
	}
	rateLimited := func(h http.Handler) http.Handler { return h }
	if cfg.RateLimit.Rate > 0 {
		rateLimited = newClientLimiter(cfg.RateLimit).middleware(cfg.Rejected)
	}
	gql = rateLimited(gql)
	r.Method(http.MethodGet, "/graphql", gql)
	r.Method(http.MethodPost, "/graphql", gql)
	if cfg.Exports != nil {
		exports := rateLimited(adm.early(cfg.Rejected, limits(cfg.MaxBodyBytes, cfg.Timeout)(adm.handler(cfg.Rejected, exportHandler(cfg.Exports)))))
		r.Method(http.MethodGet, "/export/*", exports)
	}
	if cfg.RegionsGeoJSON != nil {
		geo := rateLimited(limits(cfg.MaxBodyBytes, cfg.Timeout)(regionsGeoJSON(cfg.RegionsGeoJSON)))
		r.With(middleware.Compress(5, GeoJSONMediaType, "application/json")).Method(http.MethodGet, "/geo/regions.geojson", geo)
	}
	if cfg.Playground || cfg.Explorer {
		site := webui.New()
		ui := middleware.Compress(5, "text/html", "text/css", "text/javascript", "application/javascript", "application/json", "font/ttf")
		r.With(ui).Method(http.MethodGet, "/assets/*", site.Assets())
		if cfg.Playground {
			r.With(ui).Method(http.MethodGet, "/", site.Page(webui.GraphiQLPage))
		}
		if cfg.Explorer {
			r.With(ui).Method(http.MethodGet, "/explore", site.Page(webui.ExplorerPage))
			r.Method(http.MethodGet, "/explore/", http.RedirectHandler("/explore", http.StatusMovedPermanently))
		}
	}
	if cfg.Metrics != nil {
		r.Method(http.MethodGet, "/metrics", cfg.Metrics)
	}
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Allow", "GET, HEAD, POST")
		writeError(w, responseMediaType(req), http.StatusMethodNotAllowed, CodeMethodNotAllowed, "method not allowed")
	})
	r.NotFound(func(w http.ResponseWriter, req *http.Request) {
		writeError(w, responseMediaType(req), http.StatusNotFound, CodeNotFound, "no such endpoint")
	})
	return r
}

// queueLen is the admission queue's length for Config.MaxQueue.
func queueLen(maxQueue, maxInFlight int) int {
	if maxQueue == 0 {
		return DefaultQueuePerSlot * maxInFlight
	}
	return max(maxQueue, 0)
}

// queueWait is the admission queue's wait for Config.MaxQueueWait.
func queueWait(d time.Duration) time.Duration {
	if d == 0 {
		return DefaultMaxQueueWait
	}
	return max(d, 0)
}

// limits bounds the body and the duration of a GraphQL request.
func limits(maxBody int64, timeout time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
			ctx, cancel := context.WithTimeout(r.Context(), timeout)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// requestID gives every request an id; a client's own X-Request-Id is
// kept only from trusted proxies, so that clients cannot forge the ids that
// tie log lines together.
func requestID(trustHeader bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		ids := middleware.RequestID(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !trustHeader {
				r.Header.Del(middleware.RequestIDHeader)
			}
			ids.ServeHTTP(w, r)
		})
	}
}

// logRequests puts a logger with the request id in the context and logs
// each request when it ends.
func logRequests(base *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			logger := base.With("request_id", middleware.GetReqID(r.Context()))
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			next.ServeHTTP(ww, r.WithContext(reqlog.With(r.Context(), logger)))
			logger.Info("request", "method", r.Method, "path", r.URL.Path, "status", ww.Status(),
				"bytes", ww.BytesWritten(), "duration_ms", float64(time.Since(start).Microseconds())/1000,
				"client", clientKey(r))
		})
	}
}

// recoverPanics answers 500 to a request whose handler panics, after
// logging the stack; the server keeps serving.
func recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				reqlog.From(r.Context()).Error("panic", "panic", v, "stack", string(debug.Stack()))
				writeJSON(w, http.StatusInternalServerError, map[string]any{
					"errors": []map[string]any{{"message": "internal error", "extensions": map[string]string{"code": "INTERNAL"}}},
				})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
