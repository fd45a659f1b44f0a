package seed_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/seed"
	seedfiles "github.com/famigraph/famigraph/seed"
)

// fixtureDir writes the fixture to a directory, with a zero amount that a
// snapshot must keep apart from a missing one.
func fixtureDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, f := range fixtureFS(t) {
		data := f.Data
		if name == seed.ProjectsFile {
			data = []byte(strings.Replace(string(data), "  region: region:alpha\n", "  region: region:alpha\n  budgetEUR: 0\n", 1))
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestSnapshot: a seed directory go-yaml has to read (the fixture has flow
// collections, outside the fast reader's subset) is read from its snapshot
// on the second load.
func TestSnapshot(t *testing.T) {
	for name, dir := range map[string]string{"fixture": fixtureDir(t)} {
		t.Run(name, func(t *testing.T) {
			want, err := seed.LoadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			cache := t.TempDir()
			first, hit, err := seed.LoadDirCached(dir, cache)
			if err != nil || hit || !reflect.DeepEqual(first, want) {
				t.Fatalf("first load: hit %v, err %v, equal %v", hit, err, reflect.DeepEqual(first, want))
			}
			again, hit, err := seed.LoadDirCached(dir, cache)
			if err != nil || !hit {
				t.Fatalf("second load: hit %v, err %v", hit, err)
			}
			if !reflect.DeepEqual(again, want) {
				t.Errorf("the snapshot does not give back the dataset")
			}
		})
	}
	dir, cache := fixtureDir(t), t.TempDir()
	ds, _, _ := seed.LoadDirCached(dir, cache)
	zero := false
	for _, n := range ds.Nodes {
		if p, ok := n.(*kg.Project); ok && p.BudgetEUR != nil && *p.BudgetEUR == 0 {
			zero = true
		}
	}
	if !zero {
		t.Fatal("the fixture lost its zero amount")
	}
	ds, hit, _ := seed.LoadDirCached(dir, cache)
	zero = false
	for _, n := range ds.Nodes {
		if p, ok := n.(*kg.Project); ok && p.BudgetEUR != nil && *p.BudgetEUR == 0 {
			zero = true
		}
	}
	if !hit || !zero {
		t.Errorf("snapshot hit %v: a zero amount came back as missing", hit)
	}

	// Any change to the files makes a new snapshot; a corrupt one is ignored.
	b, _ := os.ReadFile(filepath.Join(dir, seed.PlacesFile))
	os.WriteFile(filepath.Join(dir, seed.PlacesFile), append(b, []byte("\n# edited\n")...), 0o644)
	if _, hit, err := seed.LoadDirCached(dir, cache); hit || err != nil {
		t.Errorf("after an edit: hit %v, err %v", hit, err)
	}
	snaps, _ := filepath.Glob(filepath.Join(cache, "seed-*.json"))
	if len(snaps) != 1 {
		t.Fatalf("%d snapshots in the cache, want the newest only", len(snaps))
	}
	for _, bad := range []string{"{not json", "{}"} {
		os.WriteFile(snaps[0], []byte(bad), 0o600)
		if ds, hit, err := seed.LoadDirCached(dir, cache); hit || err != nil || ds == nil || len(ds.Nodes) == 0 {
			t.Errorf("with the snapshot %q: hit %v, err %v", bad, hit, err)
		}
	}
	// A cache directory others may write to is not used.
	shared := t.TempDir()
	os.Chmod(shared, 0o777)
	seed.LoadDirCached(dir, shared)
	if _, hit, _ := seed.LoadDirCached(dir, shared); hit {
		t.Errorf("a snapshot was used from a world-writable directory")
	}
	// Invalid seed files are refused, snapshot or not.
	os.WriteFile(filepath.Join(dir, seed.PlacesFile), []byte("- id: nonsense\n"), 0o644)
	if _, _, err := seed.LoadDirCached(dir, cache); err == nil {
		t.Errorf("an invalid seed directory loaded")
	}
}

// TestSnapshotEmbedded checks the snapshot cache with the seed embedded in
// the binary and with its directory: the fast reader reads the whole seed,
// so no snapshot is written or read, and the dataset is the seed
// directory's, to the version.
func TestSnapshotEmbedded(t *testing.T) {
	want, err := seed.LoadDir(kgtest.SeedDir())
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	for round := range 2 {
		ds, hit, err := seed.LoadCached(seedfiles.FS, cache)
		if err != nil || hit {
			t.Fatalf("load %d: hit %v, err %v", round+1, hit, err)
		}
		if !reflect.DeepEqual(ds, want) || ds.Version() != want.Version() {
			t.Errorf("load %d: the embedded dataset differs from the directory's (version %s, want %s)", round+1, ds.Version(), want.Version())
		}
		ds, hit, err = seed.LoadDirCached(kgtest.SeedDir(), cache)
		if err != nil || hit || !reflect.DeepEqual(ds, want) {
			t.Fatalf("load %d from the directory: hit %v, err %v, equal %v", round+1, hit, err, reflect.DeepEqual(ds, want))
		}
	}
	if snaps, _ := filepath.Glob(filepath.Join(cache, "seed-*")); len(snaps) > 0 {
		t.Errorf("snapshots written for a seed the fast reader reads: %v", snaps)
	}
}
