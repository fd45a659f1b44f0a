package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/famigraph/famigraph/internal/bench"
)

// TestMain runs the server process of `famigraph-bench overload` when this
// test binary is started as one (startServerProcess).
func TestMain(m *testing.M) {
	if os.Getenv(serverProcessEnv) != "" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestSmoke runs the commands briefly on the real seed: the benchmark and
// the load test themselves are `make bench-http` and `make loadtest`.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers and loads them")
	}
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"http", []string{"http", "--seed", "../../seed", "--clients", "2", "--duration", "200ms", "--rounds", "2", "--warmup", "50ms"},
			[]string{"servers each in a process of its own", "requests executed at once: 2", "round 2", "ratio cached/floor throughput", "ratio uncached/floor throughput"}},
		{"http in one process", []string{"http", "--in-process", "--net-http", "--max-in-flight", "-1", "--seed", "../../seed", "--clients", "2", "--duration", "200ms", "--rounds", "1", "--warmup", "50ms"},
			[]string{"servers in this process, with the clients; clients through net/http's client; requests executed at once: none", "round 1"}},
		{"load", []string{"load", "--seed", "../../seed", "--clients", "4", "--duration", "500ms", "--warmup", "100ms", "--queries", "lineage,paths,search"},
			[]string{"errors 0", "ok: zero errors, heap stable, goroutines back to baseline"}},
		{"load without the response cache", []string{"load", "--seed", "../../seed", "--clients", "4", "--duration", "300ms", "--warmup", "100ms", "--queries", "lineage,paths", "--response-cache", "0"},
			[]string{"response cache off", "ok: zero errors"}},
		{"overload", []string{"overload", "--seed", "../../seed", "--clients", "1,2", "--duration", "1s", "--warmup", "200ms", "--max-ratio", "1000", "--heap-slack", "67108864"},
			[]string{"each on its own connection", "the server in a process of its own", "server: CPU", "ok: every request answered"}},
		{"overload in one process", []string{"overload", "--in-process", "--net-http", "--seed", "../../seed", "--clients", "1,2", "--duration", "1s", "--warmup", "200ms", "--max-queue", "-1", "--max-ratio", "1000", "--heap-slack", "67108864"},
			[]string{"through net/http's client", "in this process, with the clients", "ok: every request answered"}},
		{"load at scale 2", []string{"load", "--seed", "../../seed", "--scale", "2", "--clients", "2", "--duration", "200ms", "--warmup", "100ms", "--queries", "partners"},
			[]string{"scale 2", "ok:"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), c.args, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
			}
			for _, w := range c.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, stdout.String())
				}
			}
		})
	}
}

// TestAdmitted checks that the load test's default mix gives way to
// network-all-nobc where the server refuses network-all (betweenness of more
// than kg.MaxBetweennessNodes organizations: scale 20), and keeps it where
// it is accepted.
func TestAdmitted(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a network 20 times the real one")
	}
	for _, c := range []struct {
		scale    int
		wantNote bool
		want     string
	}{{0, false, "network-all"}, {20, true, "network-all-nobc"}} {
		t.Run(fmt.Sprint("scale=", c.scale), func(t *testing.T) {
			cfg := common{seedDir: "../../seed", scale: c.scale, logLevel: "info"}
			d, err := cfg.load(io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			srv, err := cfg.startServer(d, 0, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.close()
			drv := bench.NewDriver(srv.url+"/graphql", 1)
			defer drv.Close()
			qs, err := queriesNamed(suffixOf(c.scale), "network-all,lineage")
			if err != nil {
				t.Fatal(err)
			}
			got, note, err := admitted(context.Background(), drv, qs, c.scale)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Name != c.want || got[1].Name != "lineage" {
				t.Errorf("mix %v, want %s then lineage", queryNamesOf(got), c.want)
			}
			if (note != "") != c.wantNote {
				t.Errorf("note %q", note)
			}
		})
	}
}

func queryNamesOf(qs []bench.Query) []string {
	var out []string
	for _, q := range qs {
		out = append(out, q.Name)
	}
	return out
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}, {"http", "--query", "nope", "--seed", "../../seed"},
		{"load", "--clients", "0"}, {"load", "--response-cache", "-1"}, {"http", "extra"}, {"http", "--query", "map,search", "--seed", "../../seed"}} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2\n%s", args, code, stderr.String())
		}
	}
}

// TestHelp requires -h to say what each command does and exit 0.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"http", "-h"}, {"load", "-h"}} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, &stdout, &stderr)
		out := stdout.String() + stderr.String()
		if code != 0 || !strings.Contains(out, "Usage:") || (len(args) == 2 && !strings.Contains(out, "Usage: famigraph-bench "+args[0]+" [flags]\n\n")) {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
}
