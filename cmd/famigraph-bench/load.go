package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/famigraph/famigraph/internal/bench"
	"github.com/famigraph/famigraph/internal/httpapi"
)

// cmdLoad is the bounded load test of issue 4: many clients for a fixed
// time on the heaviest legitimate queries, then three checks — no failed
// request (HTTP or GraphQL), the live heap back within a tolerance of where
// it started, and the goroutine count back to its baseline. It exits 1 when
// a check fails.
func cmdLoad(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("load", "Usage: famigraph-bench load [flags]\n\nThe bounded load test: many clients for a fixed time on the heaviest queries, then three\nchecks (no failed request, the live heap back near where it started, the goroutines back to\ntheir baseline); exits 1 when a check fails.", stderr)
	var c common
	c.register(fs, 0)
	clients := fs.Int("clients", 64, "concurrent clients")
	duration := fs.Duration("duration", 30*time.Second, "length of the load")
	queries := fs.String("queries", defaultLoadQueries, "comma-separated queries the clients send in turn; in the default mix, network-all (with betweenness) gives way to network-all-nobc where the server's bounds refuse it")
	cacheBytes := fs.Int64("response-cache", httpapi.DefaultResponseCacheBytes, "the server's response cache in bytes, as serve's --response-cache; 0 disables it, so that every request runs its query")
	heapTol := fs.Float64("heap-tolerance", 0.10, "allowed growth of the live heap after the load, as a fraction of the heap before")
	heapSlack := fs.Uint64("heap-slack", 1<<20, "allowed growth of the live heap in bytes, on top of --heap-tolerance")
	settle := fs.Duration("settle", 10*time.Second, "how long goroutines may take to return to the baseline after the clients stop")
	warmup := fs.Duration("warmup", 5*time.Second, "unmeasured load with all the clients before the heap is measured, so that the runtime reaches its high-water marks (goroutine records, pools)")
	heapprofile := fs.String("heapprofile", "", "write a heap profile taken after the load (and a GC) to this file")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *clients < 1 || *duration <= 0 || *heapTol < 0 || *cacheBytes < 0 {
		fmt.Fprintln(stderr, "famigraph-bench load: --clients and --duration must be positive, --heap-tolerance and --response-cache not negative")
		return 2
	}
	qs, err := queriesNamed(suffixOf(c.scale), *queries)
	if err != nil {
		fmt.Fprintf(stderr, "famigraph-bench load: %v\n", err)
		return 2
	}
	srv, err := c.serve(*cacheBytes, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "famigraph-bench load: %v\n", err)
		return 1
	}
	defer srv.close()

	// Warm the server (query cache, response cache, pools) and learn each
	// query's answer.
	prep := bench.NewDriver(srv.url+"/graphql", 1)
	if *queries == defaultLoadQueries {
		var note string
		qs, note, err = admitted(ctx, prep, qs, c.scale)
		if note != "" {
			fmt.Fprintln(stdout, note)
		}
	}
	var reqs []bench.Request
	if err == nil {
		reqs, err = prep.Prepare(ctx, qs)
	}
	prep.Close()
	if err != nil {
		fmt.Fprintf(stderr, "famigraph-bench load: %v\n", err)
		return 1
	}
	drv := bench.NewDriver(srv.url+"/graphql", *clients)
	warm := drv.Run(ctx, bench.Load{Clients: *clients, Duration: *warmup, Requests: reqs, RetryAfter: true}).Summary()
	drv.Close()
	goroutinesBefore, ok := settleGoroutines(ctx, -1, *settle)
	if !ok {
		fmt.Fprintln(stderr, "famigraph-bench load: goroutines did not settle after the warm-up")
	}
	heapBefore := bench.HeapAfterGC()

	fmt.Fprintf(stdout, "load: %d clients for %s on %v (scale %d, wait %s, response cache %s); warm-up %d requests, %d errors\n",
		*clients, *duration, queryNames(reqs), c.scale, c.wait, cacheDesc(*cacheBytes), warm.Requests, warm.Errors)
	peak := sampleGoroutines()
	// Only the summary is kept: the latencies recorded (8 bytes a request,
	// twice) would count as heap growth at the check below.
	res := drv.Run(ctx, bench.Load{Clients: *clients, Duration: *duration, Requests: reqs, RetryAfter: true}).Summary()
	peakGoroutines := peak()
	drv.Close()

	goroutinesAfter, settled := settleGoroutines(ctx, goroutinesBefore, *settle)
	heapAfter := bench.HeapAfterGC()
	heapLimit := uint64(float64(heapBefore)*(1+*heapTol)) + *heapSlack
	if *heapprofile != "" {
		if err := writeHeapProfile(*heapprofile); err != nil {
			fmt.Fprintf(stderr, "famigraph-bench load: %v\n", err)
		}
	}

	// The server still answers, and correctly.
	after := bench.NewDriver(srv.url+"/graphql", 1)
	_, finalErr := after.Prepare(ctx, qs)
	if finalErr == nil {
		finalErr = ready(ctx, after.Client, srv.url+"/readyz")
	}
	after.Close()

	fmt.Fprintf(stdout, "requests %d (%.0f/s), errors %d, valid responses differing from the first answer %d, refused as OVERLOADED %d\n",
		res.Requests, res.Throughput(), res.Errors, res.Differed, res.Refused)
	fmt.Fprintf(stdout, "latency all: p50 %s  p99 %s  max %s\n", ms(res.All.P50), ms(res.All.P99), ms(res.All.Max))
	for _, r := range reqs {
		l := res.ByName[r.Name]
		fmt.Fprintf(stdout, "  %-16s %7d requests  p50 %s  p99 %s  (%d bytes)\n", r.Name, l.N,
			ms(l.P50), ms(l.P99), len(r.Want))
	}
	fmt.Fprintf(stdout, "heap after GC: before %s, after %s (limit %s)\n", mib(heapBefore), mib(heapAfter), mib(heapLimit))
	fmt.Fprintf(stdout, "goroutines: baseline %d, peak %d, after %d\n", goroutinesBefore, peakGoroutines, goroutinesAfter)

	failed := false
	fail := func(format string, args ...any) {
		failed = true
		fmt.Fprintf(stdout, "FAIL: "+format+"\n", args...)
	}
	if res.Errors > 0 || warm.Errors > 0 {
		fail("%d failed requests", res.Errors+warm.Errors)
		for _, e := range append(warm.FirstErrs, res.FirstErrs...) {
			fmt.Fprintf(stdout, "  %s\n", e)
		}
	}
	if res.Requests == 0 {
		fail("no request completed")
	}
	if heapAfter > heapLimit {
		fail("live heap grew from %s to %s", mib(heapBefore), mib(heapAfter))
	}
	if !settled {
		fail("goroutines: %d after %s, baseline %d (a leak)", goroutinesAfter, *settle, goroutinesBefore)
	}
	if finalErr != nil {
		fail("after the load: %v", finalErr)
	}
	if ctx.Err() != nil {
		fail("interrupted")
	}
	if failed {
		return 1
	}
	fmt.Fprintln(stdout, "ok: zero errors, heap stable, goroutines back to baseline")
	return 0
}

