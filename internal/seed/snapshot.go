package seed

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing/fstest"

	"github.com/famigraph/famigraph/internal/kg"
)

// A snapshot is the validated dataset of a seed directory, kept in a cache
// directory so that a restart over the same files skips parsing and
// validation. It is written only for a seed directory that go-yaml had to
// read (some file outside the fast reader's subset, fast.go): decoding the
// snapshot costs about what the fast reader and the validation cost
// together (docs/benchmarks.md, "Issue 13 item 5"), while go-yaml costs ten
// times more. Its name is a hash of the seed files' bytes, of the shape of
// the domain types and of the running program itself: a change to the data
// or to any code that reads, validates or derives it makes a new snapshot,
// so a stale one is never read. It is JSON, which keeps a pointer to zero
// (an amount of 0) apart from a missing value, as gob would not.

// LoadDirCached is LoadDir with a snapshot cache in cacheDir ("" disables
// it). It reports whether the dataset came from a snapshot. A snapshot that
// cannot be read or written, or a cache directory others may write to, is
// ignored: the cache only ever saves time.
func LoadDirCached(dir, cacheDir string) (*kg.Dataset, bool, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, false, fmt.Errorf("seed directory: %w", err)
	}
	if !info.IsDir() {
		return nil, false, fmt.Errorf("seed directory: %s is not a directory", dir)
	}
	return LoadCached(os.DirFS(dir), cacheDir)
}

// LoadCached is Load with a snapshot cache in cacheDir ("" disables it), for
// a seed directory on disk or embedded in the binary alike. It reports
// whether the dataset came from a snapshot.
func LoadCached(fsys fs.FS, cacheDir string) (*kg.Dataset, bool, error) {
	if cacheDir == "" || len(checkEntries(fsys)) > 0 {
		ds, err := Load(fsys) // reports every problem, the directory's entries included
		return ds, false, err
	}
	// Read the files once: the bytes hashed are the bytes validated.
	files := fstest.MapFS{}
	for _, name := range FileNames {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			ds, err := Load(fsys) // reports the missing file as Load does
			return ds, false, err
		}
		files[name] = &fstest.MapFile{Data: b}
	}
	// A directory the fast reader reads whole needs no snapshot.
	if f, ok := readFast(files); ok {
		docs := Docs{}
		for _, name := range FileNames {
			docs[name] = nil
		}
		if ds, more := Build(f, docs); len(more) == 0 {
			return ds, false, nil
		}
	}
	key, ok := snapshotKey(files)
	if !ok || !privateDir(cacheDir) {
		ds, err := Load(files)
		return ds, false, err
	}
	path := filepath.Join(cacheDir, "seed-"+key+".json")
	if ds, err := readSnapshot(path); err == nil {
		return ds, true, nil
	}
	ds, err := Load(files)
	if err != nil {
		return nil, false, err
	}
	_ = writeSnapshot(cacheDir, path, ds)
	return ds, false, nil
}

// snapshotKey hashes the seed files, the shape of the domain types and the
// running executable; it reports false when the executable cannot be read.
func snapshotKey(files fstest.MapFS) (string, bool) {
	prog, ok := programHash()
	if !ok {
		return "", false
	}
	h := sha256.New()
	fmt.Fprintf(h, "famigraph seed snapshot 2\n%s\n%s\n", prog, typeShape())
	for _, name := range FileNames {
		b := files[name].Data
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), true
}

// programHash is the hash of the running executable, computed once.
var programHash = sync.OnceValues(func() (string, bool) {
	exe, err := os.Executable()
	if err != nil {
		return "", false
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", false
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", false
	}
	return hex.EncodeToString(h.Sum(nil)), true
})

// privateDir creates dir if needed and reports whether only its owner may
// write to it: a snapshot from a directory others can write to could be
// planted.
func privateDir(dir string) bool {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false
	}
	info, err := os.Stat(dir)
	return err == nil && info.IsDir() && info.Mode().Perm()&0o022 == 0
}

// snapshot is a Dataset with its records by type, so that it decodes
// without type information.
type snapshot struct {
	Regions     []*kg.Region
	Bodies      []*kg.Body
	Calls       []*kg.Call
	Funds       []*kg.Fund
	Objectives  []*kg.Objective
	Actions     []*kg.Action
	Amendments  []*kg.Amendment
	Projects    []*kg.Project
	Places      []*kg.Place
	Initiatives []*kg.Initiative
	Edges       []*kg.Edge
}

// snapshotTypes are the types a snapshot holds.
var snapshotTypes = []any{snapshot{}}

func toSnapshot(ds *kg.Dataset) (*snapshot, error) {
	s := &snapshot{Edges: ds.Edges}
	for _, n := range ds.Nodes {
		switch n := n.(type) {
		case *kg.Region:
			s.Regions = append(s.Regions, n)
		case *kg.Body:
			s.Bodies = append(s.Bodies, n)
		case *kg.Call:
			s.Calls = append(s.Calls, n)
		case *kg.Fund:
			s.Funds = append(s.Funds, n)
		case *kg.Objective:
			s.Objectives = append(s.Objectives, n)
		case *kg.Action:
			s.Actions = append(s.Actions, n)
		case *kg.Amendment:
			s.Amendments = append(s.Amendments, n)
		case *kg.Project:
			s.Projects = append(s.Projects, n)
		case *kg.Place:
			s.Places = append(s.Places, n)
		case *kg.Initiative:
			s.Initiatives = append(s.Initiatives, n)
		default:
			return nil, fmt.Errorf("snapshot: unknown record type %T", n)
		}
	}
	return s, nil
}

func (s *snapshot) dataset() *kg.Dataset {
	ds := &kg.Dataset{Edges: s.Edges}
	addNodes(ds, s.Regions)
	addNodes(ds, s.Bodies)
	addNodes(ds, s.Calls)
	addNodes(ds, s.Funds)
	addNodes(ds, s.Objectives)
	addNodes(ds, s.Actions)
	addNodes(ds, s.Amendments)
	addNodes(ds, s.Projects)
	addNodes(ds, s.Places)
	addNodes(ds, s.Initiatives)
	ds.Sort()
	return ds
}

func addNodes[T kg.Node](ds *kg.Dataset, ns []T) {
	for _, n := range ns {
		ds.Nodes = append(ds.Nodes, n)
	}
}

// typeShape describes every field of the snapshot's types, recursively.
var typeShape = sync.OnceValue(func() string {
	var b strings.Builder
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		b.WriteString(t.String() + "{")
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			b.WriteString(f.Name + " " + f.Type.String() + ";")
			walk(f.Type)
		}
		b.WriteString("}")
	}
	for _, v := range snapshotTypes {
		walk(reflect.TypeOf(v))
	}
	return b.String()
})

func readSnapshot(path string) (*kg.Dataset, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s snapshot
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	ds := s.dataset()
	if len(ds.Nodes) == 0 {
		return nil, fmt.Errorf("snapshot %s holds no records", path)
	}
	return ds, nil
}

// writeSnapshot writes the snapshot atomically and removes older ones.
func writeSnapshot(dir, path string, ds *kg.Dataset) error {
	s, err := toSnapshot(ds)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "seed-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := json.NewEncoder(w).Encode(s); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "seed-*.json"))
	for _, o := range old {
		if o != path {
			os.Remove(o)
		}
	}
	return nil
}
