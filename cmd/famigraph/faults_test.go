package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/famigraph/famigraph/graph"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/neo4jstore"
	"github.com/famigraph/famigraph/internal/neo4jtest"
)

// The fault tests run Neo4j servers of their own (tools/neo4j/neo4j.sh, named
// by FAMIGRAPH_NEO4J_SCRIPT: make test-neo4j sets it) and stop, kill and
// restart them under famigraph.

// TestMain lets the fault tests run famigraph as a process of its own (to
// kill it): the test binary, started with FAMIGRAPH_TEST_RUN_MAIN=1, is
// famigraph.
func TestMain(m *testing.M) {
	if os.Getenv("FAMIGRAPH_TEST_RUN_MAIN") == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
	}
	os.Exit(m.Run())
}

// famigraphProcess returns a command running famigraph with args and the
// environment env (NAME=value pairs) added to a minimal one.
func famigraphProcess(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	c := exec.Command(os.Args[0], args...)
	c.Env = append([]string{"FAMIGRAPH_TEST_RUN_MAIN=1", "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	return c
}

// envFrom turns NAME=value pairs into a getenv.
func envFrom(pairs []string, more ...string) func(string) string {
	m := map[string]string{}
	for _, p := range append(pairs, more...) {
		k, v, _ := strings.Cut(p, "=")
		m[k] = v
	}
	return func(k string) string { return m[k] }
}

// leaks are what no API response may hold: Cypher, driver messages,
// addresses, stack traces.
var leaks = regexp.MustCompile(`(?i)goroutine|panic|\.go:\d|MATCH |UNWIND |RETURN |cypher|neo4jerror|bolt|127\.0\.0\.1|connectivity|dial tcp`)

// serving is `famigraph serve` running in the test's process.
type serving struct {
	base   string
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan int
}

func startServe(t *testing.T, env func(string) string, args ...string) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &serving{logs: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		s.done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), pw, s.logs, env)
		pw.Close()
	}()
	t.Cleanup(cancel) // when no address comes too
	s.base = baseURL(t, pr, s.logs)
	t.Cleanup(func() {
		s.cancel()
		if code := <-s.done; code != 0 {
			t.Errorf("serve exited %d\n%s", code, s.logs.String())
		}
	})
	return s
}

// outcome is what one request got.
type outcome struct {
	status int
	code   string // the first error's extensions.code; "" for data
	body   []byte
	took   time.Duration
	err    error // transport error
	// The phases of the fault test the request began and ended in.
	began, ended int32
}

