package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/famigraph/famigraph/graph"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/neo4jstore"
)

// neo4jConfig is how serve, migrate and seed reach Neo4j: flags whose
// defaults come from NEO4J_* environment variables. The password comes from
// NEO4J_PASSWORD only, so that it never shows in a process list.
type neo4jConfig struct {
	uri            string
	user           string
	password       string
	database       string
	connectTimeout time.Duration
}

// register adds the Neo4j flags to fs.
func (c *neo4jConfig) register(fs *flag.FlagSet, env *envDefaults) {
	fs.StringVar(&c.uri, "neo4j-uri", env.str("NEO4J_URI", ""), "Neo4j URI, e.g. bolt://localhost:7687 (NEO4J_URI)")
	fs.StringVar(&c.user, "neo4j-user", env.str("NEO4J_USER", "neo4j"), "Neo4j user; empty for a server without authentication (NEO4J_USER)")
	fs.StringVar(&c.database, "neo4j-database", env.str("NEO4J_DATABASE", ""), "Neo4j database; empty for the server's default (NEO4J_DATABASE)")
	fs.DurationVar(&c.connectTimeout, "neo4j-connect-timeout", env.duration("NEO4J_CONNECT_TIMEOUT", neo4jstore.DefaultConnectTimeout),
		"how long to wait for a Neo4j connection before failing (NEO4J_CONNECT_TIMEOUT)")
	c.password = env.getenv("NEO4J_PASSWORD")
}

func (c *neo4jConfig) validate() error {
	if c.uri == "" {
		return nil
	}
	scheme, _, ok := strings.Cut(c.uri, "://")
	switch {
	case !ok:
		return fmt.Errorf("NEO4J_URI %s is not a URI such as bolt://localhost:7687", neo4jstore.RedactURI(c.uri))
	case !strings.HasPrefix(scheme, "bolt") && !strings.HasPrefix(scheme, "neo4j"):
		return fmt.Errorf("NEO4J_URI scheme %q: want bolt, bolt+s, bolt+ssc, neo4j, neo4j+s or neo4j+ssc", scheme)
	case c.connectTimeout <= 0:
		return fmt.Errorf("--neo4j-connect-timeout must be positive")
	}
	return nil
}

// logAttrs describes the connection for logs, with the password masked.
func (c *neo4jConfig) logAttrs() []any {
	pw := "(unset)"
	if c.password != "" {
		pw = "********"
	}
	db := c.database
	if db == "" {
		db = "(default)"
	}
	return []any{"uri", neo4jstore.RedactURI(c.uri), "user", c.user, "password", pw, "database", db}
}

// open creates the store; it does not contact Neo4j.
func (c *neo4jConfig) open(maxRetry time.Duration) (*neo4jstore.Store, error) {
	return neo4jstore.Open(neo4jstore.Config{
		URI: c.uri, User: c.user, Password: c.password, Database: c.database,
		ConnectTimeout: c.connectTimeout, MaxRetryTime: maxRetry,
	})
}

// ping checks that Neo4j answers, within a bound: a few seconds past the
// connection timeout, whatever the driver's retries would do.
func (c *neo4jConfig) ping(ctx context.Context, s *neo4jstore.Store) error {
	ctx, cancel := context.WithTimeout(ctx, c.connectTimeout+2*time.Second)
	defer cancel()
	return s.Ping(ctx)
}

// unreachable is the one-line message for a Neo4j that does not answer.
func (c *neo4jConfig) unreachable(err error) string {
	if r := neo4jstore.Reason(err); r != "" {
		db := c.database
		if db == "" {
			db = "(default)"
		}
		return fmt.Sprintf("Neo4j at %s, database %s: %s", neo4jstore.RedactURI(c.uri), db, r)
	}
	return fmt.Sprintf("cannot reach Neo4j at %s: %s", neo4jstore.RedactURI(c.uri), oneLine(cause(err)))
}

// cause drops the operation and the user-facing text from a store error,
// keeping what the operator needs: the driver's reason.
func cause(err error) string {
	s := err.Error()
	var ke *kg.Error
	if errors.As(err, &ke) {
		if _, after, ok := strings.Cut(s, ke.Message+": "); ok {
			return ke.Message + " (" + after + ")"
		}
	}
	return s
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const max = 400
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

// serveNeo4j serves the API from Neo4j. Neo4j need not be up: the server
// starts anyway, /readyz fails and queries fail fast with UNAVAILABLE until
// it answers, and the store reconnects by itself.
func serveNeo4j(ctx context.Context, cfg *serveConfig, logger *slog.Logger, stdout io.Writer) int {
	store, err := cfg.neo4j.open(neo4jstore.DefaultMaxRetryTime)
	if err != nil {
		logger.Error("neo4j store", append(cfg.neo4j.logAttrs(), "err", err)...)
		return 1
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := store.Close(cctx); err != nil {
			logger.Warn("closing the neo4j driver", "err", err)
		}
	}()
	if err := cfg.neo4j.ping(ctx, store); err != nil {
		logger.Warn("neo4j is unreachable at start: serving anyway; /readyz fails and queries answer UNAVAILABLE until it answers",
			append(cfg.neo4j.logAttrs(), "err", oneLine(cause(err)))...)
	} else {
		logger.Info("neo4j store ready", cfg.neo4j.logAttrs()...)
	}
	// Fields the prefetcher does not cover batch their keys for a moment
	// rather than sending one statement each.
	// Seeding may change the data while the server runs: server.Assemble
	// refuses a response cache over it.
	return serveStore(ctx, cfg, store, graph.LoaderConfig{Wait: cfg.neo4jBatchWait}, logger, stdout)
}

// defaultNeo4jBatchWait is serve's loader batching window with Neo4j
// (--neo4j-batch-wait), measured in docs/benchmarks.md ("famigraph vs
// @neo4j/graphql", the batching window).
const defaultNeo4jBatchWait = time.Millisecond
