package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
	"github.com/famigraph/famigraph/internal/server"
)

// TestExportCLIMatchesHTTP requires famigraph export and GET /export/... to
// write the same bytes for the same request, with the HTTP headers a
// browser and a script need.
func TestExportCLIMatchesHTTP(t *testing.T) {
	ds := kgtest.RealSeed(t)
	srv := httptest.NewServer(server.New(memstore.New(ds), server.Config{}))
	defer srv.Close()
	version := kg.DatasetVersion(ds)
	seedDir := filepath.Join("..", "..", "seed")
	for _, c := range []struct {
		args        []string
		path, media string
		file        string
	}{
		{nil, "/export/graph.graphml", "application/graphml+xml; charset=utf-8", "famigraph-graph-" + version + ".graphml"},
		{[]string{"--format", "gexf"}, "/export/graph.gexf", "application/gexf+xml; charset=utf-8", "famigraph-graph-" + version + ".gexf"},
		{[]string{"--format", "csv", "--table", "edges"}, "/export/graph-edges.csv", "text/csv; charset=utf-8; header=present", "famigraph-graph-edges-" + version + ".csv"},
		{[]string{"--what", "network", "--format", "json", "--call-ids", "call:impact,call:prima", "--kinds", "MUNICIPALITY,REGION,THIRD_SECTOR", "--from", "2019-01-01"},
			"/export/network.json?callIds=call:impact,call:prima&kinds=MUNICIPALITY&kinds=REGION,THIRD_SECTOR&from=2019-01-01", "application/json", "famigraph-network-" + version + ".json"},
		{[]string{"--what", "network", "--format", "csv", "--region-ids", "region:marche"}, "/export/network-nodes.csv?regionIds=region:marche",
			"text/csv; charset=utf-8; header=present", "famigraph-network-nodes-" + version + ".csv"},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"export", "--seed", seedDir}, c.args...)
		if code := run(t.Context(), args, &stdout, &stderr, noenv); code != 0 {
			t.Fatalf("famigraph %v: exit %d: %s", args, code, stderr.String())
		}
		resp, err := http.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != c.media ||
			resp.Header.Get("Content-Disposition") != `attachment; filename="`+c.file+`"` {
			t.Errorf("GET %s: %d %v", c.path, resp.StatusCode, resp.Header)
		}
		if !bytes.Equal(body, stdout.Bytes()) || len(body) < 200 {
			t.Errorf("GET %s and famigraph %v differ (%d and %d bytes)", c.path, c.args, len(body), stdout.Len())
		}
	}
	out := filepath.Join(t.TempDir(), "g.graphml")
	var stderr bytes.Buffer
	if code := run(t.Context(), []string{"export", "--seed", seedDir, "--out", out}, io.Discard, &stderr, noenv); code != 0 {
		t.Fatalf("--out: exit %d: %s", code, stderr.String())
	}
	if b, err := os.ReadFile(out); err != nil || !bytes.Contains(b, []byte(version)) {
		t.Errorf("--out wrote %d bytes without the version (%v)", len(b), err)
	}
	for path, code := range map[string]int{
		"/export/graph.xlsx":                       http.StatusNotFound,
		"/export/network.gexf?callIds=region:nope": http.StatusBadRequest,
		"/export/network.gexf?from=yesterday":      http.StatusBadRequest,
		"/export/network.gexf?limit=5":             http.StatusBadRequest,
		"/export/graph.gexf?callIds=call:impact":   http.StatusBadRequest,
	} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != code || !strings.Contains(string(body), `"code"`) {
			t.Errorf("GET %s: %d %s, want %d with an error code", path, resp.StatusCode, body, code)
		}
	}
	for _, args := range [][]string{{"--format", "xml"}, {"--what", "network", "--kinds", "ROBOT"}, {"--from", "2019"}} {
		if code := run(t.Context(), append([]string{"export", "--seed", seedDir}, args...), io.Discard, io.Discard, noenv); code != 2 {
			t.Errorf("famigraph export %v: exit %d, want 2", args, code)
		}
	}
}
