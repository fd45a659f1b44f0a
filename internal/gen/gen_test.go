package gen_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/famigraph/famigraph/internal/gen"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/seed"
)

var (
	tmplOnce  sync.Once
	tmplFiles *seed.Files
	tmplErr   error
)

// template reads the real seed once for the whole package.
func template(tb testing.TB) *seed.Files {
	tb.Helper()
	tmplOnce.Do(func() { tmplFiles, tmplErr = gen.Template(os.DirFS(kgtest.SeedDir())) })
	if tmplErr != nil {
		tb.Fatal(tmplErr)
	}
	return tmplFiles
}

func encode(tb testing.TB, opt gen.Options) map[string][]byte {
	tb.Helper()
	files, err := gen.Encode(template(tb), opt)
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

func TestDeterministic(t *testing.T) {
	a := encode(t, gen.Options{Scale: 2, RandSeed: 7})
	b := encode(t, gen.Options{Scale: 2, RandSeed: 7})
	c := encode(t, gen.Options{Scale: 2, RandSeed: 8})
	differs := false
	for _, name := range seed.FileNames {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s: two runs with seed 7 differ", name)
		}
		differs = differs || !bytes.Equal(a[name], c[name])
	}
	if !differs {
		t.Error("seeds 7 and 8 wrote the same bytes")
	}
}

// TestValid loads the output through the seed reader, from memory and from
// a directory, and checks that it is the template's size times the scale.
func TestValid(t *testing.T) {
	real := kgtest.RealSeed(t)
	for _, scale := range []int{1, 3} {
		t.Run(fmt.Sprintf("scale=%d", scale), func(t *testing.T) {
			opt := gen.Options{Scale: scale, RandSeed: 1}
			files := encode(t, opt)
			dir := t.TempDir()
			if err := gen.WriteDir(dir, files); err != nil {
				t.Fatal(err)
			}
			ds, err := seed.LoadDir(dir)
			if err != nil {
				t.Fatalf("scale %d does not validate: %v", scale, err)
			}
			if got, want := len(ds.Nodes), scale*len(real.Nodes); got != want {
				t.Errorf("scale %d: %d records, want %d", scale, got, want)
			}
			// Sharing bodies could merge two relationships into one; it does
			// not with this template, but allow a little.
			if got, want := len(ds.Edges), scale*len(real.Edges); got > want || float64(got) < 0.99*float64(want) {
				t.Errorf("scale %d: %d relationships, want about %d", scale, got, want)
			}
			direct, err := gen.Dataset(template(t), opt)
			if err != nil {
				t.Fatalf("Dataset: %v", err)
			}
			if len(direct.Nodes) != len(ds.Nodes) || len(direct.Edges) != len(ds.Edges) {
				t.Errorf("Dataset: %d records, %d relationships; through YAML %d, %d",
					len(direct.Nodes), len(direct.Edges), len(ds.Nodes), len(ds.Edges))
			}
			checkSynthetic(t, ds)
		})
	}
}

// checkSynthetic checks the markers: names, ids and the one source.
func checkSynthetic(t *testing.T, ds *kg.Dataset) {
	t.Helper()
	for _, n := range ds.Nodes {
		id := n.NodeID()
		if i := strings.LastIndex(id, gen.IDSuffix); i < 0 || strings.Trim(id[i+len(gen.IDSuffix):], "0123456789") != "" {
			t.Errorf("%s: id does not end in %s<copy>", id, gen.IDSuffix)
		}
		for field, text := range kg.SearchText(n) {
			if (field == "name" || field == "title") && !strings.HasPrefix(text, gen.Prefix+" ") {
				t.Errorf("%s: %s %q is not marked %s", id, field, text, gen.Prefix)
			}
		}
		for _, c := range sourcesOf(n) {
			if c.SourceID != gen.SourceID || c.Title != gen.SourceTitle || !strings.HasPrefix(c.Quote, gen.Prefix) {
				t.Errorf("%s: citation %+v is not the synthetic source", id, c)
			}
		}
	}
	for _, e := range ds.Edges {
		for _, c := range e.Sources {
			if c.SourceID != gen.SourceID {
				t.Errorf("%s: cites %s", e.Key(), c.SourceID)
			}
		}
	}
}

// sourcesOf returns every citation of a record: its own, its facts' and its
// discrepancies'.
func sourcesOf(n kg.Node) []kg.Citation {
	r := reflect.ValueOf(n).Elem().FieldByName("Record").Interface().(kg.Record)
	out := slices.Clone(r.Sources)
	for _, f := range r.Facts {
		out = append(out, f.Sources...)
	}
	for _, d := range r.Discrepancies {
		out = append(out, d.Sources...)
	}
	return out
}

// copyOf returns the copy number of a synthetic id.
func copyOf(id string) string { return id[strings.LastIndex(id, gen.IDSuffix)+len(gen.IDSuffix):] }

// TestCrossLinks checks that copies share partners: some bodies take part
// in projects of another copy, and no copy is an island.
func TestCrossLinks(t *testing.T) {
	ds, err := gen.Dataset(template(t), gen.Options{Scale: 3, RandSeed: 1})
	if err != nil {
		t.Fatal(err)
	}
	linked := map[[2]string]int{}
	for _, e := range ds.Edges {
		if e.Type == kg.RelParticipatesIn && kg.KindOf(e.From) == kg.KindOrg && copyOf(e.From) != copyOf(e.To) {
			linked[[2]string{copyOf(e.From), copyOf(e.To)}]++
		}
	}
	for _, k := range []string{"0", "1", "2"} {
		n := 0
		for pair, c := range linked {
			if pair[0] == k || pair[1] == k {
				n += c
			}
		}
		if n == 0 {
			t.Errorf("copy %s shares no partner with another copy: %v", k, linked)
		}
	}
	none, err := gen.Dataset(template(t), gen.Options{Scale: 3, RandSeed: 1, Share: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range none.Edges {
		if copyOf(e.From) != copyOf(e.To) {
			t.Fatalf("share -1: %s crosses copies", e.Key())
		}
	}
}

func TestOptions(t *testing.T) {
	for _, opt := range []gen.Options{{Scale: 0}, {Scale: gen.MaxScale + 1}, {Scale: 2, Share: 1.5}} {
		if _, err := gen.Generate(template(t), opt); err == nil {
			t.Errorf("%+v: no error", opt)
		}
	}
}

func TestWriteDirKeepsForeignFiles(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, seed.ProjectsFile)
	if err := os.WriteFile(real, []byte("# curated\n- id: project:x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := gen.WriteDir(dir, encode(t, gen.Options{Scale: 1, RandSeed: 1}))
	if err == nil || !strings.Contains(err.Error(), "not written by famigraph gen") {
		t.Fatalf("WriteDir over a curated file: %v", err)
	}
	if data, _ := os.ReadFile(real); string(data) != "# curated\n- id: project:x\n" {
		t.Error("the curated file was changed")
	}
	if _, err := os.Stat(filepath.Join(dir, seed.SourcesFile)); err == nil {
		t.Error("WriteDir wrote some files before refusing")
	}
	// Its own output it overwrites.
	dir = t.TempDir()
	for range 2 {
		if err := gen.WriteDir(dir, encode(t, gen.Options{Scale: 1, RandSeed: 1})); err != nil {
			t.Fatal(err)
		}
	}
}
