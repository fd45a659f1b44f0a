package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/famigraph/famigraph/internal/gen"
	seedfiles "github.com/famigraph/famigraph/seed"
)

// cmdGen writes a synthetic seed directory N times the size of the real one,
// for benchmarks and load tests, and validates what it wrote.
func cmdGen(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	flags := newFlags("gen", args, stdout, stderr)
	env := envDefaults{getenv: getenv}
	scale := flags.Int("scale", 1, fmt.Sprintf("copies of the template's network, 1 to %d", gen.MaxScale))
	out := flags.String("out", "", "directory to write the seed files to (required)")
	randSeed := flags.Uint64("rand-seed", 1, "random seed: the same seed writes the same bytes")
	share := flags.Float64("share", gen.DefaultShare, "probability that a body of a project is the same body of another copy (0 to 1)")
	var tmplDir string
	seedFlag(flags, &env, &tmplDir, "template: a real seed directory")
	if code, ok := parseFlags(flags, args, stderr); !ok {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "famigraph gen: --out is required")
		return 2
	}
	if *share < 0 || *share > 1 {
		fmt.Fprintln(stderr, "famigraph gen: --share must be between 0 and 1")
		return 2
	}
	if tmplDir != "" && same(*out, tmplDir) {
		fmt.Fprintln(stderr, "famigraph gen: --out is the template directory; choose another")
		return 2
	}
	opt := gen.Options{Scale: *scale, RandSeed: *randSeed, Share: *share}
	if *share == 0 {
		opt.Share = -1 // no sharing asked for explicitly
	}
	var tmplFS fs.FS = seedfiles.FS
	if tmplDir != "" {
		if info, err := os.Stat(tmplDir); err != nil || !info.IsDir() {
			fmt.Fprintf(stderr, "famigraph gen: --seed %s is not a seed directory\n", tmplDir)
			return 1
		}
		tmplFS = os.DirFS(tmplDir)
	}
	tmpl, err := gen.Template(tmplFS)
	if err != nil {
		fmt.Fprintf(stderr, "famigraph gen: %s: %v\n", seedLabel(tmplDir), err)
		return 1
	}
	files, err := gen.Encode(tmpl, opt)
	if err != nil {
		fmt.Fprintf(stderr, "famigraph gen: %v\n", err)
		return 2
	}
	if err := gen.WriteDir(*out, files); err != nil {
		fmt.Fprintf(stderr, "famigraph gen: %v\n", err)
		return 1
	}
	ds, err := loadSeed(*out, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "famigraph gen: the output does not validate (a bug in internal/gen)")
		return 1
	}
	fmt.Fprintf(stdout, "%s: scale %d, rand seed %d, %s\n", *out, *scale, *randSeed, summary(ds))
	return 0
}

// same reports whether two paths name the same directory.
func same(a, b string) bool {
	ai, err1 := os.Stat(a)
	bi, err2 := os.Stat(b)
	if err1 == nil && err2 == nil {
		return os.SameFile(ai, bi)
	}
	aa, err1 := filepath.Abs(a)
	ba, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == ba
}
