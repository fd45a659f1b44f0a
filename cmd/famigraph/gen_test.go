package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenCommand(t *testing.T) {
	seedDir := filepath.Join("..", "..", "seed")
	out := filepath.Join(t.TempDir(), "syn")
	var stdout, stderr bytes.Buffer
	if code := cmdGen([]string{"--scale", "2", "--rand-seed", "3", "--out", out, "--seed", seedDir}, &stdout, &stderr); code != 0 {
		t.Fatalf("gen: exit %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "638 records") {
		t.Errorf("gen output %q, want 638 records", stdout.String())
	}
	first, _ := os.ReadFile(filepath.Join(out, "projects.yaml"))
	stdout.Reset()
	if code := cmdValidate([]string{"--seed", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("validate: exit %d\n%s", code, stderr.String())
	}
	// Again with the same seed: the same bytes.
	if code := cmdGen([]string{"--scale", "2", "--rand-seed", "3", "--out", out, "--seed", seedDir}, &stdout, &stderr); code != 0 {
		t.Fatalf("gen again: exit %d\n%s", code, stderr.String())
	}
	if again, _ := os.ReadFile(filepath.Join(out, "projects.yaml")); !bytes.Equal(first, again) {
		t.Error("the same seed wrote different bytes")
	}

	for _, c := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no out", []string{"--scale", "2", "--seed", seedDir}, 2, "--out is required"},
		{"over the template", []string{"--out", seedDir, "--seed", seedDir}, 2, "--out is the template directory"},
		{"scale 0", []string{"--scale", "0", "--out", out, "--seed", seedDir}, 2, "scale must be between 1 and"},
		{"bad share", []string{"--share", "2", "--out", out, "--seed", seedDir}, 2, "--share must be between 0 and 1"},
		{"no template", []string{"--out", out, "--seed", filepath.Join(t.TempDir(), "none")}, 1, "is not a seed directory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := cmdGen(c.args, &stdout, &stderr); code != c.code || !strings.Contains(stderr.String(), c.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), c.code, c.msg)
			}
		})
	}
}
