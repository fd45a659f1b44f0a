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
//	famigraph version  [--seed DIR]                          print the binary's and the dataset's versions
//	famigraph export   [--what graph|network] [--format F]   write the graph or the network as a file
//
// The seed is the one embedded in the binary unless --seed DIR or
// FAMIGRAPH_SEED names a directory.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// usage lists the commands.
func usage() string {
	var b strings.Builder
	b.WriteString("famigraph — the FAMI integration-network knowledge graph\n\nUsage:\n  famigraph <command> [flags]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-9s  %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'famigraph <command> -h' (or 'famigraph help <command>') for what a command does and its flags.\n")
	return b.String()
}

// run executes one command and returns the process exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr, getenv)
	case "validate":
		return cmdValidate(rest, stdout, stderr, getenv)
	case "migrate":
		return cmdMigrate(ctx, rest, stdout, stderr, getenv)
	case "seed":
		return cmdSeed(ctx, rest, stdout, stderr, getenv)
	case "gen":
		return cmdGen(rest, stdout, stderr, getenv)
	case "version":
		return cmdVersion(rest, stdout, stderr, getenv)
	case "export":
		return cmdExport(ctx, rest, stdout, stderr, getenv)
	case "help":
		if len(rest) > 0 {
			if _, ok := findCommand(rest[0]); !ok {
				fmt.Fprintf(stderr, "famigraph help: unknown command %q\n\n%s", rest[0], usage())
				return 2
			}
			return run(ctx, []string{rest[0], "-h"}, stdout, stderr, getenv)
		}
		fmt.Fprint(stdout, usage())
		return 0
	case "-h", "-help", "--help":
		fmt.Fprint(stdout, usage())
		return 0
	}
	fmt.Fprintf(stderr, "famigraph: unknown command %q\n\n%s", cmd, usage())
	return 2
}
