// Package seed reads and validates the seed files into the domain's Dataset.
// Every problem is reported with its file, line and field; a seed directory
// with any problem yields no dataset at all.
package seed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/famigraph/famigraph/internal/kg"
)

// MaxFileBytes bounds the size of one seed file.
const MaxFileBytes = 64 << 20

// Problem is one broken rule in a seed file.
type Problem struct {
	File    string
	Line    int // 0 when unknown
	Field   string
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteString(":" + strconv.Itoa(p.Line))
	}
	if p.Field != "" {
		b.WriteString(": " + p.Field)
	}
	b.WriteString(": " + p.Message)
	return b.String()
}

// Error lists every problem found in a seed directory.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, 0, len(e.Problems)+1)
	lines = append(lines, fmt.Sprintf("seed: %d problem(s)", len(e.Problems)))
	for _, p := range e.Problems {
		lines = append(lines, p.String())
	}
	return strings.Join(lines, "\n")
}

// LoadDir reads, validates and converts the seed files in dir.
func LoadDir(dir string) (*kg.Dataset, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("seed directory: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("seed directory: %s is not a directory", dir)
	}
	return Load(os.DirFS(dir))
}

// Load reads, validates and converts the seed files of fsys. Every entry
// of fsys must be a seed file or one of NonDataFiles: any other is refused,
// naming it, and nothing is loaded.
func Load(fsys fs.FS) (*kg.Dataset, error) {
	if len(checkEntries(fsys)) == 0 {
		// The fast reader first (fast.go); a directory with any problem is
		// read again below, by go-yaml alone, so that every problem is
		// reported with its line, as it always was.
		if files, docs, problems := read(fsys, true); len(problems) == 0 {
			if ds, more := Build(files, docs); len(more) == 0 {
				return ds, nil
			}
		}
	}
	files, docs, problems := Read(fsys)
	problems = append(checkEntries(fsys), problems...)
	ds, more := Build(files, docs)
	problems = append(problems, more...)
	if len(problems) > 0 {
		sortProblems(problems)
		return nil, &Error{Problems: problems}
	}
	return ds, nil
}

// Docs keeps the parsed YAML of each file so that problems found after
// decoding can be reported with their line.
type Docs map[string]*ast.File

// Line returns the line of the node at path in file, or of its nearest
// ancestor that exists, or 0.
func (d Docs) Line(file, path string) int {
	f := d[file]
	if f == nil {
		return 0
	}
	for path != "" && path != "$" {
		if p, err := yaml.PathString(path); err == nil {
			if n, err := p.FilterFile(f); err == nil && n != nil {
				if tk := n.GetToken(); tk != nil && tk.Position != nil {
					return tk.Position.Line
				}
			}
		}
		path = parentPath(path)
	}
	return 0
}

// parentPath drops the last step of a YAML path: "$[3].a[1].b" -> "$[3].a[1]".
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i <= 0 {
		return "$"
	}
	return p[:i]
}

// Read decodes every seed file, record by record: a record that does not
// decode is reported with its line and skipped, and the others are still
// read, so that one run reports every problem.
func Read(fsys fs.FS) (*Files, Docs, []Problem) {
	return read(fsys, false)
}

// read is Read; with fast, each file is first given to the fast reader,
// and a file it reads has no syntax tree in the Docs (problems found in it
// later have no line).
func read(fsys fs.FS, fast bool) (*Files, Docs, []Problem) {
	files := &Files{broken: map[string]map[int]bool{}}
	docs := Docs{}
	results := make([]fileResult, len(FileNames))
	// The files are independent: parse and decode them concurrently, then
	// gather in file order so that the outcome does not depend on timing.
	eachFile(func(i int, name string) { results[i] = readOne(fsys, name, files, fast) })
	var problems []Problem
	for i, name := range FileNames {
		r := results[i]
		problems = append(problems, r.problems...)
		if r.doc != nil || r.fast {
			docs[name] = r.doc
			files.broken[name] = r.broken
		}
	}
	return files, docs, problems
}

// eachFile runs do for every seed file (its index in FileNames and its
// name) concurrently, and returns when every call has.
func eachFile(do func(i int, name string)) {
	var wg sync.WaitGroup
	for i, name := range FileNames {
		wg.Add(1)
		go func() {
			defer wg.Done()
			do(i, name)
		}()
	}
	wg.Wait()
}

