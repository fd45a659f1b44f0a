package bench_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/famigraph/famigraph/graph"
	"github.com/famigraph/famigraph/internal/bench"
	"github.com/famigraph/famigraph/internal/export"
	"github.com/famigraph/famigraph/internal/gen"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
	"github.com/famigraph/famigraph/internal/neo4jtest"
	"github.com/famigraph/famigraph/internal/seed"
)

var (
	scalesFlag = flag.String("bench.scales", "1,10,100", "comma-separated scales of the synthetic network (0: the real seed)")
	waitFlag   = flag.Duration("bench.wait", -1, "loaders' batching window (graph.LoaderConfig.Wait) for every store; default: each store's own")
)

// storeKinds are the stores the query benchmarks run on. Adding a store is
// one line here: a name, the loaders' batching window it is served with, and
// a function that returns the store holding a dataset (skipping with b.Skip
// when its database is not configured).
var storeKinds = []struct {
	name string
	wait time.Duration
	open func(b *testing.B, ds *kg.Dataset) kg.Store
}{
	{"memstore", 0, func(_ *testing.B, ds *kg.Dataset) kg.Store { return memstore.New(ds) }}, // as `famigraph serve`
	{"neo4j", 2 * time.Millisecond, openNeo4j},
}

// openNeo4j seeds the Neo4j of NEO4J_URI with ds for the benchmark's
// lifetime, as the Neo4j tests do (neo4jtest.Open, neo4jtest.Seed): it
// skips without NEO4J_URI, refuses a database that holds famigraph records
// unless FAMIGRAPH_TEST_NEO4J_WIPE=1, and deletes what it seeded afterwards.
func openNeo4j(b *testing.B, ds *kg.Dataset) kg.Store {
	s := neo4jtest.Open(b)
	neo4jtest.Seed(b, s, ds)
	return s
}

func scales(tb testing.TB) []int {
	var out []int
	for _, s := range strings.Split(*scalesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 || n > gen.MaxScale {
			tb.Fatalf("-bench.scales: %q is not a scale", s)
		}
		out = append(out, n)
	}
	return out
}

var (
	dsMu     sync.Mutex
	datasets = map[int]*kg.Dataset{}
)

// dataset returns the network at a scale, generated once per run, and the
// suffix of the ids the queries name.
func dataset(tb testing.TB, scale int) (*kg.Dataset, string) {
	tb.Helper()
	dsMu.Lock()
	defer dsMu.Unlock()
	suffix := bench.SyntheticSuffix
	if scale == 0 {
		suffix = ""
	}
	if ds, ok := datasets[scale]; ok {
		return ds, suffix
	}
	ds, _, err := bench.Dataset(kgtest.SeedDir(), scale)
	if err != nil {
		tb.Fatal(err)
	}
	datasets[scale] = ds
	return ds, suffix
}