// defaultLoadQueries is the load test's default mix: the heaviest
// legitimate queries.
const defaultLoadQueries = "map,network-all,network,paths,search,lineage,partners"

// fallbacks name, for a query of the default mix that the server's bounds
// may refuse (BAD_INPUT), the query a client would send instead.
var fallbacks = map[string]string{
	// Betweenness of the whole network is refused above
	// kg.MaxBetweennessNodes organizations (scale 12 and more).
	"network-all": "network-all-nobc",
}

// admitted asks the server each query of qs that has a fallback, and
// replaces the ones it refuses with BAD_INPUT by their fallback, saying so
// in note: the load test sends legitimate queries only.
func admitted(ctx context.Context, drv *bench.Driver, qs []bench.Query, scale int) ([]bench.Query, string, error) {
	out := slices.Clone(qs)
	var note string
	for i, q := range qs {
		alt, ok := fallbacks[q.Name]
		if !ok {
			continue
		}
		resp, err := drv.Do(ctx, q.Body())
		if err != nil || !bench.IsBadInput(resp) {
			continue // Prepare reports any other failure
		}
		aq, ok := bench.QueryNamed(bench.Queries(suffixOf(scale)), alt)
		if !ok {
			return nil, "", fmt.Errorf("no query %q", alt)
		}
		out[i] = aq
		note += fmt.Sprintf("note: %s is refused at scale %d (BAD_INPUT: %.160s); the mix sends %s instead\n",
			q.Name, scale, errorMessage(resp), alt)
	}
	return out, strings.TrimSuffix(note, "\n"), nil
}

// errorMessage returns the message of the first GraphQL error in body.
func errorMessage(body []byte) string {
	var r struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &r) != nil || len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Message
}

func writeHeapProfile(path string) error {
	f, err := createProfile(path, pprof.WriteHeapProfile)
	if err != nil {
		return err
	}
	return f.Close()
}

// createProfile creates the file path and starts a profile in it with
// start; the file is closed if start fails.
func createProfile(path string, start func(io.Writer) error) (*os.File, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func queryNames(reqs []bench.Request) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.Name)
	}
	return out
}

// settleGoroutines polls until the number of goroutines is at most target
// (or, with target -1, stops changing), for at most max. It returns the last
// count and whether it settled.
func settleGoroutines(ctx context.Context, target int, max time.Duration) (int, bool) {
	deadline := time.NewTimer(max)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	last, stable := runtime.NumGoroutine(), 0
	for {
		n := runtime.NumGoroutine()
		switch {
		case target >= 0 && n <= target:
			return n, true
		case target < 0 && n == last:
			if stable++; stable >= 20 { // unchanged for 200 ms
				return n, true
			}
		default:
			stable = 0
		}
		last = n
		select {
		case <-tick.C:
		case <-deadline.C:
			return n, false
		case <-ctx.Done():
			return n, false
		}
	}
}

// sampleGoroutines records the peak number of goroutines until the
// returned function is called; it returns the peak.
func sampleGoroutines() func() int {
	var mu sync.Mutex
	peak := runtime.NumGoroutine()
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				mu.Lock()
				peak = max(peak, runtime.NumGoroutine())
				mu.Unlock()
			}
		}
	}()
	return func() int {
		close(done)
		<-stopped
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

func ready(ctx context.Context, c *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("/readyz: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/readyz: HTTP %d", resp.StatusCode)
	}
	return nil
}
