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
	"strings"
	"time"

	"github.com/famigraph/famigraph/graph"
	"github.com/famigraph/famigraph/internal/httpapi"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/memstore"
)

// serveConfig is the configuration of 'famigraph serve', from flags whose
// defaults come from FAMIGRAPH_* environment variables.
type serveConfig struct {
	addr            string
	seedDir         string
	corsOrigins     string
	playground      bool
	introspection   bool
	timeout         time.Duration
	maxBody         int64
	shutdownTimeout time.Duration
	logFormat       string
	logLevel        string
	trustProxy      bool
}

func parseServe(args []string, stderr io.Writer, getenv func(string) string) (*serveConfig, error) {
	c := &serveConfig{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := envDefaults{getenv: getenv}
	fs.StringVar(&c.addr, "addr", env.str("FAMIGRAPH_ADDR", "127.0.0.1:8080"), "listen address (FAMIGRAPH_ADDR)")
	fs.StringVar(&c.seedDir, "seed", env.str("FAMIGRAPH_SEED", "seed"), "seed directory for the embedded store (FAMIGRAPH_SEED)")
	fs.StringVar(&c.corsOrigins, "cors-origins", env.str("FAMIGRAPH_CORS_ORIGINS", ""), "comma-separated browser origins allowed by CORS; empty disables CORS (FAMIGRAPH_CORS_ORIGINS)")
	fs.BoolVar(&c.playground, "playground", env.boolean("FAMIGRAPH_PLAYGROUND", true), "serve GraphiQL at / (FAMIGRAPH_PLAYGROUND)")
	fs.BoolVar(&c.introspection, "introspection", env.boolean("FAMIGRAPH_INTROSPECTION", true), "allow schema introspection (FAMIGRAPH_INTROSPECTION)")
	fs.DurationVar(&c.timeout, "timeout", env.duration("FAMIGRAPH_TIMEOUT", httpapi.DefaultTimeout), "per-request timeout (FAMIGRAPH_TIMEOUT)")
	fs.Int64Var(&c.maxBody, "max-body", env.int64("FAMIGRAPH_MAX_BODY", httpapi.DefaultMaxBodyBytes), "maximum request body in bytes (FAMIGRAPH_MAX_BODY)")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", env.duration("FAMIGRAPH_SHUTDOWN_TIMEOUT", 15*time.Second), "time allowed for in-flight requests at shutdown (FAMIGRAPH_SHUTDOWN_TIMEOUT)")
	fs.StringVar(&c.logFormat, "log-format", env.str("FAMIGRAPH_LOG_FORMAT", "text"), "log format: text or json (FAMIGRAPH_LOG_FORMAT)")
	fs.StringVar(&c.logLevel, "log-level", env.str("FAMIGRAPH_LOG_LEVEL", "info"), "log level: debug, info, warn, error (FAMIGRAPH_LOG_LEVEL)")
	fs.BoolVar(&c.trustProxy, "trust-proxy", env.boolean("FAMIGRAPH_TRUST_PROXY", false), "take client addresses from X-Forwarded-For (FAMIGRAPH_TRUST_PROXY)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
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
	if c.maxBody < 1024 {
		errs = append(errs, fmt.Errorf("--max-body must be at least 1024 bytes"))
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format must be text or json"))
	}
	if _, err := parseLevel(c.logLevel); err != nil {
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
	cfg, err := parseServe(args, stderr, getenv)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "famigraph serve: %v\n", err)
		return 2
	}
	logger := newLogger(stderr, cfg.logFormat, cfg.logLevel)

	start := time.Now()
	ds, err := loadSeed(cfg.seedDir, stderr)
	if err != nil {
		return 1
	}
	store := memstore.New(ds)
	logger.Info("embedded store ready", "seed", cfg.seedDir, "nodes", len(ds.Nodes), "relationships", len(ds.Edges),
		"load_ms", time.Since(start).Milliseconds())

	svc := &kg.Service{Store: store}
	gql := graph.NewHandler(svc, graph.ServerConfig{Introspection: cfg.introspection})
	router := httpapi.NewRouter(httpapi.Config{
		GraphQL: gql, Ready: store.Ping, Logger: logger, CORSOrigins: cfg.origins(),
		MaxBodyBytes: cfg.maxBody, Timeout: cfg.timeout, Playground: cfg.playground, TrustProxy: cfg.trustProxy,
	})
	return listenAndServe(ctx, cfg, router, logger, stdout)
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
