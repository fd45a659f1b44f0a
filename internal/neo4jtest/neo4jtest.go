// Package neo4jtest is what tests that need a real Neo4j share: the store of
// the Neo4j that NEO4J_URI names, seeded for one test and wiped after it, and
// servers of their own (started, stopped, killed, restarted) for the fault
// tests, through tools/neo4j/neo4j.sh.
//
// Without NEO4J_URI (or FAMIGRAPH_NEO4J_SCRIPT for the fault tests) the tests
// skip, naming the variable. make test-neo4j sets FAMIGRAPH_REQUIRE_NEO4J=1,
// which turns every such skip into a failure.
package neo4jtest

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/neo4jstore"
)

// The environment the tests read.
const (
	// EnvURI names the Neo4j the tests use (with NEO4J_USER, NEO4J_PASSWORD,
	// NEO4J_DATABASE as for famigraph).
	EnvURI = "NEO4J_URI"
	// EnvWipe, set to 1, allows the tests to replace the famigraph records a
	// database already holds.
	EnvWipe = "FAMIGRAPH_TEST_NEO4J_WIPE"
	// EnvRequire, set to 1, makes a test fail where it would skip for want
	// of a Neo4j (make test-neo4j).
	EnvRequire = "FAMIGRAPH_REQUIRE_NEO4J"
	// EnvScript is the path of tools/neo4j/neo4j.sh, with which the fault
	// tests run Neo4j servers of their own.
	EnvScript = "FAMIGRAPH_NEO4J_SCRIPT"
)

// SkipMessage is why a test skips without NEO4J_URI.
const SkipMessage = "set NEO4J_URI (e.g. bolt://127.0.0.1:7687, plus NEO4J_USER/NEO4J_PASSWORD; make neo4j-up starts one) to run the tests against Neo4j"

// skip skips tb, or fails it when EnvRequire is set.
func skip(tb testing.TB, msg string) {
	tb.Helper()
	if os.Getenv(EnvRequire) == "1" {
		tb.Fatalf("%s=1 but: %s", EnvRequire, msg)
	}
	tb.Skip(msg)
}

// URI returns NEO4J_URI, skipping tb when it is not set.
func URI(tb testing.TB) string {
	tb.Helper()
	uri := os.Getenv(EnvURI)
	if uri == "" {
		skip(tb, SkipMessage)
	}
	return uri
}

// Config returns the store configuration of the environment's Neo4j,
// skipping tb when NEO4J_URI is not set. NEO4J_USER defaults to neo4j, as
// for famigraph; set it empty for a server without authentication.
func Config(tb testing.TB) neo4jstore.Config {
	tb.Helper()
	user, ok := os.LookupEnv("NEO4J_USER")
	if !ok {
		user = "neo4j"
	}
	return neo4jstore.Config{
		URI:          URI(tb),
		User:         user,
		Password:     os.Getenv("NEO4J_PASSWORD"),
		Database:     os.Getenv("NEO4J_DATABASE"),
		MaxRetryTime: 15 * time.Second, // a server may still be warming up
	}
}

// Env returns the NEO4J_* variables of the environment's Neo4j as
// NAME=value pairs, for a famigraph process the test runs.
func Env(tb testing.TB) []string {
	tb.Helper()
	c := Config(tb)
	out := []string{"NEO4J_URI=" + c.URI, "NEO4J_USER=" + c.User, "NEO4J_PASSWORD=" + c.Password}
	if c.Database != "" {
		out = append(out, "NEO4J_DATABASE="+c.Database)
	}
	return out
}

// guard serialises the tests of one process that use the shared database.
var guard sync.Mutex

// Open connects to the environment's Neo4j, migrates it, and checks that
// the test may overwrite it: a database that holds famigraph records is
// refused unless FAMIGRAPH_TEST_NEO4J_WIPE=1. Tests of one process that
// call Open run one at a time (go test -p 1 keeps packages apart).
//
// There is no CREATE DATABASE in Neo4j community, so the tests work in the
// configured database and clean up after themselves (see Seed).
func Open(tb testing.TB) *neo4jstore.Store {
	tb.Helper()
	cfg := Config(tb)
	guard.Lock()
	tb.Cleanup(guard.Unlock)
	return open(tb, cfg, true)
}

