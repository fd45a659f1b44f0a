package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/famigraph/famigraph/internal/neo4jstore"
)

// cmdSeed validates the seed directory and loads it into Neo4j: the schema
// first, then the records, so that Neo4j holds exactly what seed/ holds.
// Invalid seed files write nothing.
func cmdSeed(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	var dir string
	nc, code, ok := parseNeo4jCommand("seed", args, stdout, stderr, getenv, func(fs *flag.FlagSet, env *envDefaults) {
		seedFlag(fs, env, &dir, "seed directory to load")
	})
	if !ok {
		return code
	}
	// Validate first: invalid seed files write nothing.
	ds, err := loadSeed(dir, stderr)
	if err != nil {
		return 1
	}
	store := connect(ctx, "seed", nc, stderr)
	if store == nil {
		return 1
	}
	defer closeStore(store)
	target := neo4jstore.RedactURI(nc.uri)

	if err := store.Migrate(ctx); err != nil {
		fmt.Fprintf(stderr, "famigraph seed: migrate: %s\n", oneLine(cause(err)))
		return 1
	}
	start := time.Now()
	fmt.Fprintf(stdout, "famigraph seed: loading %s (%s) into %s\n", seedLabel(dir), summary(ds), target)
	last := ""
	rep, err := store.Seed(ctx, ds, func(p neo4jstore.Progress) {
		// One line per batch for long loads, and a line per phase.
		if p.Total > neo4jstore.BatchSize || p.Done == p.Total && p.Phase != last {
			fmt.Fprintf(stdout, "  %s: %d/%d\n", p.Phase, p.Done, p.Total)
		}
		if p.Done == p.Total {
			last = p.Phase
		}
	})
	if err != nil {
		fmt.Fprintf(stderr, "famigraph seed: %s; running it again completes the load\n", oneLine(cause(err)))
		return 1
	}
	fmt.Fprintf(stdout, "famigraph seed: done in %s\n  nodes:         %s\n  relationships: %s\n",
		time.Since(start).Round(time.Millisecond), counts(rep.Nodes), counts(rep.Relationships))
	return 0
}

func counts(c neo4jstore.SeedCounts) string {
	return fmt.Sprintf("%d created, %d updated, %d unchanged, %d deleted", c.Created, c.Updated, c.Unchanged, c.Deleted)
}
