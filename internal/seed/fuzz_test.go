package seed_test

import (
	"errors"
	"testing"
	"testing/fstest"

	"github.com/famigraph/famigraph/internal/seed"
)

// FuzzLoad feeds arbitrary bytes to the reader as one seed file: it must
// never panic, and it must either load a dataset or report problems that
// name the file.
func FuzzLoad(f *testing.F) {
	base := fstest.MapFS{}
	for _, name := range seed.FileNames {
		base[name] = fixtureFile(f, name)
	}
	for _, name := range []string{seed.ProjectsFile, seed.CallsFile, seed.RegionsFile} {
		f.Add(uint8(0), base[name].Data)
	}
	f.Add(uint8(3), []byte("- id: org:x\n  name: [\n"))
	f.Add(uint8(1), []byte("{a: 1}"))
	f.Add(uint8(2), []byte("- &a [*a]"))
	f.Add(uint8(4), []byte("- id: org:x\n  kind: ATS\n  name: x\n  sources: [{source: source:call-page, quote: q, confidence: HIGH}]\n"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		name := seed.FileNames[int(which)%len(seed.FileNames)]
		m := fstest.MapFS{}
		for k, v := range base {
			m[k] = v
		}
		m[name] = &fstest.MapFile{Data: data}
		ds, err := seed.Load(m)
		if err == nil {
			if ds == nil {
				t.Fatal("no dataset and no error")
			}
			return
		}
		var se *seed.Error
		if !errors.As(err, &se) || len(se.Problems) == 0 {
			t.Fatalf("error %v is not a list of problems", err)
		}
		for _, p := range se.Problems {
			if p.File == "" || p.Message == "" || p.Line < 0 {
				t.Fatalf("problem without a place: %+v", p)
			}
		}
	})
}

func fixtureFile(tb testing.TB, name string) *fstest.MapFile {
	tb.Helper()
	m := fixtureFS(tb)
	return m[name]
}
