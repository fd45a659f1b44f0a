package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestSmoke runs both commands briefly on the real seed: the benchmark and
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
			[]string{"round 2", "ratio famigraph/floor throughput"}},
		{"load", []string{"load", "--seed", "../../seed", "--clients", "4", "--duration", "500ms", "--warmup", "100ms", "--queries", "lineage,paths,search"},
			[]string{"errors 0", "ok: zero errors, heap stable, goroutines back to baseline"}},
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

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}, {"http", "--query", "nope", "--seed", "../../seed"},
		{"load", "--clients", "0"}, {"http", "extra"}, {"http", "--query", "map,search", "--seed", "../../seed"}} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2\n%s", args, code, stderr.String())
		}
	}
}
