// Package seed is famigraph's dataset: the YAML files of this directory,
// documented in README.md, embedded in the binary so that it serves its
// data from anywhere. The reader (internal/seed) validates them; a copy on
// disk given with --seed or FAMIGRAPH_SEED takes their place.
package seed

import "embed"

// FS holds every file of this directory as it was when the binary was
// built, not only the files the reader loads, so that the reader refuses a
// stray file in the embedded copy as it does on disk.
//
//go:embed *
var FS embed.FS
