package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/famigraph/famigraph/internal/bench"
)

// cmdOverload is the overload test of issue 13: the server, without its
// response cache (every request runs its query, as a new query or any query
// on Neo4j does), under more concurrent clients than it admits at once —
// 32, then 256, then 1,024 by default. The server answers what it cannot
// run at once with 503 OVERLOADED and Retry-After, and its clients wait as
// told. Checks: every request answered (200, or 503 OVERLOADED; no
// transport failure, timeout or other status), the p99 latency of the
// requests served at each step within --max-ratio of the first step's, and
// the live heap after the steps back within the tolerance of the heap
// before them. It exits 1 when a check fails.
func cmdOverload(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("overload", "Usage: famigraph-bench overload [flags]\n\nThe overload test: 32, 256 and 1,024 clients on uncached map queries against a server with\nits admission bound; every request must be answered (200 or 503 OVERLOADED), the p99 of the\nserved ones within --max-ratio of the first step's, the server's heap flat; exits 1 otherwise.", stderr)
	var c common
	c.register(fs, 0)
	steps := fs.String("clients", "32,256,1024", "comma-separated numbers of concurrent clients, one step each, in order; the first is the reference")
	duration := fs.Duration("duration", 10*time.Second, "length of each measured step")
	warmup := fs.Duration("warmup", 3*time.Second, "unmeasured load before each step, with its clients")
	queries := fs.String("queries", "map", "comma-separated queries the clients send in turn")
	cacheBytes := fs.Int64("response-cache", 0, "the server's response cache in bytes (0: none, so that every request runs its query)")
	maxRatio := fs.Float64("max-ratio", 2, "allowed ratio of a step's p99 latency of served requests to the first step's")
	retryAfter := fs.Bool("retry-after", true, "clients refused as OVERLOADED wait for the Retry-After before their next request; false sends it at once")
	jitter := fs.Float64("retry-jitter", 0.5, "with --retry-after, a refused client waits the Retry-After times 1 plus a random fraction below this, as well-behaved clients spread their retries (0: exactly the Retry-After)")
	heapTol := fs.Float64("heap-tolerance", 0.10, "allowed growth of the live heap after the steps, as a fraction of the heap before")
	heapSlack := fs.Uint64("heap-slack", 1<<20, "allowed growth of the live heap in bytes, on top of --heap-tolerance")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the server's process in each measured step to this path with -CLIENTS.pprof appended")
	netHTTP := fs.Bool("net-http", false, "drive the clients through net/http's client (two more goroutines a connection, a hand-off between them a request) rather than each on its own connection, as wrk does")
	inProcess := fs.Bool("in-process", false, "run the server in this process, with the clients, rather than in a process of its own")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	var counts []int
	for _, s := range strings.Split(*steps, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(stderr, "famigraph-bench overload: --clients: %q is not a positive number\n", s)
			return 2
		}
		counts = append(counts, n)
	}
	if *duration <= 0 || *maxRatio < 1 || *heapTol < 0 || *cacheBytes < 0 {
		fmt.Fprintln(stderr, "famigraph-bench overload: --duration must be positive, --max-ratio at least 1, --heap-tolerance and --response-cache not negative")
		return 2
	}
	qs, err := queriesNamed(suffixOf(c.scale), *queries)
	if err != nil {
		fmt.Fprintf(stderr, "famigraph-bench overload: %v\n", err)
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "famigraph-bench overload: %v\n", err)
		return 1
	}
	var (
		url string
		p   probe
	)
	if *inProcess {
		local := &localProbe{}
		c.wrap = local.handler
		srv, err := c.serve(*cacheBytes, stderr)
		if err != nil {
			return fail(err)
		}
		defer srv.close()
		url, p = srv.url, local
	} else {
		srv, err := startServerProcess(ctx, c.serverArgs(*cacheBytes), stderr)
		if err != nil {
			return fail(err)
		}
		defer srv.close()
		url, p = srv.url, srv
	}
	prep := bench.NewDriver(url+"/graphql", 1)
	reqs, err := prep.Prepare(ctx, qs)
	prep.Close()
	if err != nil {
		return fail(err)
	}
	// The runtime's high-water marks (goroutine records, pools) are
	// reached with the most clients: warm up with them before the heap is
	// measured, as the load test does.
	most := counts[0]
	for _, n := range counts {
		most = max(most, n)
	}
	// load runs the clients for a warm-up, which opens their connections,
	// then for d, measured.
	// load also returns what this process, the clients', did in the
	// step when the server has a process of its own.
	load := func(clients int, d time.Duration) (bench.Summary, serverStep, bench.RuntimeUse, error) {
		drv := bench.NewDriver(url+"/graphql", clients)
		drv.Raw = !*netHTTP
		defer drv.Close()
		l := bench.Load{Clients: clients, Duration: *warmup, Requests: reqs, RetryAfter: *retryAfter, RetryJitter: *jitter}
		drv.Run(ctx, l)
		l.Duration = d
		if err := p.begin(); err != nil {
			return bench.Summary{}, serverStep{}, bench.RuntimeUse{}, err
		}
		self := bench.SampleRuntime()
		res := drv.Run(ctx, l).Summary()
		clientsUse := bench.SampleRuntime().Since(self)
		use, err := p.end()
		return res, use, clientsUse, err
	}
	if _, _, _, err := load(most, 0); err != nil {
		return fail(err)
	}
	settleGoroutines(ctx, -1, 10*time.Second)
	memBefore, err := p.heap()
	if err != nil {
		return fail(err)
	}
	heapBefore := memBefore.Heap
	where := "in this process, with the clients"
	if !*inProcess {
		where = "in a process of its own"
	}
	client := "each on its own connection"
	if *netHTTP {
		client = "through net/http's client"
	}
	fmt.Fprintf(stdout, "overload: %v clients (%s), %s each after %s of warm-up, on %v (scale %d, response cache %s, retry after: %t, jitter %.2f); GOMAXPROCS %d; the server %s\n",
		counts, client, *duration, *warmup, queryNames(reqs), c.scale, cacheDesc(*cacheBytes), *retryAfter, *jitter, runtime.GOMAXPROCS(0), where)
	fmt.Fprintf(stdout, "%8s %9s %9s %9s %7s %10s %10s %10s %10s %10s %10s\n", "clients", "requests", "served/s", "refused", "errors",
		"p50", "p99", "max", "refused p99", "heap", "RSS")
	type step struct {
		clients int
		res     bench.Summary
		server  serverStep
	}
	var done []step
	failed := false
	failf := func(format string, args ...any) {
		failed = true
		fmt.Fprintf(stdout, "FAIL: "+format+"\n", args...)
	}
	for _, n := range counts {
		if ctx.Err() != nil {
			break
		}
		if *cpuprofile != "" {
			if err := p.startProfile(fmt.Sprintf("%s-%d.pprof", *cpuprofile, n)); err != nil {
				return fail(err)
			}
		}
		res, use, clientsUse, err := load(n, *duration)
		if err == nil {
			err = p.stopProfile()
		}
		var mem procMemory
		if err == nil {
			mem, err = p.heap()
		}
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "%8d %9d %9.0f %9d %7d %10s %10s %10s %10s %10s %10s\n", n, res.Requests,
			float64(res.Served())/res.Elapsed.Seconds(), res.Refused, res.Errors, ms(res.All.P50), ms(res.All.P99),
			ms(res.All.Max), ms(res.RefusedLat.P99), mib(mem.Heap), mem.RSS)
		fmt.Fprintf(stdout, "%8s server: %s; connections opened %d\n", "", useDesc(use.Use), res.Dials)
		fmt.Fprintf(stdout, "%8s server's handler: served p50 %s p99 %s, refused p50 %s p99 %s\n", "",
			ms(use.Served.P50), ms(use.Served.P99), ms(use.Refused.P50), ms(use.Refused.P99))
		if !*inProcess {
			fmt.Fprintf(stdout, "%8s clients: %s\n", "", useDesc(clientsUse))
		}
		for _, e := range res.FirstErrs {
			fmt.Fprintf(stdout, "  %s\n", e)
		}
		if res.Errors > 0 {
			failf("%d clients: %d requests without an answer or with an error", n, res.Errors)
		}
		if res.Served() == 0 {
			failf("%d clients: no request served", n)
		}
		done = append(done, step{n, res, use})
	}
	settleGoroutines(ctx, -1, 10*time.Second)
	memAfter, err := p.heap()
	if err != nil {
		return fail(err)
	}
	heapAfter := memAfter.Heap
	heapLimit := uint64(float64(heapBefore)*(1+*heapTol)) + *heapSlack
	fmt.Fprintf(stdout, "server's heap after GC: before %s, after %s (limit %s); server's peak RSS %s\n", mib(heapBefore), mib(heapAfter), mib(heapLimit), memAfter.HWM)
	if len(done) > 0 {
		ref := done[0].res.All.P99
		for _, s := range done[1:] {
			r := float64(s.res.All.P99) / float64(max(ref, 1))
			fmt.Fprintf(stdout, "p99 of served requests, %d clients / %d clients: %.2f (limit %.2f); in the server's handler: %.2f\n", s.clients, done[0].clients, r, *maxRatio,
				float64(s.server.Served.P99)/float64(max(done[0].server.Served.P99, 1)))
			if r > *maxRatio {
				failf("p99 at %d clients is %.2f times the p99 at %d clients", s.clients, r, done[0].clients)
			}
		}
	}
	if heapAfter > heapLimit {
		failf("live heap grew from %s to %s", mib(heapBefore), mib(heapAfter))
	}
	if ctx.Err() != nil {
		failf("interrupted")
	}
	if failed {
		return 1
	}
	fmt.Fprintln(stdout, "ok: every request answered, p99 of served requests bounded, heap stable")
	return 0
}

// useDesc describes what a process did in a step.
func useDesc(u bench.RuntimeUse) string {
	return fmt.Sprintf("CPU %.2f cores (GC %.0f %%), goroutines waiting for a processor p50 %s p99 %s",
		u.CPU.Seconds()/u.Elapsed.Seconds(), 100*u.GCCPU.Seconds()/max(u.CPU.Seconds(), 1e-9), ms(u.SchedP50), ms(u.SchedP99))
}

// procStatus returns a field of /proc/self/status (e.g. VmRSS), or "?"
// where there is none.
func procStatus(field string) string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "?"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return strings.TrimSpace(v)
			}
			return mib(kb << 10)
		}
	}
	return "?"
}
