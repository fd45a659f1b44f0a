// Command famigraph-bench measures famigraph over HTTP on loopback, in one
// process: the server as `famigraph serve` wires it, over the embedded store.
//
// Usage:
//
//	famigraph-bench http [flags]   throughput and latency of one query, cached and uncached, against a floor
//	famigraph-bench load [flags]   bounded load test: zero errors, stable memory, no leaks
//	famigraph-bench overload [flags]   overload test: admitted latency bounded, every request answered, memory flat
//	famigraph-bench peer [flags]   famigraph against @neo4j/graphql on the same Neo4j (make bench-peer)
//
// `make bench-http` and `make loadtest` run them; docs/benchmarks.md explains
// the method and records the figures.
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
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/famigraph/famigraph/internal/bench"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/memstore"
)

const usage = `famigraph-bench — HTTP benchmark and load test of famigraph on loopback

Usage:
  famigraph-bench http [flags]   the map query (or another), with and without the response cache, against a floor serving the same bytes
  famigraph-bench load [flags]   many clients on the heaviest queries; fails on errors, leaks or heap growth
  famigraph-bench overload [flags]   32, 256 and 1,024 clients on uncached map queries: admitted latency, refusals, memory
  famigraph-bench peer [flags]   famigraph against @neo4j/graphql (tools/peer), both serving the same Neo4j: same answers, then alternating rounds
  famigraph-bench server [flags] the server alone, for overload's clients in another process (overload starts it)

Run 'famigraph-bench <command> -h' for the flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "http":
		return cmdHTTP(ctx, args[1:], stdout, stderr)
	case "load":
		return cmdLoad(ctx, args[1:], stdout, stderr)
	case "overload":
		return cmdOverload(ctx, args[1:], stdout, stderr)
	case "peer":
		return cmdPeer(ctx, args[1:], stdout, stderr)
	case "server":
		return cmdServer(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "famigraph-bench: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// common are the flags both commands share.
type common struct {
	seedDir   string
	scale     int
	wait      time.Duration
	logLevel  string
	metrics   bool
	inFlight  int
	queue     int
	queueWait time.Duration
	// wrap, if set, wraps the server's handler (to time it).
	wrap func(http.Handler) http.Handler
}

// register adds the common flags to fs; inFlight is the default of
// --max-in-flight.
func (c *common) register(fs *flag.FlagSet, inFlight int) {
	fs.IntVar(&c.inFlight, "max-in-flight", inFlight, "the server's bound on GraphQL requests executed at once, as serve's --max-in-flight: 0 is serve's default (GOMAXPROCS on the embedded store), -1 none")
	fs.IntVar(&c.queue, "max-queue", 0, "the server's admission queue (httpapi.Config.MaxQueue; serve uses its default): requests that may wait for a turn beyond --max-in-flight: 0 is the default (32 times --max-in-flight), -1 none")
	fs.DurationVar(&c.queueWait, "max-queue-wait", 0, "the longest wait in the server's admission queue (httpapi.Config.MaxQueueWait; serve uses its default): 0 is the default, negative no queue")
	fs.StringVar(&c.seedDir, "seed", "seed", "the real seed directory (the data, or the template of --scale)")
	fs.IntVar(&c.scale, "scale", 0, "0: the real seed; N: a synthetic network N times its size (internal/gen)")
	fs.DurationVar(&c.wait, "wait", 0, "loaders' batching window, graph.LoaderConfig.Wait (serve uses 0 for the embedded store)")
	fs.StringVar(&c.logLevel, "log-level", "info", "level of the server's request log, written to nowhere but formatted: debug, info, warn, error")
	fs.BoolVar(&c.metrics, "metrics", true, "Prometheus instrumentation, as serve's default")
}

// server is the real server listening on loopback.
type server struct {
	url string
	// inFlight is the admission bound (0: none).
	inFlight int
	store    kg.Store
	srv      *http.Server
	nodes    int
	edges    int
}

// data is the embedded store the servers answer from.
type data struct {
	store kg.Store
	nodes int
	edges int
}

// load reads the data of --seed and --scale and builds the embedded store.
func (c *common) load(stderr io.Writer) (*data, error) {
	t0 := time.Now()
	ds, _, err := bench.Dataset(c.seedDir, c.scale)
	if err != nil {
		return nil, err
	}
	d := &data{store: memstore.New(ds), nodes: len(ds.Nodes), edges: len(ds.Edges)}
	fmt.Fprintf(stderr, "famigraph: %d records, %d relationships (scale %d), loaded in %s\n",
		d.nodes, d.edges, c.scale, time.Since(t0).Round(time.Millisecond))
	return d, nil
}

// serve loads the data of --seed and --scale and starts the server over
// it, with a response cache of cacheBytes (0: none).
func (c *common) serve(cacheBytes int64, stderr io.Writer) (*server, error) {
	d, err := c.load(stderr)
	if err != nil {
		return nil, err
	}
	return c.startServer(d, cacheBytes, stderr)
}

// startServer starts the server as `famigraph serve` wires it over d, with
// a response cache of cacheBytes (0: none).
func (c *common) startServer(d *data, cacheBytes int64, stderr io.Writer) (*server, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.logLevel)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: level}))
	cfg := bench.ServerConfig{Wait: c.wait, Logger: logger, NoMetrics: !c.metrics,
		ResponseCacheBytes: &cacheBytes, MaxInFlight: c.inFlight,
		MaxQueue: c.queue, MaxQueueWait: c.queueWait}
	h := bench.NewServer(d.store, cfg)
	if c.wrap != nil {
		h = c.wrap(h)
	}
	s, err := listen(h)
	if err != nil {
		return nil, err
	}
	inFlight := "none"
	if s.inFlight = cfg.InFlight(d.store); s.inFlight > 0 {
		inFlight = fmt.Sprint(s.inFlight)
	}
	fmt.Fprintf(stderr, "famigraph: serving on %s, response cache %s, requests executed at once: %s\n", s.url, cacheDesc(cacheBytes), inFlight)
	s.store, s.nodes, s.edges = d.store, d.nodes, d.edges
	return s, nil
}

// cacheDesc describes a response cache size.
func cacheDesc(n int64) string {
	if n <= 0 {
		return "off"
	}
	return mib(uint64(n))
}

// listen serves h on a loopback port with the serve command's timeouts.
func listen(h http.Handler) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 15 * time.Second, IdleTimeout: 2 * time.Minute}
	go srv.Serve(ln)
	return &server{url: "http://" + ln.Addr().String(), srv: srv}, nil
}

func (s *server) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func median[T int | float64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// newFlags returns the flag set of a command, writing to stderr; usage, if
// not empty, is what -h prints before the flags.
func newFlags(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if usage != "" {
		fs.Usage = func() {
			fmt.Fprintf(fs.Output(), "%s\n\nFlags:\n", usage)
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args and reports whether to go on, and the exit status
// if not.
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		return 2, false
	}
	return 0, true
}

func queriesNamed(suffix, names string) ([]bench.Query, error) {
	all := bench.Queries(suffix)
	var out []bench.Query
	for _, n := range strings.Split(names, ",") {
		q, ok := bench.QueryNamed(all, strings.TrimSpace(n))
		if !ok {
			var known []string
			for _, q := range all {
				known = append(known, q.Name)
			}
			return nil, fmt.Errorf("unknown query %q; known: %s", n, strings.Join(known, ", "))
		}
		out = append(out, q)
	}
	return out, nil
}

func suffixOf(scale int) string {
	if scale == 0 {
		return ""
	}
	return bench.SyntheticSuffix
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
