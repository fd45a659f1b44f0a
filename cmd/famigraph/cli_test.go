package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/famigraph/famigraph/internal/seed"
	seedfiles "github.com/famigraph/famigraph/seed"
)

// raceEnabled is set when the tests run with -race (race_test.go), so that
// the binary built by TestBinaryOutsideRepository reuses the cached packages.
var raceEnabled bool

var seedDir = filepath.Join("..", "..", "seed")

// TestHelp requires every command to say what it does on -h, --help and
// 'famigraph help <command>', on stdout, with exit status 0.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr, noenv); code != 0 || stderr.Len() > 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
		for _, c := range commands {
			if !strings.Contains(stdout.String(), "  "+c.name+" ") {
				t.Errorf("%v: the usage does not list %s:\n%s", args, c.name, stdout.String())
			}
		}
	}
	for _, c := range commands {
		for _, args := range [][]string{{c.name, "-h"}, {c.name, "--help"}, {c.name, "-help"}, {"help", c.name}} {
			var stdout, stderr bytes.Buffer
			getenv := func(k string) string {
				// Help must not depend on the environment: not even on a
				// Neo4j that is not there or a seed that is broken.
				return map[string]string{"NEO4J_URI": "bolt://127.0.0.1:1", "FAMIGRAPH_SEED": "/nonexistent"}[k]
			}
			code := run(context.Background(), args, &stdout, &stderr, getenv)
			if code != 0 || stderr.Len() > 0 {
				t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
			}
			out := stdout.String()
			if !strings.HasPrefix(out, "Usage: famigraph "+c.name+" ") || !strings.Contains(out, strings.SplitN(c.help, "\n", 2)[0]) {
				t.Errorf("%v: stdout does not say what the command does:\n%s", args, out)
			}
			if c.name != "migrate" && !strings.Contains(out, "-seed") {
				t.Errorf("%v: no --seed flag in the help:\n%s", args, out)
			}
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"help", "frobnicate"}, &stdout, &stderr, noenv); code != 2 ||
		!strings.Contains(stderr.String(), `unknown command "frobnicate"`) {
		t.Errorf("help frobnicate: exit %d, stderr %q", code, stderr.String())
	}
	// A bad flag is an error, on stderr, with the usage.
	stderr.Reset()
	if code := run(context.Background(), []string{"validate", "--frobnicate"}, &stdout, &stderr, noenv); code != 2 ||
		!strings.Contains(stderr.String(), "Usage: famigraph validate") {
		t.Errorf("validate --frobnicate: exit %d, stderr %q", code, stderr.String())
	}
}

