package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// version is the binary's version, set at build time with
// -ldflags "-X main.version=v1.2.3"; when empty, binaryVersion uses what Go
// recorded in the binary (the module version, or the VCS revision).
var version string

// binaryVersion describes the running binary: its version, the Go toolchain
// and platform, and the VCS revision it was built from, when Go recorded it.
func binaryVersion() string {
	v := version
	var details []string
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = bi.Main.Version // a module version with go install, else "(devel)"
		}
		settings := map[string]string{}
		for _, s := range bi.Settings {
			settings[s.Key] = s.Value
		}
		if rev := settings["vcs.revision"]; rev != "" {
			if len(rev) > 12 {
				rev = rev[:12]
			}
			if settings["vcs.modified"] == "true" {
				rev += " with local changes"
			}
			details = append(details, "revision "+rev)
		}
		if t := settings["vcs.time"]; t != "" {
			details = append(details, "committed "+t)
		}
	}
	switch v {
	case "", "(devel)":
		v = "devel" // built from a working copy without -X main.version
	}
	details = append([]string{runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH}, details...)
	return v + " (" + strings.Join(details, ", ") + ")"
}

// cmdVersion prints the binary's version, the dataset's version and its
// counts.
func cmdVersion(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	dir, code, ok := parseSeedCommand("version", args, stdout, stderr, getenv, "seed directory whose dataset version to print")
	if !ok {
		return code
	}
	fmt.Fprintf(stdout, "famigraph %s\n", binaryVersion())
	ds, err := loadSeed(dir, stderr)
	if err != nil {
		return 1
	}
	fmt.Fprintf(stdout, "dataset %s (%s): %s\n", ds.Version(), seedLabel(dir), summary(ds))
	return 0
}
