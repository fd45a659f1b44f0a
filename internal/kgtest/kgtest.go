// Package kgtest is the conformance suite every kg.Store must pass: the same
// questions, the same answers, including order, nulls, pagination
// boundaries, not-found and cancellation.
package kgtest

import (
	"context"
	"embed"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/famigraph/famigraph/internal/gen"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/seed"
)

//go:embed testdata/fixture/*.yaml
var fixtureFiles embed.FS

// FixtureFS is a small seed directory whose every answer the suite knows.
func FixtureFS() fs.FS {
	sub, err := fs.Sub(fixtureFiles, "testdata/fixture")
	if err != nil {
		panic(err)
	}
	return sub
}

// Fixture loads the fixture dataset.
func Fixture(tb testing.TB) *kg.Dataset {
	tb.Helper()
	return load(tb, "fixture", func() (*kg.Dataset, error) { return seed.Load(FixtureFS()) })
}

// SeedDir is the path of the repository's seed directory.
func SeedDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "seed")
}

// RealSeed loads the repository's seed directory.
func RealSeed(tb testing.TB) *kg.Dataset {
	tb.Helper()
	return load(tb, "seed", func() (*kg.Dataset, error) { return seed.LoadDir(SeedDir()) })
}

// Scaled generates the synthetic network scale times the real seed (rand
// seed 1: the networks make bench-scale measures).
func Scaled(tb testing.TB, scale int) *kg.Dataset {
	tb.Helper()
	return load(tb, "a synthetic network", func() (*kg.Dataset, error) {
		tmpl, err := gen.Template(os.DirFS(SeedDir()))
		if err != nil {
			return nil, err
		}
		return gen.Dataset(tmpl, gen.Options{Scale: scale, RandSeed: 1})
	})
}

// load returns the dataset a loader reads, and fails the test when it
// cannot.
func load(tb testing.TB, what string, loader func() (*kg.Dataset, error)) *kg.Dataset {
	tb.Helper()
	ds, err := loader()
	if err != nil {
		tb.Fatalf("load %s: %v", what, err)
	}
	return ds
}

// Factory returns a store holding ds, fresh for the test; it registers its
// own clean-up with t.
type Factory func(t *testing.T, ds *kg.Dataset) kg.Store

// Run runs the whole suite against the stores open makes.
func Run(t *testing.T, open Factory) {
	t.Run("fixture", func(t *testing.T) {
		ds := Fixture(t)
		s := open(t, ds)
		runFixture(t, s, ds)
	})
	t.Run("seed", func(t *testing.T) {
		ds := RealSeed(t)
		s := open(t, ds)
		RunParity(t, s, ds)
	})
}

func ctx(t *testing.T) context.Context {
	return t.Context()
}
