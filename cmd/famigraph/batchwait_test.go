package main

import (
	"io"
	"testing"
	"time"
)

// TestNeo4jBatchWait checks serve's loader window with Neo4j: its default,
// the flag, the environment, and the bounds.
func TestNeo4jBatchWait(t *testing.T) {
	for _, c := range []struct {
		args    []string
		env     string
		want    time.Duration
		wantErr bool
	}{
		{nil, "", defaultNeo4jBatchWait, false},
		{[]string{"--neo4j-batch-wait", "0"}, "", 0, false},
		{[]string{"--neo4j-batch-wait", "3ms"}, "", 3 * time.Millisecond, false},
		{nil, "5ms", 5 * time.Millisecond, false},
		{[]string{"--neo4j-batch-wait", "-1ms"}, "", 0, true},
		{[]string{"--neo4j-batch-wait", "2s"}, "", 0, true},
	} {
		cfg, err := parseServe(c.args, io.Discard, io.Discard, envOf(map[string]string{"FAMIGRAPH_NEO4J_BATCH_WAIT": c.env}))
		if c.wantErr {
			if err == nil {
				t.Errorf("%v: no error", c.args)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v (env %q): %v", c.args, c.env, err)
			continue
		}
		if cfg.neo4jBatchWait != c.want {
			t.Errorf("%v (env %q): %s, want %s", c.args, c.env, cfg.neo4jBatchWait, c.want)
		}
	}
}
