// Command famigraph serves the FAMI integration-network knowledge graph over
// GraphQL and manages its data.
//
// Usage:
//
//	famigraph serve    [--seed DIR] [--addr HOST:PORT] ...   serve the API
//	famigraph validate [--seed DIR]                          check the seed files
//	famigraph migrate                                        create Neo4j's constraints and indexes
//	famigraph seed     [--seed DIR]                          load the seed files into Neo4j
//	famigraph gen --scale N --out DIR                        write a synthetic seed for benchmarks
//	famigraph export [--what graph|network] [--format F]     write the graph or the network as a file
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

const usage = `famigraph — the FAMI integration-network knowledge graph

Usage:
  famigraph <command> [flags]

Commands:
  serve      serve the GraphQL API (embedded data, or Neo4j when NEO4J_URI is set)
  validate   check the seed files and report every problem with file and line
  migrate    create the Neo4j constraints and indexes (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE)
  seed       validate the seed files and load them into Neo4j (runs migrate first)
  gen        write a synthetic seed N times the real one, for benchmarks (--scale N --out DIR)
  export     write the graph or the co-participation network as GraphML, GEXF, CSV or JSON

Run 'famigraph <command> -h' for the flags of a command.
`

// run executes one command and returns the process exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr, getenv)
	case "validate":
		return cmdValidate(rest, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, stdout, stderr, getenv)
	case "seed":
		return cmdSeed(ctx, rest, stdout, stderr, getenv)
	case "gen":
		return cmdGen(rest, stdout, stderr)
	case "export":
		return cmdExport(ctx, rest, stdout, stderr, getenv)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "famigraph: unknown command %q\n\n%s", cmd, usage)
	return 2
}
