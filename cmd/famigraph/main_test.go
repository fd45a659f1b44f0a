package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/famigraph/famigraph/graph"
	"github.com/famigraph/famigraph/internal/httpapi"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func noenv(string) string { return "" }

// postQuery posts a GraphQL query to the server at base and decodes its
// answer into out.
func postQuery(t *testing.T, base, query string, out any) error {
	t.Helper()
	body, err := json.Marshal(map[string]string{"query": query})
	if err != nil {
		return err
	}
	resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

// baseURL reads the first line a server writes to r, which names its
// address, and returns the address; the rest of r is discarded. logs, when
// not nil, are shown if no address comes.
func baseURL(t *testing.T, r io.Reader, logs fmt.Stringer) string {
	t.Helper()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		if logs != nil {
			t.Fatalf("no address printed: %v\nlogs: %s", err, logs)
		}
		t.Fatalf("no address printed: %v", err)
	}
	go io.Copy(io.Discard, r)
	_, rest, ok := strings.Cut(line, "http://")
	if !ok {
		t.Fatalf("unexpected first line %q", line)
	}
	return "http://" + strings.TrimSuffix(strings.Fields(rest)[0], "/")
}

// TestServeEndToEnd starts the real server on a random port with the real
// seed, embedded and from its directory, queries it over HTTP and shuts it
// down gracefully, twice. The fast reader reads the whole real seed, so
// neither start uses a snapshot (internal/seed tests the snapshot with a
// seed that needs go-yaml).
func TestServeEndToEnd(t *testing.T) {
	for name, seedArgs := range map[string][]string{
		"embedded":  nil,
		"directory": {"--seed", filepath.Join("..", "..", "seed")},
	} {
		t.Run(name, func(t *testing.T) {
			snapshots := t.TempDir()
			for round, fromSnapshot := range []bool{false, false} {
				if log := serveOnce(t, snapshots, seedArgs...); !strings.Contains(log, fmt.Sprintf("from_snapshot=%v", fromSnapshot)) {
					t.Errorf("start %d: want from_snapshot=%v in the log:\n%s", round+1, fromSnapshot, log)
				}
			}
		})
	}
}

