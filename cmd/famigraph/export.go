package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/famigraph/famigraph/internal/export"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/memstore"
)

func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlags("export", args, stdout, stderr)
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
	var seedDir string
	seedFlag(fs, env, &seedDir, "seed directory of the embedded store")
	var neo neo4jConfig
	neo.register(fs, env)
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if env.err != nil {
		fmt.Fprintf(stderr, "famigraph export: %v\n", env.err)
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
		ds, err := loadSeed(seedDir, stderr)
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
