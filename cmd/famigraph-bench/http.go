package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/famigraph/famigraph/internal/bench"
	"github.com/famigraph/famigraph/internal/httpapi"
)

// Targets for the map query at scale 1 with 32 clients: issue 5's for the
// cached server, issue 13's for the uncached one (a query the server has not
// seen, or any query on Neo4j).
const (
	targetRatio         = 0.5
	targetP99           = 10 * time.Millisecond
	targetUncachedRatio = 0.10
	targetUncachedP99   = 20 * time.Millisecond
)

// cmdHTTP measures one query through the real server, twice — with serve's
// default response cache (how serve answers a query it has answered before
// over the embedded store) and without it (--response-cache=0: what a new
// query costs) — and through a floor: a plain net/http handler that writes
// the same response bytes. Each server runs as serve runs it, in a process
// of its own (`famigraph-bench server`, with serve's admission defaults),
// as in production, where the clients are other machines; --in-process runs
// all three in this process, with the clients, as the benchmark did before
// (with --max-in-flight -1 and --net-http, exactly so). They are measured in
// rotating order round after round, so that they see the same machine
// state; the report gives medians across rounds and each server's ratio to
// the floor.
func cmdHTTP(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("http", "Usage: famigraph-bench http [flags]\n\nMeasures one query through the real server (as serve wires it, over the embedded store),\nwith and without the response cache, and through a floor that writes the same bytes, in\nrotating rounds on loopback; reports throughput, p50/p99 and each server's ratio to the floor.", stderr)
	var c common
	c.register(fs, 0)
	query := fs.String("query", "map", "the query to measure (map, partners, search, paths, lineage, network, network-all, network-all-nobc)")
	clients := fs.Int("clients", 32, "concurrent clients, each with its own keep-alive connection")
	duration := fs.Duration("duration", 5*time.Second, "length of each measured phase")
	rounds := fs.Int("rounds", 5, "rounds; each measures the floor, the cached and the uncached server once, in rotating order")
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured load on each server before the rounds")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of one extra phase of the uncached server to this file")
	inProcess := fs.Bool("in-process", false, "run the servers in this process, with the clients, rather than each in a process of its own")
	netHTTP := fs.Bool("net-http", false, "drive the clients through net/http's client rather than each on its own connection, as wrk does")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *clients < 1 || *rounds < 1 || *duration <= 0 {
		fmt.Fprintln(stderr, "famigraph-bench http: --clients, --rounds and --duration must be positive")
		return 2
	}
	qs, err := queriesNamed(suffixOf(c.scale), *query)
	if err == nil && len(qs) != 1 {
		err = fmt.Errorf("--query takes one query, got %q", *query)
	}
	if err != nil {
		fmt.Fprintf(stderr, "famigraph-bench http: %v\n", err)
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "famigraph-bench http: %v\n", err)
		return 1
	}
	// The server processes write their logs to stderr at once.
	stderr = &syncWriter{w: stderr}
	h := &httpServers{c: &c, inProcess: *inProcess, stderr: stderr}
	defer h.close()
	cached, err := h.start(ctx, httpapi.DefaultResponseCacheBytes)
	if err != nil {
		return fail(err)
	}
	uncached, err := h.start(ctx, 0)
	if err != nil {
		return fail(err)
	}
	driver := func(t *httpTarget) *bench.Driver {
		d := bench.NewDriver(t.url+"/graphql", *clients)
		d.Raw = !*netHTTP
		return d
	}
	cachedDrv := driver(cached)
	defer cachedDrv.Close()
	uncachedDrv := driver(uncached)
	defer uncachedDrv.Close()
	reqs, err := uncachedDrv.Prepare(ctx, qs)
	if err != nil {
		return fail(err)
	}
	want := reqs[0].Want
	// The cached server's first answer fills its cache; it must be the
	// uncached server's bytes.
	cachedReqs, err := cachedDrv.Prepare(ctx, qs)
	if err != nil {
		return fail(err)
	}
	if !bytes.Equal(cachedReqs[0].Want, want) {
		return fail(fmt.Errorf("the cached and the uncached server answer %s differently", *query))
	}
	floor, err := h.startFloor(ctx, want)
	if err != nil {
		return fail(err)
	}
	floorDrv := driver(floor)
	defer floorDrv.Close()

	where := "each in a process of its own"
	if *inProcess {
		where = "in this process, with the clients"
	}
	client := "each on its own connection"
	if *netHTTP {
		client = "through net/http's client"
	}
	fmt.Fprintf(stdout, "servers %s; clients %s; requests executed at once: %s\n", where, client, uncached.inFlight)
	fmt.Fprintf(stdout, "query %s: %d response bytes; %d clients, %d rounds of %s each; GOMAXPROCS %d, wait %s, request log %s, metrics %t\n",
		*query, len(want), *clients, *rounds, *duration, runtime.GOMAXPROCS(0), c.wait, c.logLevel, c.metrics)
	fmt.Fprintf(stdout, "cached: serve's default response cache (%s); uncached: --response-cache=0\n",
		cacheDesc(httpapi.DefaultResponseCacheBytes))
	// phase is one server under measure, and its figures round by round.
	type phase struct {
		name     string
		drv      *bench.Driver
		target   *httpTarget
		tput     []float64       // requests served a second
		p50, p99 []time.Duration // of every request answered
		cpu      []time.Duration // CPU (server and clients) per request served
	}
	phases := []*phase{{name: "floor", drv: floorDrv, target: floor}, {name: "cached", drv: cachedDrv, target: cached},
		{name: "uncached", drv: uncachedDrv, target: uncached}}
	load := bench.Load{Clients: *clients, Duration: *warmup, Requests: reqs}
	for _, p := range phases {
		p.drv.Run(ctx, load)
	}
	load.Duration = *duration

	errorsSeen := 0
	for r := 0; r < *rounds && ctx.Err() == nil; r++ {
		for i := range phases {
			p := phases[(i+r)%len(phases)] // each server first in turn
			res, cpu, err := p.target.measure(ctx, p.drv, load)
			if err != nil {
				return fail(err)
			}
			lat := answered(res)
			p.tput = append(p.tput, throughput(res))
			p.p50 = append(p.p50, bench.Percentile(lat, 50))
			p.p99 = append(p.p99, bench.Percentile(lat, 99))
			p.cpu = append(p.cpu, cpu/time.Duration(max(1, res.Served())))
			errorsSeen += res.Errors
			fmt.Fprintf(stdout, "round %d %-9s %8.0f req/s  p50 %s  p99 %s  CPU/req %s  errors %d  refused %d\n", r+1, p.name,
				p.tput[r], ms(p.p50[r]), ms(p.p99[r]), ms(p.cpu[r]), res.Errors, res.Refused)
			for _, e := range res.FirstErrs {
				fmt.Fprintf(stderr, "  %s\n", e)
			}
		}
	}
	fmt.Fprintf(stdout, "\nmedians of %d rounds:\n", len(phases[0].tput))
	for _, p := range phases {
		fmt.Fprintf(stdout, "  %-9s %8.0f req/s  p50 %s  p99 %s  CPU/req %s\n", p.name, median(p.tput),
			ms(median(p.p50)), ms(median(p.p99)), ms(median(p.cpu)))
	}
	floorTput := phases[0].tput
	ratio := make([]float64, len(phases))
	for i := 1; i < len(phases); i++ {
		var perRound []float64
		for r := range min(len(floorTput), len(phases[i].tput)) {
			perRound = append(perRound, phases[i].tput[r]/floorTput[r])
		}
		ratio[i] = median(phases[i].tput) / median(floorTput)
		fmt.Fprintf(stdout, "  ratio %s/floor throughput: %.3f (median of per-round ratios %.3f)\n",
			phases[i].name, ratio[i], median(perRound))
	}
	if *query == "map" && c.scale == 0 && *clients == 32 {
		verdict := func(ok bool) string {
			if ok {
				return "met"
			}
			return "NOT met"
		}
		for i := 1; i < len(phases); i++ {
			r, p := targetRatio, targetP99
			if phases[i].name == "uncached" {
				r, p = targetUncachedRatio, targetUncachedP99
			}
			fmt.Fprintf(stdout, "targets, %s: throughput >= %.2f x floor: %s; p99 < %s: %s\n", phases[i].name, r,
				verdict(ratio[i] >= r), ms(p), verdict(median(phases[i].p99) < p))
		}
	}

	if *cpuprofile != "" && ctx.Err() == nil {
		path, err := filepath.Abs(*cpuprofile)
		if err != nil {
			return fail(err)
		}
		if err := uncached.probe.startProfile(path); err != nil {
			return fail(err)
		}
		res := uncachedDrv.Run(ctx, load)
		if err := uncached.probe.stopProfile(); err != nil {
			return fail(err)
		}
		errorsSeen += res.Errors
		fmt.Fprintf(stdout, "CPU profile of one more uncached phase (%.0f req/s) in %s\n", throughput(res), *cpuprofile)
	}
	if errorsSeen > 0 {
		fmt.Fprintf(stderr, "famigraph-bench http: %d failed requests\n", errorsSeen)
		return 1
	}
	return 0
}

