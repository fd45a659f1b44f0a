package seed_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/famigraph/famigraph/internal/seed"
)

// TestDirectoryEntries requires every file of a seed directory to be loaded
// or refused by name: nothing is skipped without a word.
func TestDirectoryEntries(t *testing.T) {
	names := slices.Sorted(slices.Values(seed.FileNames)) // calls.yaml, funds.yaml, ..., sources.yaml
	only := "a seed directory holds only " + strings.Join(names, ", ") + ", README.md and embed.go (see seed/README.md)"
	if !strings.Contains(only, "only calls.yaml, funds.yaml, initiatives.yaml, organizations.yaml, places.yaml, projects.yaml, ") {
		t.Fatalf("the list of seed files: %s", only)
	}
	for _, c := range []struct {
		name  string
		extra map[string]*fstest.MapFile
		want  []string // problems; none means the directory loads
	}{
		{"README and embed.go are allowed", map[string]*fstest.MapFile{
			"README.md": {Data: []byte("# seed\n")}, "embed.go": {Data: []byte("package seed\n")}}, nil},
		{"unknown file", map[string]*fstest.MapFile{"notes.txt": {Data: []byte("to do\n")}},
			[]string{"notes.txt: unknown file: " + only}},
		{"new YAML file", map[string]*fstest.MapFile{"schools.yaml": {Data: []byte("- id: org:x\n")}},
			[]string{"schools.yaml: unknown file: " + only}},
		{"two files for one section", map[string]*fstest.MapFile{"projects.yml": {Data: []byte("[]\n")}},
			[]string{"projects.yml: another file for the records of projects.yaml, which are read from projects.yaml only: merge it into projects.yaml or remove it"}},
		{"a section's file in another case", map[string]*fstest.MapFile{"Calls.YAML": {Data: []byte("[]\n")}},
			[]string{"Calls.YAML: another file for the records of calls.yaml, which are read from calls.yaml only: merge it into calls.yaml or remove it"}},
		{"editor backup", map[string]*fstest.MapFile{"places.yaml~": {Data: []byte("[]\n")}},
			[]string{"places.yaml~: another file for the records of places.yaml, which are read from places.yaml only: merge it into places.yaml or remove it"}},
		{"hidden file", map[string]*fstest.MapFile{".DS_Store": {Data: []byte{0}}},
			[]string{".DS_Store: unknown file: " + only}},
		{"subdirectory", map[string]*fstest.MapFile{"old/projects.yaml": {Data: []byte("[]\n")}},
			[]string{"old/: a seed directory holds no subdirectories: " + only}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := fixtureFS(t)
			for k, v := range c.extra {
				m[k] = v
			}
			ds, err := seed.Load(m)
			if c.want == nil {
				if err != nil || ds == nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			wantProblems(t, ds, err, c.want)
		})
	}
}

// TestDirectoryEntriesWithOtherProblems reports a stray file together with
// the problems of the seed files, after them, and a missing seed file
// together with the file that was meant to be it.
func TestDirectoryEntriesWithOtherProblems(t *testing.T) {
	m := fixtureFS(t)
	m["projects.yml"] = m[seed.ProjectsFile]
	delete(m, seed.ProjectsFile)
	edit(t, m, seed.CallsFile, "budgetEUR: 31000000", "budgetEUR: -1")
	_, err := seed.Load(m)
	var se *seed.Error
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a *seed.Error", err)
	}
	var files []string
	for _, p := range se.Problems {
		files = append(files, p.File)
	}
	// calls.yaml (the amount), projects.yaml (missing), then projects.yml;
	// the records that referred to projects may add more, after these.
	if len(files) < 3 || files[0] != seed.CallsFile || !strings.Contains(strings.Join(files, " "), "projects.yaml") ||
		files[len(files)-1] != "projects.yml" {
		t.Errorf("problems in %v", files)
	}
}

// TestDirectoryEntriesCached checks that the snapshot cache does not let a
// stray file through: a directory whose dataset is cached is refused once a
// stray file appears in it, and a duplicated section is never served.
func TestDirectoryEntriesCached(t *testing.T) {
	dir, cache := fixtureDir(t), t.TempDir()
	if _, _, err := seed.LoadDirCached(dir, cache); err != nil {
		t.Fatal(err)
	}
	if _, hit, err := seed.LoadDirCached(dir, cache); err != nil || !hit {
		t.Fatalf("second load: hit %v, err %v", hit, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "projects.yml"), []byte("[]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ds, hit, err := seed.LoadDirCached(dir, cache)
	if ds != nil || hit || err == nil || !strings.Contains(err.Error(), "\nprojects.yml: another file for the records of projects.yaml") {
		t.Errorf("with projects.yml beside projects.yaml: dataset %v, hit %v, err %v", ds != nil, hit, err)
	}
}
