package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/famigraph/famigraph/graph"
	"github.com/famigraph/famigraph/internal/httpapi"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/memstore"
	"github.com/famigraph/famigraph/internal/server"
)

// serveConfig is the configuration of 'famigraph serve', from flags whose
// defaults come from FAMIGRAPH_* environment variables.
type serveConfig struct {
	addr            string
	seedDir         string
	snapshotDir     string
	corsOrigins     string
	playground      bool
	explorer        bool
	introspection   bool
	timeout         time.Duration
	maxBody         int64
	shutdownTimeout time.Duration
	logFormat       string
	logLevel        string
	trustedProxies  int64
	metrics         bool
	rateLimit       float64
	rateBurst       int64
	responseCache   int64
	maxInFlight     int64
	limits          graph.Limits
	neo4j           neo4jConfig // serve from Neo4j when its URI is set
	neo4jBatchWait  time.Duration
}

func parseServe(args []string, stdout, stderr io.Writer, getenv func(string) string) (*serveConfig, error) {
	c := &serveConfig{}
	fs := newFlags("serve", args, stdout, stderr)
	env := envDefaults{getenv: getenv}
	fs.StringVar(&c.addr, "addr", env.str("FAMIGRAPH_ADDR", "127.0.0.1:8080"), "listen address (FAMIGRAPH_ADDR)")
	seedFlag(fs, &env, &c.seedDir, "seed directory the embedded store serves")
	fs.StringVar(&c.snapshotDir, "snapshot-dir", env.str("FAMIGRAPH_SNAPSHOT_DIR", defaultSnapshotDir()), "where a validated seed that the fast reader cannot read whole is cached for fast restarts; empty disables (FAMIGRAPH_SNAPSHOT_DIR)")
	fs.StringVar(&c.corsOrigins, "cors-origins", env.str("FAMIGRAPH_CORS_ORIGINS", ""), "comma-separated browser origins allowed by CORS; empty disables CORS (FAMIGRAPH_CORS_ORIGINS)")
	fs.BoolVar(&c.playground, "playground", env.boolean("FAMIGRAPH_PLAYGROUND", true), "serve GraphiQL at / (FAMIGRAPH_PLAYGROUND)")
	fs.BoolVar(&c.explorer, "explorer", env.boolean("FAMIGRAPH_EXPLORER", true), "serve the explorer (map and network) at /explore (FAMIGRAPH_EXPLORER)")
	fs.BoolVar(&c.introspection, "introspection", env.boolean("FAMIGRAPH_INTROSPECTION", true), "allow schema introspection (FAMIGRAPH_INTROSPECTION)")
	fs.DurationVar(&c.timeout, "timeout", env.duration("FAMIGRAPH_TIMEOUT", httpapi.DefaultTimeout), "per-request timeout (FAMIGRAPH_TIMEOUT)")
	fs.Int64Var(&c.maxBody, "max-body", env.int64("FAMIGRAPH_MAX_BODY", httpapi.DefaultMaxBodyBytes), "maximum request body in bytes (FAMIGRAPH_MAX_BODY)")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", env.duration("FAMIGRAPH_SHUTDOWN_TIMEOUT", 15*time.Second), "time allowed for in-flight requests at shutdown (FAMIGRAPH_SHUTDOWN_TIMEOUT)")
	fs.StringVar(&c.logFormat, "log-format", env.str("FAMIGRAPH_LOG_FORMAT", "text"), "log format: text or json (FAMIGRAPH_LOG_FORMAT)")
	fs.StringVar(&c.logLevel, "log-level", env.str("FAMIGRAPH_LOG_LEVEL", "info"), "log level: debug, info, warn, error (FAMIGRAPH_LOG_LEVEL)")
	fs.Int64Var(&c.trustedProxies, "trusted-proxies", env.int64("FAMIGRAPH_TRUSTED_PROXIES", 0), "number of reverse proxies in front that append to X-Forwarded-For; 0 uses the connection's address (FAMIGRAPH_TRUSTED_PROXIES)")
	fs.BoolVar(&c.metrics, "metrics", env.boolean("FAMIGRAPH_METRICS", true), "serve Prometheus metrics at /metrics (FAMIGRAPH_METRICS)")
	fs.Float64Var(&c.rateLimit, "rate-limit", env.float("FAMIGRAPH_RATE_LIMIT", 0), "GraphQL requests per second per client; 0 disables (FAMIGRAPH_RATE_LIMIT)")
	fs.Int64Var(&c.responseCache, "response-cache", env.int64("FAMIGRAPH_RESPONSE_CACHE", httpapi.DefaultResponseCacheBytes), "bytes of successful responses kept and reused; embedded store only (refused over Neo4j, whose data can change; its default there is 0); 0 disables (FAMIGRAPH_RESPONSE_CACHE)")
	fs.Int64Var(&c.maxInFlight, "max-in-flight", env.int64("FAMIGRAPH_MAX_IN_FLIGHT", int64(httpapi.DefaultMaxInFlight(true))), "GraphQL requests and exports executed at once (answers from the response cache not counted); beyond it a request waits in a queue 32 times as long, at most as long as the full queue takes to drain at the current pace (5 to 20 ms), or is answered with 503 OVERLOADED and Retry-After; default GOMAXPROCS on the embedded store (and one processor more for the network), 2 x GOMAXPROCS over Neo4j; 0 disables (FAMIGRAPH_MAX_IN_FLIGHT)")
	fs.Int64Var(&c.rateBurst, "rate-burst", env.int64("FAMIGRAPH_RATE_BURST", 0), "burst of the per-client rate limit; 0 means the rate rounded up (FAMIGRAPH_RATE_BURST)")
	intFlag := func(p *int, name, envName string, def int, usage string) {
		v := env.int64(envName, int64(def))
		*p = int(v)
		fs.IntVar(p, name, int(v), usage+" ("+envName+")")
	}
	intFlag(&c.limits.MaxCost, "max-cost", "FAMIGRAPH_MAX_COST", graph.DefaultMaxCost, "maximum estimated cost of an operation")
	intFlag(&c.limits.MaxDepth, "max-depth", "FAMIGRAPH_MAX_DEPTH", graph.DefaultMaxDepth, "maximum nesting of an operation")
	intFlag(&c.limits.MaxAliases, "max-aliases", "FAMIGRAPH_MAX_ALIASES", graph.DefaultMaxAliases, "maximum aliased fields in an operation")
	intFlag(&c.limits.MaxRootFields, "max-root-fields", "FAMIGRAPH_MAX_ROOT_FIELDS", graph.DefaultMaxRootFields, "maximum top-level fields in an operation")
	intFlag(&c.limits.MaxTokens, "max-tokens", "FAMIGRAPH_MAX_TOKENS", graph.DefaultMaxTokens, "maximum tokens the parser reads")
	intFlag(&c.limits.MaxFields, "max-fields", "FAMIGRAPH_MAX_FIELDS", graph.DefaultMaxFields, "maximum fields a document selects, fragments expanded")
	intFlag(&c.limits.MaxRepeats, "max-repeats", "FAMIGRAPH_MAX_REPEATS", graph.DefaultMaxRepeats, "maximum selections of one response name in one selection set")
	intFlag(&c.limits.MaxDirectives, "max-directives", "FAMIGRAPH_MAX_DIRECTIVES", graph.DefaultMaxDirectives, "maximum directives in a document")
	intFlag(&c.limits.MaxVariableValues, "max-variable-values", "FAMIGRAPH_MAX_VARIABLE_VALUES", graph.DefaultMaxVariableValues, "maximum values in a request's variables")
	c.neo4j.register(fs, &env)
	fs.DurationVar(&c.neo4jBatchWait, "neo4j-batch-wait", env.duration("FAMIGRAPH_NEO4J_BATCH_WAIT", defaultNeo4jBatchWait),
		"with Neo4j: how long a loader collects the keys of fields the prefetcher does not cover before one batched statement (FAMIGRAPH_NEO4J_BATCH_WAIT)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	// The response cache serves only immutable data: over Neo4j it is off
	// unless asked for, and asked for it is refused (server.New).
	if c.neo4j.uri != "" && getenv("FAMIGRAPH_RESPONSE_CACHE") == "" && !flagSet(fs, "response-cache") {
		c.responseCache = 0
	}
	// Over Neo4j a request mostly waits on round trips: twice as many at
	// once unless asked for.
	if c.neo4j.uri != "" && getenv("FAMIGRAPH_MAX_IN_FLIGHT") == "" && !flagSet(fs, "max-in-flight") {
		c.maxInFlight = int64(httpapi.DefaultMaxInFlight(false))
	}
	if env.err != nil {
		return nil, env.err
	}
	return c, c.validate()
}

func (c *serveConfig) validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.addr); err != nil {
		errs = append(errs, fmt.Errorf("--addr %q: %v", c.addr, err))
	}
	if c.timeout <= 0 {
		errs = append(errs, fmt.Errorf("--timeout must be positive"))
	}
	if c.neo4jBatchWait < 0 || c.neo4jBatchWait > time.Second {
		errs = append(errs, fmt.Errorf("--neo4j-batch-wait must be between 0 and 1s"))
	}
	if c.maxBody < 1024 {
		errs = append(errs, fmt.Errorf("--max-body must be at least 1024 bytes"))
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format must be text or json"))
	}
	if _, err := parseLevel(c.logLevel); err != nil {
		errs = append(errs, err)
	}
	if c.rateLimit < 0 || c.rateBurst < 0 || c.responseCache < 0 || c.maxInFlight < 0 || c.trustedProxies < 0 || c.trustedProxies > 10 {
		errs = append(errs, fmt.Errorf("--rate-limit, --rate-burst, --response-cache and --max-in-flight must not be negative, --trusted-proxies must be 0 to 10"))
	}
	for name, v := range map[string]int{"--max-cost": c.limits.MaxCost, "--max-depth": c.limits.MaxDepth,
		"--max-aliases": c.limits.MaxAliases, "--max-root-fields": c.limits.MaxRootFields, "--max-tokens": c.limits.MaxTokens,
		"--max-fields": c.limits.MaxFields, "--max-repeats": c.limits.MaxRepeats, "--max-directives": c.limits.MaxDirectives,
		"--max-variable-values": c.limits.MaxVariableValues} {
		if v < 1 {
			errs = append(errs, fmt.Errorf("%s must be at least 1", name))
		}
	}
	if err := c.neo4j.validate(); err != nil {
		errs = append(errs, err)
	}
	for _, o := range c.origins() {
		if o != "*" && !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://") {
			errs = append(errs, fmt.Errorf("--cors-origins: %q is not an http(s) origin", o))
		}
	}
	return errors.Join(errs...)
}