func (s *serving) ask(client *http.Client, query string) outcome {
	start := time.Now()
	body, _ := json.Marshal(map[string]string{"query": query})
	resp, err := client.Post(s.base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		return outcome{err: err, took: time.Since(start)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	o := outcome{status: resp.StatusCode, body: b, took: time.Since(start), err: err}
	var r struct {
		Errors []struct {
			Extensions struct{ Code string }
		}
	}
	if json.Unmarshal(b, &r) == nil && len(r.Errors) > 0 {
		o.code = r.Errors[0].Extensions.Code
	}
	return o
}

func (s *serving) ready(client *http.Client) int {
	resp, err := client.Get(s.base + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitReady polls /readyz until it answers want, and returns how long it
// took; it fails the test after limit.
func (s *serving) waitReady(t *testing.T, client *http.Client, want int, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		if s.ready(client) == want {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			t.Fatalf("/readyz did not answer %d within %v", want, limit)
		}
	}
	return 0
}

// failFast bounds a request while Neo4j is down: the connection timeout
// (3 s), and a margin.
const failFast = 5 * time.Second

// phaseNames name the phases of TestFaultNeo4jStopsUnderLoad.
var phaseNames = []string{"up", "stopping", "down", "recovering"}

// mapQueryForFaults is the map query, asked before the faults and after
// recovery.
const mapQueryForFaults = `{ regions { id name calls { id } projects { id title participants { role organization { id name } } } } }`

// loadQueries are the requests of the load: a search, a path, a page and a
// partner list, each answered from Neo4j.
var loadQueries = []string{
	`{ organization(id: "org:comune-porto-recanati") { id name participations { role project { id title } } } }`,
	`{ search(text: "comune", first: 20) { score node { id } } }`,
	`{ paths(from: "org:comune-porto-recanati", to: "org:ats-19-marche", relations: ["PARTICIPATES_IN"]) { length nodes { id } } }`,
	`{ organizations(filter: {kinds: [MUNICIPALITY]}, first: 20) { totalCount nodes { id name } } }`,
}

// TestFaultNeo4jStopsUnderLoad stops Neo4j (SIGTERM, then SIGKILL) while
// famigraph serve answers a bounded load from it: requests fail fast with
// UNAVAILABLE and leak nothing, /readyz turns 503 within seconds, and when
// Neo4j is back serving recovers, without restarting famigraph, with the
// same answers as before.
func TestFaultNeo4jStopsUnderLoad(t *testing.T) {
	srv := neo4jtest.StartServer(t, "")
	store := srv.Open(t)
	if _, err := store.Seed(t.Context(), kgtest.RealSeed(t), nil); err != nil {
		t.Fatal(err)
	}
	// The request timeout: generous, because a Neo4j just restarted plans
	// every statement anew, and on a busy machine that takes seconds.
	const timeout = 30 * time.Second
	s := startServe(t, envFrom(srv.Env()), "--timeout", timeout.String())
	client := &http.Client{Timeout: 3 * timeout} // a hang shows as a transport error
	s.waitReady(t, client, http.StatusOK, 30*time.Second)

	// What every query answers before the faults: the answers after
	// recovery must be the same.
	// A fresh Neo4j plans each statement the first time it sees it: on a
	// busy machine the first answers may come late, so warm up first.
	want := map[string][]byte{}
	for _, q := range append([]string{mapQueryForFaults}, loadQueries...) {
		var o outcome
		for try := 0; try < 5; try++ {
			if o = s.ask(client, q); o.err == nil && o.status == http.StatusOK && o.code == "" {
				break
			}
		}
		if o.err != nil || o.status != http.StatusOK || o.code != "" {
			t.Fatalf("before the fault: %v %d %.500s", o.err, o.status, o.body)
		}
		want[q] = o.body
	}

	for _, fault := range []struct {
		name string
		stop func()
	}{{"SIGTERM", srv.Stop}, {"SIGKILL", srv.Kill}} {
		t.Run(fault.name, func(t *testing.T) {
			// Bounded load: 3 clients, each one request at a time. Each
			// outcome records the phase it began and ended in.
			const (
				up = iota
				stopping
				down
				recovering
			)
			var (
				phase    atomic.Int32
				mu       sync.Mutex
				more     = sync.NewCond(&mu)
				served   int
				outcomes []outcome
				wrong    []string
				stopLoad = make(chan struct{})
				wg       sync.WaitGroup
			)
			waitServed := func(n int) {
				mu.Lock()
				defer mu.Unlock()
				for served < n {
					more.Wait()
				}
			}
			servedNow := func() int {
				mu.Lock()
				defer mu.Unlock()
				return served
			}
			for c := 0; c < 3; c++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := c; ; i++ {
						select {
						case <-stopLoad:
							return
						default:
						}
						q := loadQueries[i%len(loadQueries)]
						began := phase.Load()
						o := s.ask(client, q)
						o.began, o.ended = began, phase.Load()
						mu.Lock()
						outcomes = append(outcomes, o)
						if o.err == nil && o.code == "" && !bytes.Equal(o.body, want[q]) {
							wrong = append(wrong, fmt.Sprintf("%s: %.300s", q, o.body))
						}
						served++
						more.Broadcast()
						mu.Unlock()
					}
				}()
			}
			waitServed(20) // the load is running
			stopped := time.Now()
			phase.Store(stopping)
			fault.stop()
			phase.Store(down)
			t.Logf("Neo4j stopped with %s in %v", fault.name, time.Since(stopped).Round(time.Millisecond))
			unready := s.waitReady(t, client, http.StatusServiceUnavailable, 5*time.Second)
			t.Logf("/readyz 503 %v after Neo4j exited", unready.Round(time.Millisecond))
			// Let the load meet a stopped Neo4j for a while.
			waitServed(servedNow() + 30)
			restarted := time.Now()
			phase.Store(recovering)
			srv.Restart()
			back := s.waitReady(t, client, http.StatusOK, 60*time.Second)
			t.Logf("Neo4j restarted in %v; /readyz 200 %v later", time.Since(restarted).Round(time.Millisecond)-back.Round(time.Millisecond), back.Round(time.Millisecond))
			waitServed(servedNow() + 20)
			close(stopLoad)
			wg.Wait()

			codes := map[string]int{}
			var slowest time.Duration
			for _, o := range outcomes {
				if o.err != nil {
					t.Errorf("a request failed at the transport level (hung past %v?): %v", client.Timeout, o.err)
					continue
				}
				slowest = max(slowest, o.took)
				codes[o.code]++ // "" = answered
				if o.took > timeout+time.Second {
					t.Errorf("a request took %v, past the %v request timeout: %.200s", o.took, timeout, o.body)
				}
				switch {
				case o.began == down && o.ended == down && (o.code != graph.CodeUnavailable || o.took > failFast):
					// Neo4j is gone for the whole request: fail fast.
					t.Errorf("a request while Neo4j was down answered %q in %v, want %s within %v: %.300s",
						o.code, o.took, graph.CodeUnavailable, failFast, o.body)
				case o.code != "" && o.code != graph.CodeUnavailable && o.code != graph.CodeTimeout:
					// Around the stop and the restart a request may also
					// outlive its deadline (a cold Neo4j plans every
					// statement anew), never fail otherwise.
					t.Errorf("a request failed with %s: %.300s", o.code, o.body)
				}
				if o.code != "" {
					codes[fmt.Sprintf("%s while %s", o.code, phaseNames[o.began])]++
				}
				if leaks.Match(o.body) {
					t.Errorf("a response leaks internals: %.500s", o.body)
				}
			}
			t.Logf("%d requests: %v; slowest %v", len(outcomes), codes, slowest.Round(time.Millisecond))
			if codes[graph.CodeUnavailable] == 0 {
				t.Errorf("no request met the stopped Neo4j")
			}
			for _, w := range wrong {
				t.Errorf("a wrong answer: %s", w)
			}
			// After recovery every answer is the one from before, the map
			// query's included.
			for _, q := range append([]string{mapQueryForFaults}, loadQueries...) {
				o := s.ask(client, q)
				for try := 0; try < 5 && o.code == graph.CodeTimeout; try++ {
					o = s.ask(client, q) // still warming up
				}
				if w, ok := want[q]; !ok || !bytes.Equal(o.body, w) {
					t.Errorf("after recovery %s answers %.300s", q, o.body)
				}
			}
		})
	}
	if t.Failed() {
		t.Logf("serve's log:\n%s", s.logs.String())
	}
}

// graphCounts reads how many records and relationships Neo4j holds.
func graphCounts(t *testing.T, s *neo4jstore.Store) kg.Stats {
	t.Helper()
	st, err := s.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// watchStats reads the counts of the graph in a loop until stop is closed,
// and reports every count it saw that is neither before nor after.
func watchStats(t *testing.T, s *neo4jstore.Store, before, after kg.Stats, stop <-chan struct{}) (reads *atomic.Int64, wait func() []kg.Stats) {
	reads = &atomic.Int64{}
	var odd []kg.Stats
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			st, err := s.Stats(context.Background())
			if err != nil {
				continue // Neo4j down: nothing to see
			}
			reads.Add(1)
			if st != before && st != after {
				odd = append(odd, st)
			}
		}
	}()
	return reads, func() []kg.Stats { <-done; return odd }
}

