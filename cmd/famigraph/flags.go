package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// command describes a subcommand for 'famigraph -h' and 'famigraph <command> -h'.
type command struct {
	name     string
	synopsis string // the arguments, after the command's name
	summary  string // one line, for the list of commands
	help     string // what the command does, for its own -h
}

// commands lists the subcommands in the order the usage shows them.
var commands = []command{
	{"serve", "[flags]",
		"serve the GraphQL API (embedded data, or Neo4j when NEO4J_URI is set)",
		`Serves the GraphQL API at /graphql, GraphiQL at /, the probes /healthz and /readyz and
Prometheus metrics at /metrics. The data is the seed embedded in the binary, or the seed
directory given by --seed (FAMIGRAPH_SEED), validated at start: a seed with any problem
is refused and nothing is served. With NEO4J_URI set, the API is served from Neo4j instead.
Every flag has an environment variable, named in parentheses.`},
	{"validate", "[--seed DIR]",
		"check the seed files and report every problem with file and line",
		`Reads and validates a seed directory (by default the seed embedded in the binary) and
reports every problem at once, one a line, as file:line: field: message. A file of the
directory that is not a seed file (or README.md, embed.go) is a problem too. Exits with
status 1 when there is any problem, 0 with a summary of the records when there is none.`},
	{"migrate", "[flags]",
		"create the Neo4j constraints and indexes (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE)",
		`Creates Neo4j's constraints and indexes for famigraph's data; safe to repeat. Needs
NEO4J_URI; the password is read from NEO4J_PASSWORD only.`},
	{"seed", "[--seed DIR] [flags]",
		"validate the seed files and load them into Neo4j (runs migrate first)",
		`Validates the seed (by default the one embedded in the binary; --seed DIR or
FAMIGRAPH_SEED for a directory), creates Neo4j's constraints and indexes, and loads the
records and relationships so that Neo4j holds exactly what the seed holds: it reports what
it created, updated and deleted, and a second run changes nothing. An invalid seed writes
nothing. Needs NEO4J_URI; the password is read from NEO4J_PASSWORD only.`},
	{"gen", "--scale N --out DIR [flags]",
		"write a synthetic seed N times the real one, for benchmarks",
		`Writes a synthetic seed directory (every name "[synthetic] ...", ids ending in
-syn<copy>, one synthetic source) with the shape of the template N times over, partners
shared across copies, and validates what it wrote. For benchmarks and load tests only.`},
	{"version", "[--seed DIR]",
		"print the binary's version and the dataset's version and counts",
		`Prints the binary's version (set at build time with -ldflags "-X main.version=...", else
the module version and VCS revision Go recorded), the dataset version (a content hash of
every record and relationship, as the API's dataset { version } reports it) and the counts
of records by kind and of relationships, for the embedded seed or --seed DIR.`},
	{"export", "[--what graph|network] [--format graphml|gexf|csv|json] [--table nodes|edges] [filters] [--out PATH]",
		"write the graph or the co-participation network as GraphML, GEXF, CSV or JSON",
		`Writes the whole knowledge graph (--what graph, the default) or the co-participation
network with its metrics (--what network) as GraphML (the default), GEXF, CSV (one table:
--table nodes or edges) or JSON, to standard output or to --out PATH. The network takes
partnershipNetwork's filters (lists comma-separated). The data is the seed embedded in the
binary (or --seed DIR), or Neo4j's when NEO4J_URI is set. Every file names the dataset
version. GET /export/... on a running server serves the same files.`},
}

func findCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// newFlags returns the flag set of a command. Its usage says what the
// command does; on -h it goes to stdout (and the command exits 0), on a
// bad flag to stderr.
func newFlags(name string, args []string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if helpAsked(args) {
		fs.SetOutput(stdout)
	}
	fs.Usage = func() {
		c, _ := findCommand(name)
		w := fs.Output()
		fmt.Fprintf(w, "Usage: famigraph %s %s\n\n%s\n", name, c.synopsis, c.help)
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(w, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// helpAsked reports whether args ask for help (before a "--").
func helpAsked(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		switch a {
		case "-h", "-help", "--h", "--help":
			return true
		}
	}
	return false
}

// parseFlags parses args. ok is false when the command should stop with
// the exit status code: 0 after -h, 2 after a bad flag or an argument.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "famigraph %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return 2, false
	}
	return 0, true
}

// seedFlag registers --seed, whose default is FAMIGRAPH_SEED or, when that
// is unset, the seed embedded in the binary ("").
func seedFlag(fs *flag.FlagSet, env *envDefaults, p *string, usage string) {
	fs.StringVar(p, "seed", env.str("FAMIGRAPH_SEED", ""), usage+"; empty for the seed embedded in the binary (FAMIGRAPH_SEED)")
}

// flagSet reports whether the command line sets the flag.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// parseSeedCommand parses the flags of a command whose only flag is the
// seed directory (usage says what it is for); when ok is false the command
// exits with code.
func parseSeedCommand(name string, args []string, stdout, stderr io.Writer, getenv func(string) string,
	usage string) (dir string, code int, ok bool) {
	fs := newFlags(name, args, stdout, stderr)
	env := envDefaults{getenv: getenv}
	seedFlag(fs, &env, &dir, usage)
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return "", code, false
	}
	if env.err != nil {
		fmt.Fprintf(stderr, "famigraph %s: %v\n", name, env.err)
		return "", 2, false
	}
	return dir, 0, true
}