// serve runs one request through h and returns the response body.
func serve(h http.Handler, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// BenchmarkQuery runs the core queries through the GraphQL handler (request
// decoding, execution, loaders, response encoding; no network), on each
// store and scale. Custom metrics: store calls per request (which must not
// grow with the scale) and response bytes.
func BenchmarkQuery(b *testing.B) {
	for _, sk := range storeKinds {
		b.Run(sk.name, func(b *testing.B) {
			wait := sk.wait
			if *waitFlag >= 0 {
				wait = *waitFlag
			}
			for _, scale := range scales(b) {
				// A store of its own per scale, closed (and on Neo4j
				// emptied) before the next scale's.
				b.Run(fmt.Sprintf("scale=%d", scale), func(b *testing.B) {
					benchQueries(b, scale, wait, sk.open)
				})
			}
		})
	}
}

func benchQueries(b *testing.B, scale int, wait time.Duration, open func(*testing.B, *kg.Dataset) kg.Store) {
	ds, suffix := dataset(b, scale)
	store := &bench.Counting{Store: open(b, ds)}
	h := graph.NewHandler(&kg.Service{Store: store}, graph.ServerConfig{Loaders: graph.LoaderConfig{Wait: wait}})
	for _, q := range bench.Queries(suffix) {
		b.Run(q.Name, func(b *testing.B) {
			body := q.Body()
			rec := serve(h, body)
			if rec.Code != http.StatusOK {
				b.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
			}
			if bench.IsBadInput(rec.Body.Bytes()) {
				// The server's bounds refuse it at this scale (betweenness
				// of the whole network above kg.MaxBetweennessNodes
				// organizations, or more than kg.MaxNetworkEdges links):
				// no client can ask it, so there is nothing to measure.
				b.Skipf("refused at scale %d (BAD_INPUT): %.300s", scale, rec.Body)
			}
			if err := bench.CheckGraphQL(rec.Body.Bytes()); err != nil {
				b.Fatal(err)
			}
			store.Reset()
			respBytes, n := 0, 0
			b.ReportAllocs()
			cpu := bench.CPUTime()
			for b.Loop() {
				respBytes += serve(h, body).Body.Len()
				n++
			}
			b.ReportMetric(float64(bench.CPUTime()-cpu)/float64(n), "cpu-ns/op")
			b.ReportMetric(float64(store.Count())/float64(n), "calls/op")
			b.ReportMetric(float64(respBytes)/float64(n), "resp-B/op")
		})
	}
}

// BenchmarkStoreLoad measures building the embedded store from a dataset,
// and reports the live heap the server keeps (dataset and indexes) per
// record and relationship.
func BenchmarkStoreLoad(b *testing.B) {
	for _, scale := range scales(b) {
		b.Run(fmt.Sprintf("scale=%d", scale), func(b *testing.B) {
			// The retained heap, measured on a dataset of its own.
			before := bench.HeapAfterGC()
			ds, _, err := bench.Dataset(kgtest.SeedDir(), scale)
			if err != nil {
				b.Fatal(err)
			}
			st := memstore.New(ds)
			after := bench.HeapAfterGC()
			items := len(ds.Nodes) + len(ds.Edges)
			runtime.KeepAlive(st)
			b.ResetTimer()
			b.ReportAllocs()
			for b.Loop() {
				memstore.New(ds)
			}
			b.ReportMetric(float64(after-before)/float64(items), "heap-B/item")
			b.ReportMetric(float64(items), "items")
		})
	}
}

var (
	dirsMu sync.Mutex
	dirs   = map[int]string{}
)

// seedDir writes the synthetic seed of a scale to a directory, once per
// run; scale 0 is the real seed.
func seedDir(b *testing.B, scale int) string {
	b.Helper()
	if scale == 0 {
		return kgtest.SeedDir()
	}
	dirsMu.Lock()
	defer dirsMu.Unlock()
	if d, ok := dirs[scale]; ok {
		return d
	}
	tmpl, err := bench.Template(kgtest.SeedDir())
	if err != nil {
		b.Fatal(err)
	}
	files, err := gen.Encode(tmpl, gen.Options{Scale: scale, RandSeed: 1})
	if err != nil {
		b.Fatal(err)
	}
	d, err := os.MkdirTemp("", fmt.Sprintf("famigraph-bench-scale%d-", scale))
	if err != nil {
		b.Fatal(err)
	}
	if err := gen.WriteDir(d, files); err != nil {
		b.Fatal(err)
	}
	dirs[scale] = d
	return d
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range dirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// BenchmarkStartupToReady measures what `famigraph serve` does before it
// answers /readyz, with its default flags: read the seed directory through
// its snapshot cache (seed.LoadDirCached), build the store, the GraphQL
// handler and the router, listen on loopback and answer the first
// GET /readyz. Four cases at each scale:
//   - cold: the first start over a seed directory (an empty snapshot
//     directory each time, created and removed off the clock): the fast
//     reader decodes the YAML (famigraph gen writes only what it reads),
//     then validation; no snapshot is written for such a seed;
//   - warm: a restart over the same files and snapshot directory: the
//     same work as cold;
//   - goyaml-cold: the same seed with a tab in a comment of each file, which
//     the fast reader leaves to go-yaml (as it would flow collections or
//     block scalars): go-yaml parses the YAML, then validation and the
//     snapshot's writing;
//   - goyaml-warm: its restart: hash the seed files and decode the
//     snapshot.
//
// Each reports the process's CPU time until ready (cpu-ns/op), which other
// processes on a shared machine disturb less than the wall time.
func BenchmarkStartupToReady(b *testing.B) {
	for _, scale := range scales(b) {
		for _, c := range []struct {
			name string
			dir  string
		}{{"", seedDir(b, scale)}, {"goyaml-", goYAMLSeedDir(b, scale)}} {
			b.Run(fmt.Sprintf("scale=%d/%scold", scale, c.name), func(b *testing.B) {
				b.ReportAllocs()
				var cpu time.Duration
				for b.Loop() {
					b.StopTimer()
					cache, err := os.MkdirTemp("", "famigraph-bench-snapshot-")
					if err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					cpu += startToReady(b, c.dir, cache, false)
					b.StopTimer()
					os.RemoveAll(cache)
					b.StartTimer()
				}
				b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
			})
			b.Run(fmt.Sprintf("scale=%d/%swarm", scale, c.name), func(b *testing.B) {
				cache := b.TempDir()
				if _, hit, err := seed.LoadDirCached(c.dir, cache); err != nil || hit {
					b.Fatalf("first start: hit %t, %v", hit, err)
				}
				b.ReportAllocs()
				var cpu time.Duration
				for b.Loop() {
					cpu += startToReady(b, c.dir, cache, c.name != "")
				}
				b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// goYAMLSeedDir is seedDir(scale) with a tab in a comment at the end of
// each file: the same records, which the fast reader leaves to go-yaml.
func goYAMLSeedDir(b *testing.B, scale int) string {
	b.Helper()
	src := seedDir(b, scale)
	dirsMu.Lock()
	defer dirsMu.Unlock()
	if d, ok := dirs[-1-scale]; ok {
		return d
	}
	d, err := os.MkdirTemp("", fmt.Sprintf("famigraph-bench-goyaml-scale%d-", scale))
	if err != nil {
		b.Fatal(err)
	}
	dirs[-1-scale] = d
	for _, name := range seed.FileNames {
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, "# read by go-yaml:\ta tab\n"...)
		if err := os.WriteFile(filepath.Join(d, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return d
}

// startToReady starts the server as serve does, with snapshots in cache,
// and waits for its first /readyz; the shutdown is off the clock. It fails
// unless the snapshot was used as wantHit says. It returns the process's
// CPU time until ready.
func startToReady(b *testing.B, dir, cache string, wantHit bool) time.Duration {
	cpu := bench.CPUTime()
	ds, hit, err := seed.LoadDirCached(dir, cache)
	if err != nil {
		b.Fatal(err)
	}
	if hit != wantHit {
		b.Fatalf("snapshot used: %t, want %t", hit, wantHit)
	}
	st := memstore.New(ds)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: bench.NewServer(st, bench.ServerConfig{}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get("http://" + ln.Addr().String() + "/readyz")
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("/readyz: %d", resp.StatusCode)
	}
	cpu = bench.CPUTime() - cpu
	b.StopTimer()
	client.CloseIdleConnections()
	srv.Shutdown(context.Background())
	b.StartTimer()
	return cpu
}

// BenchmarkExport writes the whole graph and the whole network (with
// communities; betweenness and closeness up to kg.MaxBetweennessNodes) in
// GraphML and as a CSV edge table, as GET /export/... does, from the
// embedded store.
func BenchmarkExport(b *testing.B) {
	for _, scale := range scales(b) {
		ds, _ := dataset(b, scale)
		svc := &kg.Service{Store: memstore.New(ds)}
		for _, r := range []export.Request{
			{What: export.WhatGraph, Format: export.FormatGraphML},
			{What: export.WhatGraph, Format: export.FormatCSV, Table: export.TableEdges},
			{What: export.WhatNetwork, Format: export.FormatGraphML},
		} {
			name := fmt.Sprintf("scale=%d/%s.%s", scale, r.What, r.Format)
			if r.Table != "" {
				name += "-" + r.Table
			}
			b.Run(name, func(b *testing.B) {
				var w countingWriter
				if err := export.Write(b.Context(), svc, &w, r); kg.ErrorCode(err) == kg.EINVALID {
					b.Skipf("refused at scale %d: %v", scale, err)
				} else if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				w = 0
				n := 0
				cpu := bench.CPUTime()
				for b.Loop() {
					if err := export.Write(b.Context(), svc, &w, r); err != nil {
						b.Fatal(err)
					}
					n++
				}
				b.ReportMetric(float64(bench.CPUTime()-cpu)/float64(n), "cpu-ns/op")
				b.ReportMetric(float64(w)/float64(n), "bytes/file")
				b.ReportMetric(float64(len(ds.Nodes)+len(ds.Edges)), "items")
			})
		}
	}
}

// countingWriter counts the bytes written to it.
type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
