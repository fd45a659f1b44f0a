package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/famigraph/famigraph/internal/neo4jstore"
)

// parseNeo4jCommand parses the flags of a command that needs Neo4j. ok is
// false when the command should stop with the exit status code (after -h,
// a bad flag, or no NEO4J_URI); problems are printed on one line.
func parseNeo4jCommand(name string, args []string, stdout, stderr io.Writer, getenv func(string) string,
	extra func(*flag.FlagSet, *envDefaults)) (nc *neo4jConfig, code int, ok bool) {
	fs := newFlags(name, args, stdout, stderr)
	env := envDefaults{getenv: getenv}
	nc = &neo4jConfig{}
	nc.register(fs, &env)
	if extra != nil {
		extra(fs, &env)
	}
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return nil, code, false
	}
	if err := errors.Join(env.err, nc.validate()); err != nil {
		fmt.Fprintf(stderr, "famigraph %s: %s\n", name, oneLine(err.Error()))
		return nil, 2, false
	}
	if nc.uri == "" {
		fmt.Fprintf(stderr, "famigraph %s: NEO4J_URI is not set (e.g. NEO4J_URI=bolt://localhost:7687; see docs/neo4j.md)\n", name)
		return nil, 2, false
	}
	return nc, 0, true
}

// connect opens the store and checks, within a few seconds, that Neo4j
// answers. On failure it prints one line and returns nil.
func connect(ctx context.Context, name string, nc *neo4jConfig, stderr io.Writer) *neo4jstore.Store {
	// Loading is a batch job: once connected, let the driver retry
	// transient failures for longer than a request would.
	store, err := nc.open(30 * time.Second)
	if err != nil {
		fmt.Fprintf(stderr, "famigraph %s: %v\n", name, err)
		return nil
	}
	if err := nc.ping(ctx, store); err != nil {
		fmt.Fprintf(stderr, "famigraph %s: %s\n", name, nc.unreachable(err))
		closeStore(store)
		return nil
	}
	return store
}

func closeStore(s *neo4jstore.Store) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.Close(ctx)
}

// cmdMigrate creates Neo4j's constraints and indexes.
func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	nc, code, ok := parseNeo4jCommand("migrate", args, stdout, stderr, getenv, nil)
	if !ok {
		return code
	}
	store := connect(ctx, "migrate", nc, stderr)
	if store == nil {
		return 1
	}
	defer closeStore(store)
	if err := store.Migrate(ctx); err != nil {
		fmt.Fprintf(stderr, "famigraph migrate: %s\n", oneLine(cause(err)))
		return 1
	}
	fmt.Fprintf(stdout, "famigraph migrate: %s: %d constraints and indexes in place\n",
		neo4jstore.RedactURI(nc.uri), len(neo4jstore.SchemaStatements()))
	return 0
}
