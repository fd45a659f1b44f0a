package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// closedPort returns a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestNeo4jCommandsNeedAURI(t *testing.T) {
	for _, cmd := range []string{"migrate", "seed"} {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), []string{cmd}, &stdout, &stderr, noenv); code != 2 {
			t.Errorf("%s without NEO4J_URI: exit %d, want 2", cmd, code)
		}
		if msg := stderr.String(); strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "NEO4J_URI is not set") {
			t.Errorf("%s without NEO4J_URI printed %q", cmd, msg)
		}
	}
}

func TestNeo4jCommandsFailFastWhenUnreachable(t *testing.T) {
	// The fixture, not the real seed: what is timed is giving up on Neo4j,
	// not validating (which takes seconds with -race on a busy machine).
	env := envOf(map[string]string{"NEO4J_URI": "bolt://" + closedPort(t), "NEO4J_PASSWORD": "s3cret-pw",
		"FAMIGRAPH_SEED": filepath.Join("..", "..", "internal", "kgtest", "testdata", "fixture")})
	for _, cmd := range []string{"migrate", "seed"} {
		var stdout, stderr bytes.Buffer
		start := time.Now()
		code := run(t.Context(), []string{cmd}, &stdout, &stderr, env)
		if code != 1 {
			t.Errorf("%s: exit %d, want 1", cmd, code)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s took %v to give up", cmd, d)
		}
		msg := stderr.String()
		if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "cannot reach Neo4j at bolt://127.0.0.1:") ||
			strings.Contains(msg, "s3cret-pw") || strings.Contains(msg, "goroutine") {
			t.Errorf("%s printed %q, want one line naming the URI", cmd, msg)
		}
	}
}

func TestSeedValidatesBeforeConnecting(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "funds.yaml"), []byte("- id: nope\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	env := envOf(map[string]string{"NEO4J_URI": "bolt://" + closedPort(t)})
	if code := run(t.Context(), []string{"seed", "--seed", dir}, &stdout, &stderr, env); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	msg := stderr.String()
	if !strings.Contains(msg, "nothing loaded") || strings.Contains(msg, "cannot reach") {
		t.Errorf("stderr %q: want the seed problems and no connection attempt", msg)
	}
}

// TestServeWithNeo4jDown starts the server against a Neo4j that does not
// answer: it serves, /readyz says 503, queries get UNAVAILABLE at once, and
// the logs mask the password.
func TestServeWithNeo4jDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr syncBuffer
	done := make(chan int, 1)
	env := envOf(map[string]string{"NEO4J_URI": "bolt://" + closedPort(t), "NEO4J_PASSWORD": "s3cret-pw"})
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, pw, &stderr, env)
		pw.Close()
	}()
	base := baseURL(t, pr, &stderr)

	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz: %d, want 503", resp.StatusCode)
	}
	start := time.Now()
	resp, err = http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"{ calls { id } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil || len(body.Errors) == 0 || body.Errors[0].Extensions["code"] != "UNAVAILABLE" ||
		strings.Contains(body.Errors[0].Message, "127.0.0.1") {
		t.Errorf("query while Neo4j is down: %+v (%v)", body, err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the query took %v to fail", d)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
	logs := stderr.String()
	if strings.Contains(logs, "s3cret-pw") || !strings.Contains(logs, "password=********") {
		t.Errorf("logs do not mask the password:\n%s", logs)
	}
}