func open(tb testing.TB, cfg neo4jstore.Config, checkEmpty bool) *neo4jstore.Store {
	tb.Helper()
	s, err := neo4jstore.Open(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := s.Ping(ctx); err != nil {
		tb.Fatalf("cannot reach Neo4j at %s: %v", neo4jstore.RedactURI(cfg.URI), err)
	}
	if err := s.Migrate(ctx); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	if !checkEmpty {
		return s
	}
	st, err := s.Stats(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if st.Nodes > 0 && os.Getenv(EnvWipe) != "1" {
		tb.Fatalf("the database holds %d famigraph records, which the test would overwrite and delete: "+
			"point NEO4J_URI/NEO4J_DATABASE at a scratch database, or set %s=1", st.Nodes, EnvWipe)
	}
	return s
}

// Seed loads ds into s and deletes every famigraph record when the test
// ends.
func Seed(tb testing.TB, s *neo4jstore.Store, ds *kg.Dataset) *neo4jstore.SeedReport {
	tb.Helper()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if err := s.Wipe(ctx); err != nil {
			tb.Errorf("clean up Neo4j: %v", err)
		}
	})
	rep, err := s.Seed(context.Background(), ds, nil)
	if err != nil {
		tb.Fatalf("seed Neo4j: %v", err)
	}
	return rep
}

// Server is a Neo4j of the test's own, run by tools/neo4j/neo4j.sh in a
// temporary home: the fault tests stop, kill and restart it.
type Server struct {
	tb       testing.TB
	script   string
	home     string
	URI      string // bolt://127.0.0.1:PORT
	Password string // empty: authentication disabled
}

// StartServer starts a fresh Neo4j of the test's own and stops it when the
// test ends; password, if not empty, enables authentication (user neo4j).
// It skips tb, naming FAMIGRAPH_NEO4J_SCRIPT, when that is not set.
func StartServer(tb testing.TB, password string) *Server {
	tb.Helper()
	script := os.Getenv(EnvScript)
	if script == "" {
		skip(tb, "set "+EnvScript+" to tools/neo4j/neo4j.sh (make test-neo4j does) to run the tests that start and stop Neo4j")
	}
	srv := &Server{tb: tb, script: script, home: tb.TempDir(), Password: password}
	args := []string{}
	if password != "" {
		args = append(args, "--password", password)
	}
	srv.URI = srv.run("start", args...)
	tb.Cleanup(func() { srv.run("stop") })
	return srv
}

// Config returns the store configuration for the server.
func (s *Server) Config() neo4jstore.Config {
	c := neo4jstore.Config{URI: s.URI, MaxRetryTime: 15 * time.Second}
	if s.Password != "" {
		c.User, c.Password = "neo4j", s.Password
	}
	return c
}

// Env returns the NEO4J_* variables for a famigraph process using the
// server.
func (s *Server) Env() []string {
	c := s.Config()
	return []string{"NEO4J_URI=" + c.URI, "NEO4J_USER=" + c.User, "NEO4J_PASSWORD=" + c.Password}
}

// Open returns a migrated store over the server, closed when the test ends.
func (s *Server) Open(tb testing.TB) *neo4jstore.Store {
	tb.Helper()
	return open(tb, s.Config(), false)
}

// Stop stops the server with SIGTERM (a clean shutdown) and waits for it to
// exit.
func (s *Server) Stop() { s.run("stop") }

// Kill stops the server with SIGKILL.
func (s *Server) Kill() { s.run("kill") }

// Restart starts the stopped server again on the same port, with the same
// data, and waits until Bolt answers.
func (s *Server) Restart() {
	if uri := s.run("start", "--keep"); uri != s.URI {
		s.tb.Fatalf("restarted on %s, want %s", uri, s.URI)
	}
}

// run runs the script and returns the NEO4J_URI it printed, if any.
func (s *Server) run(cmd string, args ...string) string {
	s.tb.Helper()
	c := exec.Command(s.script, append([]string{cmd, "--home", s.home}, args...)...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		s.tb.Fatalf("neo4j.sh %s: %v\n%s%s", cmd, err, out.String(), errb.String())
	}
	var uri string
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "NEO4J_URI="); ok {
			uri = v
		}
	}
	return uri
}
