package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/famigraph/famigraph/internal/export"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/memstore"
)

const exportUsage = `Usage: famigraph export [--what graph|network] [--format graphml|gexf|csv|json] [--table nodes|edges]
                        [--call-ids IDS] [--region-ids IDS] [--kinds KINDS] [--from DATE] [--to DATE] [--out PATH]

Writes the whole knowledge graph (--what graph, the default) or the
co-participation network with its metrics (--what network) as GraphML (the
default), GEXF, CSV (one table: --table nodes or edges) or JSON, to standard
output or to --out PATH. The network takes partnershipNetwork's filters
(lists comma-separated). The data is the seed directory's, or Neo4j's when
NEO4J_URI is set. GET /export/... on a running server serves the same files.

`

func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, exportUsage); fs.PrintDefaults() }
	env := &envDefaults{getenv: getenv}
	what := fs.String("what", export.WhatGraph, "graph or network")
	format := fs.String("format", export.FormatGraphML, "graphml, gexf, csv or json")
	table := fs.String("table", "", "for CSV: nodes (the default) or edges")
	callIDs := fs.String("call-ids", "", "network: comma-separated call ids")
	regionIDs := fs.String("region-ids", "", "network: comma-separated region ids (the project's region)")
	kinds := fs.String("kinds", "", "network: comma-separated organization kinds, e.g. MUNICIPALITY,SCHOOL")
	from := fs.String("from", "", "network: keep projects active on or after this date (YYYY-MM-DD)")
	to := fs.String("to", "", "network: keep projects active on or before this date (YYYY-MM-DD)")
	out := fs.String("out", "", "file to write; standard output when empty")
	seedDir := fs.String("seed", env.str("FAMIGRAPH_SEED", "seed"), "seed directory of the embedded store (FAMIGRAPH_SEED)")
	var neo neo4jConfig
	neo.register(fs, env)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if env.err != nil || fs.NArg() > 0 {
		fmt.Fprintf(stderr, "famigraph export: %v\n", firstErr(env.err, fmt.Errorf("unexpected arguments %q", fs.Args())))
		return 2
	}
	req := export.Request{What: *what, Format: *format, Table: *table}
	if req.Format == export.FormatCSV && req.Table == "" {
		req.Table = export.TableNodes
	}
	req.Filter.CallIDs, req.Filter.RegionIDs = splitList(*callIDs), splitList(*regionIDs)
	for _, k := range splitList(*kinds) {
		req.Filter.Kinds = append(req.Filter.Kinds, kg.OrgKind(k))
	}
	for _, d := range []struct {
		flag string
		in   string
		out  **kg.Date
	}{{"--from", *from, &req.Filter.From}, {"--to", *to, &req.Filter.To}} {
		if d.in == "" {
			continue
		}
		date, err := kg.ParseDate(d.in)
		if err != nil {
			fmt.Fprintf(stderr, "famigraph export: %s: %v\n", d.flag, err)
			return 2
		}
		*d.out = &date
	}
	if err := req.Check(); err != nil {
		fmt.Fprintf(stderr, "famigraph export: %s\n", kg.ErrorMessage(err))
		return 2
	}
	if err := neo.validate(); err != nil {
		fmt.Fprintf(stderr, "famigraph export: %v\n", err)
		return 2
	}

	var store kg.Store
	if neo.uri != "" {
		s, err := neo.open(10 * time.Second)
		if err != nil {
			fmt.Fprintf(stderr, "famigraph export: %s\n", neo.unreachable(err))
			return 1
		}
		defer func() { _ = s.Close(context.WithoutCancel(ctx)) }()
		if err := neo.ping(ctx, s); err != nil {
			fmt.Fprintf(stderr, "famigraph export: %s\n", neo.unreachable(err))
			return 1
		}
		store = s
	} else {
		ds, err := loadSeed(*seedDir, stderr)
		if err != nil {
			return 1
		}
		store = memstore.New(ds)
	}
	svc := &kg.Service{Store: store}
	doc, err := export.Build(ctx, svc, req)
	if err != nil {
		fmt.Fprintf(stderr, "famigraph export: %s\n", kg.ErrorMessage(err))
		if kg.ErrorCode(err) == kg.EINVALID {
			return 2
		}
		return 1
	}
	w := stdout
	var f *os.File
	if *out != "" {
		if f, err = os.Create(*out); err != nil {
			fmt.Fprintf(stderr, "famigraph export: %v\n", err)
			return 1
		}
		w = f
	}
	err = doc.Write(w, req)
	if f != nil {
		err = firstErr(err, f.Close())
	}
	if err != nil {
		fmt.Fprintf(stderr, "famigraph export: write: %v\n", err)
		return 1
	}
	if *out != "" {
		fmt.Fprintf(stderr, "famigraph export: wrote %s (dataset version %s)\n", *out, doc.Info.Version)
	}
	return 0
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
