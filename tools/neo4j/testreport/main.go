// Command testreport reads `go test -json` on its standard input and sums it
// up for make test-neo4j: how many tests and benchmarks passed, failed and
// skipped in each package, with the output of every failure. It exits 1 if
// anything failed, if nothing ran, or if a test skipped for want of Neo4j
// (its skip message names NEO4J_URI, FAMIGRAPH_NEO4J_SCRIPT or Neo4j): under
// make test-neo4j every test that needs Neo4j must run.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// event is one line of go test -json (test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

type pkgSummary struct {
	pass, fail, skip int
	elapsed          float64
	failed           bool
}

func main() {
	code, err := report(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testreport: %v\n", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func report(in io.Reader, out io.Writer) (int, error) {
	pkgs := map[string]*pkgSummary{}
	output := map[string]*strings.Builder{} // package/test -> output
	var failures, neo4jSkips []string
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			fmt.Fprintf(out, "%s\n", line) // build errors come as plain text
			continue
		}
		p := pkgs[e.Package]
		if p == nil {
			p = &pkgSummary{}
			pkgs[e.Package] = p
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			b := output[key]
			if b == nil {
				b = &strings.Builder{}
				output[key] = b
			}
			b.WriteString(e.Output)
		case "pass":
			if e.Test == "" {
				p.elapsed = e.Elapsed
			} else {
				p.pass++
			}
		case "fail":
			if e.Test == "" {
				p.elapsed, p.failed = e.Elapsed, true
				if b := output[key]; b != nil && p.fail == 0 {
					failures = append(failures, fmt.Sprintf("--- %s\n%s", e.Package, b))
				}
			} else {
				p.fail++
				failures = append(failures, fmt.Sprintf("--- FAIL %s %s\n%s", e.Package, e.Test, output[key]))
			}
		case "skip":
			if e.Test == "" {
				p.elapsed = e.Elapsed
				continue
			}
			p.skip++
			msg := ""
			if b := output[key]; b != nil {
				msg = b.String()
			}
			if strings.Contains(msg, "NEO4J_URI") || strings.Contains(msg, "FAMIGRAPH_NEO4J_SCRIPT") || strings.Contains(msg, "Neo4j") {
				neo4jSkips = append(neo4jSkips, fmt.Sprintf("%s %s: %s", e.Package, e.Test, strings.TrimSpace(msg)))
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 2, err
	}
	names := make([]string, 0, len(pkgs))
	for n := range pkgs {
		names = append(names, n)
	}
	slices.Sort(names)
	total := 0
	for _, n := range names {
		p := pkgs[n]
		total += p.pass + p.fail
		status := "ok  "
		if p.failed || p.fail > 0 {
			status = "FAIL"
		}
		fmt.Fprintf(out, "%s %-50s %4d passed %3d failed %3d skipped %7.1fs\n", status, n, p.pass, p.fail, p.skip, p.elapsed)
	}
	for _, f := range failures {
		fmt.Fprint(out, f)
	}
	code := 0
	if len(failures) > 0 {
		code = 1
	}
	if len(neo4jSkips) > 0 {
		fmt.Fprintf(out, "%d test(s) skipped for want of Neo4j, which make test-neo4j does not allow:\n  %s\n",
			len(neo4jSkips), strings.Join(neo4jSkips, "\n  "))
		code = 1
	}
	if total == 0 {
		fmt.Fprintln(out, "no test ran")
		code = 1
	}
	return code, nil
}