func (c *serveConfig) origins() []string {
	var out []string
	for _, o := range strings.Split(c.corsOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// defaultSnapshotDir is famigraph's directory in the user's cache, or ""
// (no snapshots) where there is none.
func defaultSnapshotDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "famigraph")
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("--log-level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

func newLogger(w io.Writer, format, level string) *slog.Logger {
	l, _ := parseLevel(level)
	opts := &slog.HandlerOptions{Level: l}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := parseServe(args, stdout, stderr, getenv)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "famigraph serve: %v\n", err)
		return 2
	}
	logger := newLogger(stderr, cfg.logFormat, cfg.logLevel)
	if cfg.neo4j.uri != "" {
		return serveNeo4j(ctx, cfg, logger, stdout)
	}

	start := time.Now()
	ds, fromSnapshot, err := loadSeedCached(cfg.seedDir, cfg.snapshotDir, stderr)
	if err != nil {
		return 1
	}
	store := memstore.New(ds)
	logger.Info("embedded store ready", "seed", seedLabel(cfg.seedDir), "nodes", len(ds.Nodes), "relationships", len(ds.Edges),
		"from_snapshot", fromSnapshot, "load_ms", time.Since(start).Milliseconds())

	// The embedded store answers in memory: its loaders need no batching
	// window (the prefetcher batches by level anyway), and its data never
	// changes, so responses can be reused.
	return serveStore(ctx, cfg, store, graph.LoaderConfig{}, logger, stdout)
}