type fileResult struct {
	doc      *ast.File
	fast     bool // read by the fast reader: no doc
	broken   map[int]bool
	problems []Problem
}

// readOne parses one file and decodes its records into its own slice of
// files (each file has its own, so files are read concurrently).
func readOne(fsys fs.FS, name string, files *Files, fast bool) fileResult {
	data, err := readFile(fsys, name)
	if err != nil {
		return fileResult{problems: []Problem{{File: name, Message: err.Error()}}}
	}
	if fast && fastDecode(data, files.slice(name)) {
		return fileResult{fast: true, broken: map[int]bool{}}
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return fileResult{problems: []Problem{yamlProblem(name, err)}}
	}
	items, p := sequence(name, f)
	if p != nil {
		return fileResult{problems: []Problem{*p}}
	}
	r := fileResult{doc: f, broken: map[int]bool{}}
	switch name {
	case SourcesFile:
		r.problems = decodeAll(name, items, &files.Sources, r.broken)
	case FundsFile:
		r.problems = decodeAll(name, items, &files.Funds, r.broken)
	case CallsFile:
		r.problems = decodeAll(name, items, &files.Calls, r.broken)
	case RegionsFile:
		r.problems = decodeAll(name, items, &files.Regions, r.broken)
	case OrganizationsFile:
		r.problems = decodeAll(name, items, &files.Organizations, r.broken)
	case ProjectsFile:
		r.problems = decodeAll(name, items, &files.Projects, r.broken)
	case PlacesFile:
		r.problems = decodeAll(name, items, &files.Places, r.broken)
	case InitiativesFile:
		r.problems = decodeAll(name, items, &files.Initiatives, r.broken)
	}
	return r
}

// sequence returns the records of a file, which must be one YAML list.
func sequence(name string, f *ast.File) ([]ast.Node, *Problem) {
	var docs []*ast.DocumentNode
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d)
		}
	}
	switch len(docs) {
	case 0:
		return nil, nil // an empty file holds no records
	case 1:
	default:
		return nil, &Problem{File: name, Line: line(docs[1].Body), Message: "a seed file holds one YAML document"}
	}
	seq, ok := docs[0].Body.(*ast.SequenceNode)
	if !ok {
		return nil, &Problem{File: name, Line: line(docs[0].Body), Message: "a seed file is a list of records (each starting with '- ')"}
	}
	return seq.Values, nil
}

// decodeAll decodes each item strictly. An item that fails is reported and
// marked broken; it is still decoded leniently, if it can be, so that its id
// is known and references to it do not cascade into more problems.
func decodeAll[T any](name string, items []ast.Node, out *[]T, broken map[int]bool) []Problem {
	var problems []Problem
	for i, it := range items {
		var rec T
		if err := yaml.NodeToValue(it, &rec, yaml.Strict()); err != nil {
			problems = append(problems, yamlProblem(name, err))
			broken[i] = true
			rec = *new(T)
			_ = yaml.NodeToValue(it, &rec)
		}
		*out = append(*out, rec)
	}
	return problems
}

func line(n ast.Node) int {
	if n == nil {
		return 0
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

func readFile(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("file is missing")
		}
		return nil, fmt.Errorf("cannot open: %v", err)
	}
	defer f.Close()
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %v", err)
	}
	if n > MaxFileBytes {
		return nil, fmt.Errorf("file is larger than %d bytes", MaxFileBytes)
	}
	return buf.Bytes(), nil
}

// yamlProblem turns a decoder error into a Problem with the line of the
// offending token and, for unknown keys, the key.
func yamlProblem(file string, err error) Problem {
	p := Problem{File: file, Message: err.Error()}
	var ye yaml.Error
	if errors.As(err, &ye) {
		p.Message = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			p.Line = tk.Position.Line
		}
		var unknown *yaml.UnknownFieldError
		if errors.As(err, &unknown) {
			if tk := ye.GetToken(); tk != nil {
				p.Field = tk.Value
			}
			p.Message = "unknown key"
		}
	}
	p.Message = strings.TrimSpace(p.Message)
	return p
}

func sortProblems(ps []Problem) {
	order := map[string]int{}
	for i, n := range FileNames {
		order[n] = i + 1
	}
	rank := func(file string) int {
		if r, ok := order[file]; ok {
			return r
		}
		return len(FileNames) + 1 // other entries of the directory, after the seed files
	}
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if ra, rb := rank(a.File), rank(b.File); ra != rb {
			return ra < rb
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
}
