package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
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
// the same response bytes. All three run in this process on loopback,
// measured in rotating order round after round, so that they see the same
// machine state; the report gives medians across rounds and each server's
// ratio to the floor.
func cmdHTTP(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("http", "Usage: famigraph-bench http [flags]\n\nMeasures one query through the real server (as serve wires it, over the embedded store),\nwith and without the response cache, and through a floor that writes the same bytes, in\nrotating rounds on loopback; reports throughput, p50/p99 and each server's ratio to the floor.", stderr)
	var c common
	// Execution cost is what this measures: no admission bound, which
	// would refuse most of 32 clients' uncached requests.
	c.register(fs, -1)
	query := fs.String("query", "map", "the query to measure (map, partners, search, paths, lineage, network, network-all, network-all-nobc)")
	clients := fs.Int("clients", 32, "concurrent clients, each with its own keep-alive connection")
	duration := fs.Duration("duration", 5*time.Second, "length of each measured phase")
	rounds := fs.Int("rounds", 5, "rounds; each measures the floor, the cached and the uncached server once, in rotating order")
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured load on each server before the rounds")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of one extra phase of the uncached server to this file")
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
	d, err := c.load(stderr)
	if err != nil {
		return fail(err)
	}
	cached, err := c.startServer(d, httpapi.DefaultResponseCacheBytes, stderr)
	if err != nil {
		return fail(err)
	}
	defer cached.close()
	uncached, err := c.startServer(d, 0, stderr)
	if err != nil {
		return fail(err)
	}
	defer uncached.close()
	cachedDrv := bench.NewDriver(cached.url+"/graphql", *clients)
	defer cachedDrv.Close()
	uncachedDrv := bench.NewDriver(uncached.url+"/graphql", *clients)
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
	floor, err := listen(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(want)
	}))
	if err != nil {
		return fail(err)
	}
	defer floor.close()
	floorDrv := bench.NewDriver(floor.url+"/graphql", *clients)
	defer floorDrv.Close()

	fmt.Fprintf(stdout, "query %s: %d response bytes; %d clients, %d rounds of %s each; GOMAXPROCS %d, wait %s, request log %s, metrics %t\n",
		*query, len(want), *clients, *rounds, *duration, runtime.GOMAXPROCS(0), c.wait, c.logLevel, c.metrics)
	fmt.Fprintf(stdout, "cached: serve's default response cache (%s); uncached: --response-cache=0\n",
		cacheDesc(httpapi.DefaultResponseCacheBytes))
	type phase struct {
		name string
		drv  *bench.Driver
		res  []*bench.Result
		cpu  []time.Duration // process CPU (server and clients) per request
	}
	phases := []*phase{{name: "floor", drv: floorDrv}, {name: "cached", drv: cachedDrv}, {name: "uncached", drv: uncachedDrv}}
	load := bench.Load{Clients: *clients, Duration: *warmup, Requests: reqs}
	for _, p := range phases {
		p.drv.Run(ctx, load)
	}
	load.Duration = *duration

	errorsSeen := 0
	for r := 0; r < *rounds && ctx.Err() == nil; r++ {
		for i := range phases {
			p := phases[(i+r)%len(phases)] // each server first in turn
			cpu := bench.CPUTime()
			res := p.drv.Run(ctx, load)
			cpuPerReq := (bench.CPUTime() - cpu) / time.Duration(max(1, res.Requests))
			p.res = append(p.res, res)
			p.cpu = append(p.cpu, cpuPerReq)
			errorsSeen += res.Errors
			fmt.Fprintf(stdout, "round %d %-9s %8.0f req/s  p50 %s  p99 %s  CPU/req %s  errors %d\n", r+1, p.name,
				res.Throughput(), ms(bench.Percentile(res.Latencies, 50)), ms(bench.Percentile(res.Latencies, 99)),
				ms(cpuPerReq), res.Errors)
			for _, e := range res.FirstErrs {
				fmt.Fprintf(stderr, "  %s\n", e)
			}
		}
	}
	tput := make([][]float64, len(phases))
	p50 := make([][]time.Duration, len(phases))
	p99 := make([][]time.Duration, len(phases))
	for i, p := range phases {
		for _, res := range p.res {
			tput[i] = append(tput[i], res.Throughput())
			p50[i] = append(p50[i], bench.Percentile(res.Latencies, 50))
			p99[i] = append(p99[i], bench.Percentile(res.Latencies, 99))
		}
	}
	fmt.Fprintf(stdout, "\nmedians of %d rounds:\n", len(tput[0]))
	for i, p := range phases {
		fmt.Fprintf(stdout, "  %-9s %8.0f req/s  p50 %s  p99 %s  CPU/req %s\n", p.name, median(tput[i]),
			ms(median(p50[i])), ms(median(p99[i])), ms(median(p.cpu)))
	}
	ratio := make([]float64, len(phases))
	for i := 1; i < len(phases); i++ {
		var perRound []float64
		for r := range min(len(tput[0]), len(tput[i])) {
			perRound = append(perRound, tput[i][r]/tput[0][r])
		}
		ratio[i] = median(tput[i]) / median(tput[0])
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
				verdict(ratio[i] >= r), ms(p), verdict(median(p99[i]) < p))
		}
	}

	if *cpuprofile != "" && ctx.Err() == nil {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return fail(err)
		}
		res := uncachedDrv.Run(ctx, load)
		pprof.StopCPUProfile()
		f.Close()
		errorsSeen += res.Errors
		fmt.Fprintf(stdout, "CPU profile of one more uncached phase (%.0f req/s) in %s\n", res.Throughput(), *cpuprofile)
	}
	if errorsSeen > 0 {
		fmt.Fprintf(stderr, "famigraph-bench http: %d failed requests\n", errorsSeen)
		return 1
	}
	return 0
}