// serveStore serves the API over store with every piece of the HTTP edge.
func serveStore(ctx context.Context, cfg *serveConfig, store kg.Store, loaders graph.LoaderConfig, logger *slog.Logger, stdout io.Writer) int {
	if httpapi.ReserveProcessor(int(cfg.maxInFlight)) {
		logger.Info("a processor reserved for the network", "executing_at_once", cfg.maxInFlight, "GOMAXPROCS", runtime.GOMAXPROCS(0))
	}
	h, err := server.Assemble(store, server.Config{
		GraphQL: graph.ServerConfig{Introspection: cfg.introspection, Limits: cfg.limits, Loaders: loaders},
		HTTP: httpapi.Config{
			Logger: logger, CORSOrigins: cfg.origins(),
			MaxBodyBytes: cfg.maxBody, Timeout: cfg.timeout, Playground: cfg.playground, Explorer: cfg.explorer, TrustedProxies: int(cfg.trustedProxies),
			RateLimit:          httpapi.RateLimit{Rate: cfg.rateLimit, Burst: int(cfg.rateBurst)},
			ResponseCacheBytes: cfg.responseCache,
			MaxInFlight:        int(cfg.maxInFlight),
		},
		Metrics: cfg.metrics,
	})
	if err != nil {
		logger.Error("cannot serve", "err", err)
		return 1
	}
	return listenAndServe(ctx, cfg, h, logger, stdout)
}

// listenAndServe serves until ctx ends, then lets in-flight requests finish.
func listenAndServe(ctx context.Context, cfg *serveConfig, h http.Handler, logger *slog.Logger, stdout io.Writer) int {
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		logger.Error("cannot listen", "addr", cfg.addr, "err", err)
		return 1
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       cfg.timeout + 5*time.Second,
		WriteTimeout:      cfg.timeout + 5*time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "famigraph: serving on http://%s/ (GraphQL at /graphql)\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		logger.Error("server stopped", "err", err)
		return 1
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", cfg.shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Error("shutdown", "err", err)
		return 1
	}
	logger.Info("stopped")
	return 0
}
