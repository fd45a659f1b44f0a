package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/seed"
)

func cmdValidate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("seed", "seed", "seed directory")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ds, err := loadSeed(*dir, stderr)
	if err != nil {
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok, %s\n", *dir, summary(ds))
	return 0
}

// loadSeed reads the seed directory and prints every problem it has.
func loadSeed(dir string, stderr io.Writer) (*kg.Dataset, error) {
	ds, _, err := loadSeedCached(dir, "", stderr)
	return ds, err
}

// loadSeedCached is loadSeed with a snapshot cache in cacheDir ("" for
// none); it reports whether the dataset came from a snapshot.
func loadSeedCached(dir, cacheDir string, stderr io.Writer) (*kg.Dataset, bool, error) {
	ds, hit, err := seed.LoadDirCached(dir, cacheDir)
	var se *seed.Error
	switch {
	case errors.As(err, &se):
		for _, p := range se.Problems {
			fmt.Fprintf(stderr, "%s/%s\n", dir, p)
		}
		fmt.Fprintf(stderr, "%s: %d problem(s); nothing loaded\n", dir, len(se.Problems))
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