// TestEmbeddedSeed requires the embedded seed to be the seed directory, file
// for file, and to validate as it does.
func TestEmbeddedSeed(t *testing.T) {
	onDisk, err := os.ReadDir(seedDir)
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := fs.ReadDir(seedfiles.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(onDisk) != len(embedded) {
		t.Errorf("%d files in seed/, %d embedded", len(onDisk), len(embedded))
	}
	for _, e := range onDisk {
		want, err := os.ReadFile(filepath.Join(seedDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := fs.ReadFile(seedfiles.FS, e.Name()); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: the embedded copy differs (%v)", e.Name(), err)
		}
	}

	var fromDir, fromEmbed, stderr bytes.Buffer
	if code := run(context.Background(), []string{"validate", "--seed", seedDir}, &fromDir, &stderr, noenv); code != 0 {
		t.Fatalf("validate --seed: exit %d: %s", code, stderr.String())
	}
	if code := run(context.Background(), []string{"validate"}, &fromEmbed, &stderr, noenv); code != 0 {
		t.Fatalf("validate: exit %d: %s", code, stderr.String())
	}
	_, want, _ := strings.Cut(fromDir.String(), ": ok, ")
	if fromEmbed.String() != "embedded seed: ok, "+want {
		t.Errorf("validate the embedded seed: %q, want the directory's %q", fromEmbed.String(), want)
	}
}

// TestSeedFromEnvironment requires FAMIGRAPH_SEED to choose the seed of
// every command that reads one, and --seed to win over it.
func TestSeedFromEnvironment(t *testing.T) {
	// The real seed with one stray file.
	broken := t.TempDir()
	for _, name := range append(seed.FileNames, "notes.txt") {
		b, _ := os.ReadFile(filepath.Join(seedDir, name))
		if err := os.WriteFile(filepath.Join(broken, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := func(k string) string { return map[string]string{"FAMIGRAPH_SEED": broken}[k] }
	for _, args := range [][]string{
		{"validate"},
		{"version"},
		{"serve", "--addr", "127.0.0.1:0", "--snapshot-dir", ""},
		{"gen", "--out", filepath.Join(t.TempDir(), "out")},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr, env); code != 1 ||
			!strings.Contains(stderr.String(), "notes.txt: unknown file") {
			t.Errorf("%v with FAMIGRAPH_SEED=%s: exit %d, stderr %q", args, broken, code, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"validate", "--seed", seedDir}, &stdout, &stderr, env); code != 0 {
		t.Errorf("--seed does not win over FAMIGRAPH_SEED: exit %d, %s", code, stderr.String())
	}
}

func TestVersionCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"version", "--seed", seedDir}, &stdout, &stderr, noenv); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	ds, err := seed.LoadDir(seedDir)
	if err != nil {
		t.Fatal(err)
	}
	want := "famigraph " + binaryVersion() + "\ndataset " + ds.Version() + " (" + seedDir + "): " + summary(ds) + "\n"
	if stdout.String() != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout.String(), want)
	}
	if !strings.Contains(binaryVersion(), runtime.Version()) {
		t.Errorf("binaryVersion() = %q", binaryVersion())
	}
}

// TestBinaryOutsideRepository builds the binary, copies it to an empty
// directory and runs it there: it reports its version and serves the real
// data, which it carries.
func TestBinaryOutsideRepository(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	build := t.TempDir()
	args := []string{"build", "-o", filepath.Join(build, "famigraph"), "-ldflags", "-X main.version=v0.0.0-test"}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), append(args, ".")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir() // empty: no seed/, no go.mod
	bin := filepath.Join(dir, "famigraph")
	b, err := os.ReadFile(filepath.Join(build, "famigraph"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	// Nothing from the caller's environment chooses the data.
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "XDG_CACHE_HOME=" + filepath.Join(dir, "cache")}

	ds, err := seed.LoadDir(seedDir)
	if err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(bin, "version")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "famigraph v0.0.0-test (") ||
		!strings.Contains(string(out), "\ndataset "+ds.Version()+" (embedded seed): "+summary(ds)+"\n") {
		t.Errorf("famigraph version: %v\n%s", err, out)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd = exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Dir, cmd.Env = dir, env
	var logs syncBuffer
	cmd.Stderr = &logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	base := baseURL(t, stdout, &logs)

	var res struct {
		Data struct {
			Regions []struct{ ID string }
			Project *struct {
				Title string
				Lead  struct{ ID string }
			}
			Stats struct{ Nodes, Relationships int }
		}
		Errors []json.RawMessage
	}
	err = postQuery(t, base, `{ regions { id } project(id: "project:primm-2023") { title lead { id } } stats { nodes relationships } }`, &res)
	if err != nil || len(res.Errors) > 0 || len(res.Data.Regions) != 21 || res.Data.Project == nil ||
		res.Data.Project.Lead.ID != "region:marche" || res.Data.Stats.Nodes != len(ds.Nodes) || res.Data.Stats.Relationships != len(ds.Edges) {
		t.Errorf("POST /graphql: err %v, %+v", err, res)
	}

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve: %v\n%s", err, logs.String())
	}
	if !strings.Contains(logs.String(), "seed=\"embedded seed\"") {
		t.Errorf("the log does not say the embedded seed was served:\n%s", logs.String())
	}
}