// throughput is the number of requests served a second.
func throughput(res *bench.Result) float64 { return float64(res.Served()) / res.Elapsed.Seconds() }

// answered returns the latencies of every request answered, served or
// refused as OVERLOADED (a refusal is an answer the client waited for),
// sorted.
func answered(res *bench.Result) []time.Duration {
	if len(res.RefusedLatencies) == 0 {
		return res.Latencies
	}
	all := slices.Concat(res.Latencies, res.RefusedLatencies)
	slices.Sort(all)
	return all
}

// httpServers starts the servers of the benchmark, in this process or each
// in a process of its own.
type httpServers struct {
	c         *common
	inProcess bool
	stderr    io.Writer
	data      *data // loaded once, in process
	closers   []func()
}

// httpTarget is a server under measure: its URL, its admission bound, and
// the probe of its process (this one's, in process).
type httpTarget struct {
	url      string
	inFlight string
	probe    probe
	// own says the server has a process of its own: its CPU adds to this
	// process's, the clients'.
	own bool
}

// start starts the real server with a response cache of cacheBytes.
func (h *httpServers) start(ctx context.Context, cacheBytes int64) (*httpTarget, error) {
	if !h.inProcess {
		return h.startProcess(ctx, h.c.serverArgs(cacheBytes))
	}
	if h.data == nil {
		d, err := h.c.load(h.stderr)
		if err != nil {
			return nil, err
		}
		h.data = d
	}
	srv, err := h.c.startServer(h.data, cacheBytes, h.stderr)
	if err != nil {
		return nil, err
	}
	h.closers = append(h.closers, srv.close)
	// As serve: a processor for the network when the bound leaves one
	// free (for the whole process, clients included).
	httpapi.ReserveProcessor(srv.inFlight)
	return &httpTarget{url: srv.url, inFlight: inFlightDesc(srv.inFlight), probe: &localProbe{}}, nil
}

