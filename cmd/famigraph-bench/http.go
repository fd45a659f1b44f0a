package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/famigraph/famigraph/internal/bench"
)

// Targets of issue 5 for the map query at scale 1 with 32 clients.
const (
	targetRatio = 0.5
	targetP99   = 10 * time.Millisecond
)

// cmdHTTP measures one query through the real server and through a floor:
// a plain net/http handler that writes the same response bytes. Both run in
// this process on loopback, measured in alternating rounds, so that both
// see the same machine state; the report gives medians across rounds.
func cmdHTTP(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("http", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	query := fs.String("query", "map", "the query to measure (map, partners, search, paths, lineage, network, network-all)")
	clients := fs.Int("clients", 32, "concurrent clients, each with its own keep-alive connection")
	duration := fs.Duration("duration", 5*time.Second, "length of each measured phase")
	rounds := fs.Int("rounds", 5, "rounds; each measures the floor and famigraph once, in alternating order")
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured load on each server before the rounds")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of one extra famigraph phase to this file")
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
	real, err := c.startServer(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "famigraph-bench http: %v\n", err)
		return 1
	}
	defer real.close()
	realDrv := bench.NewDriver(real.url+"/graphql", *clients)
	defer realDrv.Close()
	reqs, err := realDrv.Prepare(ctx, qs)
	if err != nil {
		fmt.Fprintf(stderr, "famigraph-bench http: %v\n", err)
		return 1
	}
	want := reqs[0].Want
	floor, err := listen(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(want)
	}))
	if err != nil {
		fmt.Fprintf(stderr, "famigraph-bench http: %v\n", err)
		return 1
	}
	defer floor.close()
	floorDrv := bench.NewDriver(floor.url+"/graphql", *clients)
	defer floorDrv.Close()

	fmt.Fprintf(stdout, "query %s: %d response bytes; %d clients, %d rounds of %s each; GOMAXPROCS %d, wait %s, request log %s, metrics %t\n",
		*query, len(want), *clients, *rounds, *duration, runtime.GOMAXPROCS(0), c.wait, c.logLevel, c.metrics)
	load := bench.Load{Clients: *clients, Duration: *warmup, Requests: reqs}
	floorDrv.Run(ctx, load)
	realDrv.Run(ctx, load)
	load.Duration = *duration

	type phase struct {
		name string
		drv  *bench.Driver
		res  []*bench.Result
		cpu  []time.Duration // process CPU (server and clients) per request
	}
	phases := []*phase{{name: "floor", drv: floorDrv}, {name: "famigraph", drv: realDrv}}
	errorsSeen := 0
	for r := 0; r < *rounds && ctx.Err() == nil; r++ {
		order := phases
		if r%2 == 1 {
			order = []*phase{phases[1], phases[0]}
		}
		for _, p := range order {
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
	var tput [2][]float64
	var p50, p99 [2][]time.Duration
	var ratios []float64
	for i, p := range phases {
		for _, res := range p.res {
			tput[i] = append(tput[i], res.Throughput())
			p50[i] = append(p50[i], bench.Percentile(res.Latencies, 50))
			p99[i] = append(p99[i], bench.Percentile(res.Latencies, 99))
		}
	}
	for r := range min(len(tput[0]), len(tput[1])) {
		ratios = append(ratios, tput[1][r]/tput[0][r])
	}
	fmt.Fprintf(stdout, "\nmedians of %d rounds:\n", len(ratios))
	for i, p := range phases {
		fmt.Fprintf(stdout, "  %-9s %8.0f req/s  p50 %s  p99 %s  CPU/req %s\n", p.name, median(tput[i]),
			ms(median(p50[i])), ms(median(p99[i])), ms(median(p.cpu)))
	}
	ratio := median(tput[1]) / median(tput[0])
	fmt.Fprintf(stdout, "  ratio famigraph/floor throughput: %.3f (median of per-round ratios %.3f)\n", ratio, median(ratios))
	if *query == "map" && c.scale == 0 && *clients == 32 {
		verdict := func(ok bool) string {
			if ok {
				return "met"
			}
			return "NOT met"
		}
		fmt.Fprintf(stdout, "targets: throughput >= %.1f x floor: %s; p99 < %s: %s\n", targetRatio,
			verdict(ratio >= targetRatio), ms(targetP99), verdict(median(p99[1]) < targetP99))
	}

	if *cpuprofile != "" && ctx.Err() == nil {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintf(stderr, "famigraph-bench http: %v\n", err)
			return 1
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "famigraph-bench http: %v\n", err)
			return 1
		}
		res := realDrv.Run(ctx, load)
		pprof.StopCPUProfile()
		f.Close()
		fmt.Fprintf(stdout, "CPU profile of one more famigraph phase (%.0f req/s) in %s\n", res.Throughput(), *cpuprofile)
	}
	if errorsSeen > 0 {
		fmt.Fprintf(stderr, "famigraph-bench http: %d failed requests\n", errorsSeen)
		return 1
	}
	return 0
}
