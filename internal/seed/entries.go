package seed

import (
	"io/fs"
	"sort"
	"strings"
)

// NonDataFiles are the files a seed directory may hold beside the seed
// files: the curators' documentation and the Go file that embeds the
// directory in the binary. Any other file is refused, so that nothing a
// curator adds is ignored without a word.
var NonDataFiles = []string{"README.md", "embed.go"}

// checkEntries refuses every entry of the seed directory that is neither a
// seed file nor one of NonDataFiles, naming it: an unknown file, another
// file for a section (projects.yml beside projects.yaml, Projects.yaml,
// projects.yaml.bak) and any subdirectory.
func checkEntries(fsys fs.FS) []Problem {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return []Problem{{File: ".", Message: "cannot list the seed directory: " + err.Error()}}
	}
	known := map[string]bool{}
	for _, n := range FileNames {
		known[n] = true
	}
	for _, n := range NonDataFiles {
		known[n] = true
	}
	var problems []Problem
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir():
			problems = append(problems, Problem{File: name + "/", Message: "a seed directory holds no subdirectories: " + allowed()})
		case known[name]:
			if !e.Type().IsRegular() && e.Type()&fs.ModeSymlink == 0 {
				problems = append(problems, Problem{File: name, Message: "not a regular file"})
			}
		default:
			if file := sectionOf(name); file != "" {
				problems = append(problems, Problem{File: name, Message: "another file for the records of " + file +
					", which are read from " + file + " only: merge it into " + file + " or remove it"})
				continue
			}
			problems = append(problems, Problem{File: name, Message: "unknown file: " + allowed()})
		}
	}
	return problems
}

// sectionOf returns the seed file whose records a file named name would
// hold (projects.yml, PROJECTS.yaml, projects.yaml~ hold projects), or "".
func sectionOf(name string) string {
	stem := strings.ToLower(name)
	if i := strings.IndexAny(stem, ".~"); i >= 0 {
		stem = stem[:i]
	}
	for _, f := range FileNames {
		if stem == strings.TrimSuffix(f, ".yaml") {
			return f
		}
	}
	return ""
}

// allowed says what a seed directory may hold.
func allowed() string {
	names := append([]string(nil), FileNames...)
	sort.Strings(names)
	names = append(names, NonDataFiles...)
	return "a seed directory holds only " + strings.Join(names[:len(names)-1], ", ") + " and " +
		names[len(names)-1] + " (see seed/README.md)"
}