// serveOnce runs the server, queries it and stops it; it returns the log.
func serveOnce(t *testing.T, snapshots string, seedArgs ...string) string {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		args := append([]string{"serve", "--addr", "127.0.0.1:0", "--snapshot-dir", snapshots}, seedArgs...)
		done <- run(ctx, args, pw, &stderr, noenv)
		pw.Close()
	}()
	base := baseURL(t, pr, &stderr)

	for _, path := range []string{"/healthz", "/readyz", "/"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}

	var out struct {
		Data struct {
			Regions []struct{ ID string }
			Lineage []struct{ To struct{ ID string } }
		}
		Errors []any
	}
	err := postQuery(t, base, `{ regions { id } lineage(of: "call:avviso-1-2023") { to { id } } }`, &out)
	if err != nil || len(out.Errors) > 0 || len(out.Data.Regions) != 21 || len(out.Data.Lineage) != 3 {
		t.Errorf("POST /graphql: err %v, %+v", err, out)
	}
	resp, err := http.Get(base + "/graphql?query=" + "%7B%20calls%20%7B%20id%20%7D%20%7D")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"call:impact"`) {
		t.Errorf("GET /graphql = %s", b)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit status %d\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not shut down")
	}
	if !strings.Contains(stderr.String(), "stopped") {
		t.Errorf("no graceful shutdown in the log:\n%s", stderr.String())
	}
	return stderr.String()
}

func TestValidateCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"validate", "--seed", filepath.Join("..", "..", "seed")}, &stdout, &stderr, noenv); code != 0 {
		t.Fatalf("validate the real seed: exit %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "ok, 319 records") {
		t.Errorf("stdout = %q", stdout.String())
	}

	dir := t.TempDir()
	for _, name := range []string{"sources.yaml", "funds.yaml", "calls.yaml", "regions.yaml", "organizations.yaml", "projects.yaml", "places.yaml", "initiatives.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "internal", "kgtest", "testdata", "fixture", name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "projects.yaml" {
			b = bytes.Replace(b, []byte("region: region:beta"), []byte("region: region:gamma"), 1)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stdout.Reset()
	stderr.Reset()
	if code := run(context.Background(), []string{"validate", "--seed", dir}, &stdout, &stderr, noenv); code != 1 {
		t.Errorf("validate a broken seed: exit %d, want 1", code)
	}
	want := dir + "/projects.yaml:97: region: unknown reference region:gamma\n" + dir + ": 1 problem(s); nothing loaded\n"
	if stderr.String() != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr.String(), want)
	}

	// serve refuses a broken seed directory and serves nothing.
	stderr.Reset()
	if code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--seed", dir, "--snapshot-dir", ""}, &stdout, &stderr, noenv); code != 1 {
		t.Errorf("serve a broken seed: exit %d, want 1", code)
	}
}

func TestServeConfigErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"serve", "--addr", "nonsense"}, nil, `--addr "nonsense"`},
		{[]string{"serve", "--log-format", "xml"}, nil, "--log-format must be text or json"},
		{[]string{"serve", "--cors-origins", "example.org"}, nil, `"example.org" is not an http(s) origin`},
		{[]string{"serve"}, map[string]string{"FAMIGRAPH_TIMEOUT": "soon"}, `FAMIGRAPH_TIMEOUT="soon": want a duration`},
		{[]string{"frobnicate"}, nil, `unknown command "frobnicate"`},
	} {
		var stdout, stderr bytes.Buffer
		getenv := func(k string) string { return c.env[k] }
		if code := run(context.Background(), c.args, &stdout, &stderr, getenv); code != 2 {
			t.Errorf("%v: exit %d, want 2", c.args, code)
		}
		if !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: stderr %q, want it to contain %q", c.args, stderr.String(), c.want)
		}
	}
}

// blockingStore holds Calls until released, to keep a request in flight.
type blockingStore struct {
	kg.Store
	entered chan struct{}
	release chan struct{}
}

func (b *blockingStore) Calls(ctx context.Context) ([]*kg.Call, error) {
	close(b.entered)
	<-b.release
	return b.Store.Calls(ctx)
}

// TestShutdownFinishesInFlightRequests starts a request, asks the server to
// stop while the request waits in the store, and checks that the request
// still gets its answer and the server then exits cleanly.
func TestShutdownFinishesInFlightRequests(t *testing.T) {
	cfg, err := parseServe([]string{"--addr", "127.0.0.1:0", "--metrics=false", "--snapshot-dir", ""}, io.Discard, io.Discard, noenv)
	if err != nil {
		t.Fatal(err)
	}
	cfg.responseCache = 0 // the blocking store does not say it is immutable
	store := &blockingStore{Store: memstore.New(kgtest.Fixture(t)), entered: make(chan struct{}), release: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() {
		done <- serveStore(ctx, cfg, store, graph.LoaderConfig{}, logger, pw)
		pw.Close()
	}()
	url := baseURL(t, pr, nil) + "/graphql"

	type result struct {
		status int
		body   string
		err    error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.Post(url, "application/json", strings.NewReader(`{"query":"{ calls { id } }"}`))
		if err != nil {
			res <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		res <- result{status: resp.StatusCode, body: string(b)}
	}()
	<-store.entered
	cancel() // shutdown begins with the request in flight
	select {
	case code := <-done:
		t.Fatalf("server exited (%d) before the in-flight request finished", code)
	case r := <-res:
		t.Fatalf("request finished before it was released: %+v", r)
	case <-time.After(100 * time.Millisecond):
	}
	close(store.release)
	r := <-res
	if r.err != nil || r.status != 200 || !strings.Contains(r.body, "call:new") {
		t.Errorf("in-flight request: %+v", r)
	}
	if code := <-done; code != 0 {
		t.Errorf("exit status %d", code)
	}
}

// Over Neo4j the response cache is off by default, and asked for it is kept
// so that serving refuses it (server.Assemble) rather than drop it.
func TestResponseCacheDefaultOverNeo4j(t *testing.T) {
	for _, c := range []struct {
		uri  string
		args []string
		want int64
	}{
		{"", nil, httpapi.DefaultResponseCacheBytes},
		{"bolt://127.0.0.1:7687", nil, 0},
		{"bolt://127.0.0.1:7687", []string{"--response-cache", "1000"}, 1000},
	} {
		cfg, err := parseServe(c.args, io.Discard, io.Discard, envOf(map[string]string{"NEO4J_URI": c.uri}))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.responseCache != c.want {
			t.Errorf("NEO4J_URI=%q %v: response cache %d, want %d", c.uri, c.args, cfg.responseCache, c.want)
		}
	}
}

// The admission bound defaults to one request per processor on the embedded
// store and two over Neo4j; asked for, it is kept.
func TestMaxInFlightDefault(t *testing.T) {
	procs := httpapi.Processors()
	for _, c := range []struct {
		env  map[string]string
		args []string
		want int64
	}{
		{nil, nil, int64(procs)},
		{map[string]string{"NEO4J_URI": "bolt://127.0.0.1:7687"}, nil, int64(2 * procs)},
		{map[string]string{"NEO4J_URI": "bolt://127.0.0.1:7687"}, []string{"--max-in-flight", "3"}, 3},
		{map[string]string{"NEO4J_URI": "bolt://127.0.0.1:7687", "FAMIGRAPH_MAX_IN_FLIGHT": "5"}, nil, 5},
		{map[string]string{"FAMIGRAPH_MAX_IN_FLIGHT": "0"}, nil, 0},
	} {
		cfg, err := parseServe(c.args, io.Discard, io.Discard, envOf(c.env))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.maxInFlight != c.want {
			t.Errorf("%v %v: --max-in-flight %d, want %d", c.env, c.args, cfg.maxInFlight, c.want)
		}
	}
}