// TestFaultSeedInterrupted interrupts seeding twice — Neo4j killed in the
// middle of the load, then `famigraph seed` killed in the middle — while a
// reader watches: the reader only ever sees the old graph or the new one,
// an interrupted load writes nothing, and running the seed again
// completes it. A broken seed directory writes nothing either.
func TestFaultSeedInterrupted(t *testing.T) {
	srv := neo4jtest.StartServer(t, "")
	store := srv.Open(t)
	old, full := kgtest.Fixture(t), kgtest.RealSeed(t)
	if _, err := store.Seed(t.Context(), old, nil); err != nil {
		t.Fatal(err)
	}
	before := kg.Stats{Nodes: len(old.Nodes), Edges: len(old.Edges)}
	after := kg.Stats{Nodes: len(full.Nodes), Edges: len(full.Edges)}
	seedDir := kgtest.SeedDir()

	t.Run("Neo4j killed", func(t *testing.T) {
		var once sync.Once
		_, err := store.Seed(t.Context(), full, func(p neo4jstore.Progress) {
			// The first batch is written, inside the transaction.
			once.Do(srv.Kill)
		})
		if err == nil {
			t.Fatal("the seed survived Neo4j's death")
		}
		t.Logf("seed with Neo4j killed: %v", err)
		srv.Restart()
		reader := srv.Open(t)
		if st := graphCounts(t, reader); st != before {
			t.Errorf("after the interrupted seed Neo4j holds %+v, want the old graph %+v", st, before)
		}
	})

	t.Run("famigraph seed killed", func(t *testing.T) {
		reader := srv.Open(t)
		stop := make(chan struct{})
		reads, odd := watchStats(t, reader, before, after, stop)
		cmd := famigraphProcess(t, srv.Env(), "seed", "--seed", seedDir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		killed := false
		for sc.Scan() {
			// "  nodes: 280/280": every node written, in the transaction;
			// relationships and deletions still to come.
			if strings.HasPrefix(sc.Text(), "  nodes: ") {
				if err := cmd.Process.Kill(); err != nil {
					t.Fatal(err)
				}
				killed = true
				break
			}
		}
		_ = cmd.Wait()
		if !killed {
			t.Fatalf("famigraph seed ended before it could be killed:\n%s", stderr.String())
		}
		if st := graphCounts(t, reader); st != before {
			t.Errorf("after famigraph seed was killed Neo4j holds %+v, want the old graph %+v", st, before)
		}

		// Run again: it completes, and the reader saw no graph in between.
		var stdout bytes.Buffer
		cmd = famigraphProcess(t, srv.Env(), "seed", "--seed", seedDir)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("seed again: %v\n%s%s", err, stdout.String(), stderr.String())
		}
		close(stop)
		if st := graphCounts(t, reader); st != after {
			t.Errorf("after seeding again Neo4j holds %+v, want %+v", st, after)
		}
		if o := odd(); len(o) > 0 {
			t.Errorf("a reader saw a half-seeded graph: %v", o)
		}
		t.Logf("the reader counted the graph %d times during the seeds", reads.Load())
		if reads.Load() < 2 {
			t.Errorf("the reader read %d times: the test proves nothing", reads.Load())
		}
	})

	t.Run("broken seed directory", func(t *testing.T) {
		broken := t.TempDir()
		err := os.CopyFS(broken, os.DirFS(seedDir))
		if err != nil {
			t.Fatal(err)
		}
		// Every project funded under a call that does not exist.
		p := filepath.Join(broken, "projects.yaml")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile(`call: "call:[a-z0-9-]+"`)
		if !re.Match(b) {
			t.Fatalf("%s names no call to break", p)
		}
		if err := os.WriteFile(p, re.ReplaceAll(b, []byte(`call: "call:does-not-exist"`)), 0o644); err != nil {
			t.Fatal(err)
		}
		reader := srv.Open(t)
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), []string{"seed", "--seed", broken}, &stdout, &stderr, envFrom(srv.Env())); code != 1 {
			t.Errorf("seed of a broken directory: exit %d, want 1", code)
		}
		if !strings.Contains(stderr.String(), "does-not-exist") {
			t.Errorf("the error does not name the problem: %s", stderr.String())
		}
		if st := graphCounts(t, reader); st != after {
			t.Errorf("a broken seed changed the graph: %+v, want %+v", st, after)
		}
	})
}

