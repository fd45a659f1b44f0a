package main

import (
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/seed"
	seedfiles "github.com/famigraph/famigraph/seed"
)

func cmdValidate(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	dir, code, ok := parseSeedCommand("validate", args, stdout, stderr, getenv, "seed directory to validate")
	if !ok {
		return code
	}
	ds, err := loadSeed(dir, stderr)
	if err != nil {
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok, %s\n", seedLabel(dir), summary(ds))
	return 0
}

// seedLabel names a seed for messages: its directory, or the embedded seed.
func seedLabel(dir string) string {
	if dir == "" {
		return "embedded seed"
	}
	return dir
}

// loadSeed reads the seed directory dir ("" for the seed embedded in the
// binary) and prints every problem it has.
func loadSeed(dir string, stderr io.Writer) (*kg.Dataset, error) {
	ds, _, err := loadSeedCached(dir, "", stderr)
	return ds, err
}

// loadSeedCached is loadSeed with a snapshot cache in cacheDir ("" for
// none); it reports whether the dataset came from a snapshot.
func loadSeedCached(dir, cacheDir string, stderr io.Writer) (*kg.Dataset, bool, error) {
	var (
		ds  *kg.Dataset
		hit bool
		err error
	)
	if dir == "" {
		ds, hit, err = seed.LoadCached(seedfiles.FS, cacheDir)
	} else {
		ds, hit, err = seed.LoadDirCached(dir, cacheDir)
	}
	label := seedLabel(dir)
	var se *seed.Error
	switch {
	case errors.As(err, &se):
		for _, p := range se.Problems {
			fmt.Fprintf(stderr, "%s/%s\n", label, p)
		}
		fmt.Fprintf(stderr, "%s: %d problem(s); nothing loaded\n", label, len(se.Problems))
	case err != nil:
		fmt.Fprintf(stderr, "famigraph: %v\n", err)
	}
	return ds, hit, err
}

// summary counts a dataset's records by kind and its relationships.
func summary(ds *kg.Dataset) string {
	byKind := map[kg.Kind]int{}
	for _, n := range ds.Nodes {
		byKind[kg.KindOf(n.NodeID())]++
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	s := fmt.Sprintf("%d records (", len(ds.Nodes))
	for i, k := range kinds {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %d", k, byKind[kg.Kind(k)])
	}
	return s + fmt.Sprintf("), %d relationships", len(ds.Edges))
}