// startFloor starts the floor: a plain handler that writes want.
func (h *httpServers) startFloor(ctx context.Context, want []byte) (*httpTarget, error) {
	if !h.inProcess {
		f, err := os.CreateTemp("", "famigraph-floor-*.json")
		if err != nil {
			return nil, err
		}
		h.closers = append(h.closers, func() { os.Remove(f.Name()) })
		_, err = f.Write(want)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		return h.startProcess(ctx, []string{"--floor", f.Name()})
	}
	srv, err := listen(floorHandler(want))
	if err != nil {
		return nil, err
	}
	h.closers = append(h.closers, srv.close)
	return &httpTarget{url: srv.url, inFlight: "none", probe: &localProbe{}}, nil
}

func (h *httpServers) startProcess(ctx context.Context, args []string) (*httpTarget, error) {
	p, err := startServerProcess(ctx, args, h.stderr)
	if err != nil {
		return nil, err
	}
	h.closers = append(h.closers, p.close)
	return &httpTarget{url: p.url, inFlight: p.inFlight, probe: p, own: true}, nil
}

func (h *httpServers) close() {
	for _, c := range slices.Backward(h.closers) {
		c()
	}
}

// measure runs the load and returns its result with the CPU the server
// and the clients spent on it.
func (t *httpTarget) measure(ctx context.Context, drv *bench.Driver, load bench.Load) (*bench.Result, time.Duration, error) {
	if err := t.probe.begin(); err != nil {
		return nil, 0, err
	}
	cpu := bench.CPUTime()
	res := drv.Run(ctx, load)
	cpu = bench.CPUTime() - cpu
	step, err := t.probe.end()
	if t.own {
		cpu += step.Use.CPU
	}
	return res, cpu, err
}

// floorHandler writes want to every request, as a plain net/http handler.
func floorHandler(want []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(want)
	})
}

// inFlightDesc describes an admission bound.
func inFlightDesc(n int) string {
	if n <= 0 {
		return "none"
	}
	return fmt.Sprint(n)
}

// syncWriter serialises the writes of several goroutines to w.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}