// TestFaultWrongCredentials: a wrong password and an unknown database give
// one clear line and a non-zero exit, from migrate, seed and serve's
// readiness.
func TestFaultWrongCredentials(t *testing.T) {
	srv := neo4jtest.StartServer(t, "s3cret-pw-1")
	seedDir := kgtest.SeedDir()
	for _, c := range []struct {
		name string
		env  []string
		want string
	}{
		{"wrong password", []string{"NEO4J_URI=" + srv.URI, "NEO4J_USER=neo4j", "NEO4J_PASSWORD=not-the-password"}, "authentication"},
		{"no password", []string{"NEO4J_URI=" + srv.URI, "NEO4J_USER=neo4j"}, "authentication"},
		{"unknown database", append(srv.Env(), "NEO4J_DATABASE=nope"), "database nope: the database does not exist"},
	} {
		for _, cmd := range [][]string{{"migrate"}, {"seed", "--seed", seedDir}} {
			t.Run(c.name+"/"+cmd[0], func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				start := time.Now()
				code := run(t.Context(), cmd, &stdout, &stderr, envFrom(c.env))
				msg := stderr.String()
				if code == 0 {
					t.Errorf("exit 0, want non-zero")
				}
				if strings.Count(msg, "\n") != 1 || !strings.Contains(strings.ToLower(msg), c.want) ||
					strings.Contains(msg, "not-the-password") || strings.Contains(msg, "s3cret") || strings.Contains(msg, "goroutine") {
					t.Errorf("stderr %q: want one line saying %q, without the password", msg, c.want)
				}
				if d := time.Since(start); d > 10*time.Second {
					t.Errorf("took %v", d)
				}
				t.Logf("exit %d: %s", code, strings.TrimSpace(msg))
			})
		}
	}
	// The right password works.
	var stdout, stderr bytes.Buffer
	// (A fresh server on a busy machine may take more than the default
	// connection timeout to answer its first query.)
	if code := run(t.Context(), []string{"migrate"}, &stdout, &stderr, envFrom(srv.Env(), "NEO4J_CONNECT_TIMEOUT=30s")); code != 0 {
		t.Errorf("migrate with the right password: exit %d: %s", code, stderr.String())
	}
}
