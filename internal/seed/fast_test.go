package seed_test

import (
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/famigraph/famigraph/internal/gen"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/seed"
)

// sameAsGoYAML fails unless the fast reader gives up on data or decodes it
// to exactly what go-yaml decodes it to; it reports whether it decoded.
func sameAsGoYAML(t *testing.T, name string, data []byte) bool {
	t.Helper()
	fast, ok := seed.FastDecodeFile(name, data)
	if !ok {
		return false
	}
	slow, ok := seed.GoYAMLDecodeFile(name, data)
	if !ok {
		t.Fatalf("%s: the fast reader decoded what go-yaml refuses:\n%s", name, data)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("%s: the fast reader decodes\n%s\nto\n%#v\ngo-yaml to\n%#v", name, data, fast, slow)
	}
	return true
}

// seedDirs are seed directories: the real seed, a synthetic network
// (which writes every scalar the way go-yaml's encoder does) and the test
// fixture (which has flow collections, outside the fast reader's subset).
func seedDirs(t *testing.T) map[string]fs.FS {
	t.Helper()
	tmpl, err := gen.Template(os.DirFS(kgtest.SeedDir()))
	if err != nil {
		t.Fatal(err)
	}
	files, err := gen.Encode(tmpl, gen.Options{Scale: 2, RandSeed: 7})
	if err != nil {
		t.Fatal(err)
	}
	synth := fstest.MapFS{}
	for name, b := range files {
		synth[name] = &fstest.MapFile{Data: b}
	}
	return map[string]fs.FS{"seed": os.DirFS(kgtest.SeedDir()), "fixture": kgtest.FixtureFS(), "synthetic": synth}
}

func TestFastDecodeMatchesGoYAML(t *testing.T) {
	for dir, fsys := range seedDirs(t) {
		for _, name := range seed.FileNames {
			data, err := fs.ReadFile(fsys, name)
			if err != nil {
				t.Fatal(err)
			}
			if !sameAsGoYAML(t, name, data) && dir != "fixture" {
				// The shortcut must cover what famigraph writes and ships,
				// or cold starts are slow again without any test failing.
				t.Errorf("%s/%s: the fast reader gave up", dir, name)
			}
		}
	}
}

// TestFastLoadSameDataset: the dataset Load builds (through the fast
// reader) is the one go-yaml's reading builds, to the dataset version.
func TestFastLoadSameDataset(t *testing.T) {
	for dir, fsys := range seedDirs(t) {
		ds, err := seed.Load(fsys)
		if err != nil {
			t.Fatal(err)
		}
		files, docs, problems := seed.Read(fsys)
		slow, more := seed.Build(files, docs)
		if len(problems)+len(more) > 0 {
			t.Fatalf("%s: %v %v", dir, problems, more)
		}
		if ds.Version() != slow.Version() || !reflect.DeepEqual(ds, slow) {
			t.Errorf("%s: version %s through the fast reader, %s through go-yaml", dir, ds.Version(), slow.Version())
		}
	}
}

// fastCases are records in and around the fast reader's subset; want says
// whether it must read them (false: it must give up, and go-yaml reads
// them, refuses them, or reads them in a way the shortcut does not copy).
var fastCases = []struct {
	yaml string
	want bool
}{
	{"# only a comment\n", true},
	{"", true},
	{"- id: org:a\n  name: A\n", true},
	{"  - id: org:a\n    name: A\n", true},
	{"-   id: org:a\n    name: A\n", true},
	{"- id: \"org:a\"   # a comment\n  name: 'l''Aquila'\n", true},
	{"- id: org:a # a comment\n  name: A#1\n", true},
	{"- id: org:a\n\n  # between keys\n  name: A\n# after\n", true},
	{"- id: org:a\n  name: \"say \\\"hi\\\" \\\\ \\/ \\n \\t\"\n", true},
	{"- id: org:a\n  name: Centri per l'Impiego, \"Regione\" 3/4\n", true},
	{"- id: org:a\n  name: 2018-2020\n  typeLabel: 09\n  website: 42\n", true},
	{"- id: org:a\n  group: {}\n", true},
	{"- id: org:a\n  group:\n    declaredSize: 3\n    members:\n      - org: org:b\n        sources:\n          - source: s\n            quote: q\n", true},
	{"- id: org:a\n  aliases:\n    - org:b\n    - \"org:c\"\n", true},
	{"- id: org:a\n  sources: []\n", false},
	{"- id: org:a\n  name: 1.50\n", false},
	{"- id: org:a\n  name: 042\n", false},
	{"- id: org:a\n  name: 0x1F\n", false},
	{"- id: org:a\n  name: +5\n", false},
	{"- id: org:a\n  name: null\n", false},
	{"- id: org:a\n  name: ~\n", false},
	{"- id: org:a\n  name: true\n", false},
	{"- id: org:a\n  name: yes\n", true},
	{"- id: org:a\n  name:\n", false},
	{"- id: org:a\n  name: a\n    b\n", false},
	{"- id: org:a\n  name: \"a\n    b\"\n", false},
	{"- id: org:a\n  name: |\n    a\n", false},
	{"- id: org:a\n  name: >\n    a\n", false},
	{"- id: org:a\n  name: &x a\n", false},
	{"- id: org:a\n  name: !!str a\n", false},
	{"- id: org:a\n  name: \"\\u00e0\"\n", false},
	{"- id: org:a\n  name: [a]\n", false},
	{"- id: org:a\n  name: a: b\n", false},
	{"- id: org:a\n  name: a\n  name: b\n", false},
	{"- id: org:a\n  nmae: a\n", false},
	{"- id: org:a\n\tname: a\n", false},
	{"- id: org:a\r\n  name: a\r\n", false},
	{"- id: org:a\n  name: \"a\x01b\"\n", false},
	{"\xef\xbb\xbf- id: org:a\n", false},
	{"---\n- id: org:a\n", false},
	{"- id: org:a\n---\n- id: org:b\n", false},
	{"- id: org:a\n  name: a\n - id: org:b\n", false},
	{"- id: org:a\n   name: a\n", false},
	{"- id: org:a\n  aliases:\n  - org:b\n", false},
	{"-\n  id: org:a\n", false},
	{"id: org:a\n", false},
}

func TestFastDecodeCases(t *testing.T) {
	for i, c := range fastCases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			if got := sameAsGoYAML(t, seed.OrganizationsFile, []byte(c.yaml)); got != c.want {
				t.Errorf("fast reader read %t, want %t:\n%s", got, c.want, c.yaml)
			}
		})
	}
}

// FuzzFastDecode: whatever the fast reader accepts, go-yaml decodes to the
// same records.
func FuzzFastDecode(f *testing.F) {
	for _, c := range fastCases {
		f.Add(uint8(4), []byte(c.yaml))
	}
	for i, name := range seed.FileNames {
		data, err := fs.ReadFile(kgtest.FixtureFS(), name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), data)
	}
	f.Add(uint8(3), []byte("- id: region:x\n  centroid:\n    lat: 41.5\n    lon: -12\n  specialStatute: false\n"))
	f.Add(uint8(2), []byte("- id: call:x\n  budgetEUR: 1000000\n  maxDurationMonths: 36\n  declared:\n    regions: 21\n"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		name := seed.FileNames[int(which)%len(seed.FileNames)]
		if strings.Count(string(data), "\n") > 200 {
			return
		}
		sameAsGoYAML(t, name, data)
	})
}
