package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/famigraph/famigraph/internal/export"
	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
)

func write(t *testing.T, svc *kg.Service, r export.Request) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := export.Write(t.Context(), svc, &b, r); err != nil {
		t.Fatalf("%+v: %v", r, err)
	}
	return b.Bytes()
}

// graphML is what encoding/xml reads of a GraphML file.
type graphML struct {
	Keys []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
		Type string `xml:"attr.type,attr"`
	} `xml:"key"`
	Graph struct {
		EdgeDefault string    `xml:"edgedefault,attr"`
		Data        []gmlData `xml:"data"`
		Nodes       []struct {
			ID   string    `xml:"id,attr"`
			Data []gmlData `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			Source string    `xml:"source,attr"`
			Target string    `xml:"target,attr"`
			Data   []gmlData `xml:"data"`
		} `xml:"edge"`
	} `xml:"graph"`
}

type gmlData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

type gexf struct {
	Meta struct {
		Description string `xml:"description"`
	} `xml:"meta"`
	Graph struct {
		DefaultEdgeType string `xml:"defaultedgetype,attr"`
		Nodes           []struct {
			ID    string `xml:"id,attr"`
			Label string `xml:"label,attr"`
		} `xml:"nodes>node"`
		Edges []struct {
			Source string  `xml:"source,attr"`
			Target string  `xml:"target,attr"`
			Weight float64 `xml:"weight,attr"`
		} `xml:"edges>edge"`
	} `xml:"graph"`
}

// realExports returns the real seed, a service over it, its dataset
// description, and the IMPACT and PRIMA partnership network with every
// metric, with the filter that selects it: what the export tests export.
func realExports(t *testing.T) (*kg.Dataset, *kg.Service, *kg.DatasetInfo, kg.NetworkFilter, *kg.Network) {
	t.Helper()
	ds := kgtest.RealSeed(t)
	svc := &kg.Service{Store: memstore.New(ds)}
	info, err := svc.Dataset(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	filter := kg.NetworkFilter{CallIDs: []string{"call:impact", "call:prima"}}
	net, err := svc.Network(t.Context(), filter, kg.NetworkMetrics{Betweenness: true, Closeness: true, Communities: true})
	if err != nil {
		t.Fatal(err)
	}
	return ds, svc, info, filter, net
}

// TestExportsParse reads every export of the real data with encoding/xml,
// encoding/csv and encoding/json and checks counts and attributes against
// the API's answers.
func TestExportsParse(t *testing.T) {
	ds, svc, info, filter, net := realExports(t)
	for _, c := range []struct {
		what         string
		filter       kg.NetworkFilter
		nodes, edges int
	}{
		{export.WhatGraph, kg.NetworkFilter{}, len(ds.Nodes), len(ds.Edges)},
		{export.WhatNetwork, filter, len(net.Nodes), len(net.Edges)},
	} {
		t.Run(c.what, func(t *testing.T) {
			var g graphML
			if err := xml.Unmarshal(write(t, svc, export.Request{What: c.what, Format: export.FormatGraphML, Filter: c.filter}), &g); err != nil {
				t.Fatalf("GraphML: %v", err)
			}
			if len(g.Graph.Nodes) != c.nodes || len(g.Graph.Edges) != c.edges || len(g.Graph.Data) != 4 || g.Graph.Data[0].Value != info.Version {
				t.Errorf("GraphML: %d nodes, %d edges, graph data %v; want %d, %d and version %s", len(g.Graph.Nodes), len(g.Graph.Edges), g.Graph.Data, c.nodes, c.edges, info.Version)
			}
			var x gexf
			if err := xml.Unmarshal(write(t, svc, export.Request{What: c.what, Format: export.FormatGEXF, Filter: c.filter}), &x); err != nil {
				t.Fatalf("GEXF: %v", err)
			}
			if len(x.Graph.Nodes) != c.nodes || len(x.Graph.Edges) != c.edges || !bytes.Contains([]byte(x.Meta.Description), []byte(info.Version)) {
				t.Errorf("GEXF: %d nodes, %d edges, %q", len(x.Graph.Nodes), len(x.Graph.Edges), x.Meta.Description)
			}
			for table, want := range map[string]int{export.TableNodes: c.nodes, export.TableEdges: c.edges} {
				rows, err := csv.NewReader(bytes.NewReader(write(t, svc, export.Request{What: c.what, Format: export.FormatCSV, Table: table, Filter: c.filter}))).ReadAll()
				if err != nil {
					t.Fatalf("CSV %s: %v", table, err)
				}
				if len(rows) != want+1 || rows[0][len(rows[0])-1] != "datasetVersion" || len(rows) > 1 && rows[1][len(rows[1])-1] != info.Version {
					t.Errorf("CSV %s: %d rows, want a header and %d", table, len(rows), want)
				}
			}
			var j struct {
				Directed bool
				Graph    map[string]string
				Nodes    []map[string]any
				Edges    []map[string]any
			}
			if err := json.Unmarshal(write(t, svc, export.Request{What: c.what, Format: export.FormatJSON, Filter: c.filter}), &j); err != nil {
				t.Fatalf("JSON: %v", err)
			}
			if len(j.Nodes) != c.nodes || len(j.Edges) != c.edges || j.Graph["datasetVersion"] != info.Version || j.Directed != (c.what == export.WhatGraph) {
				t.Errorf("JSON: %d nodes, %d edges, graph %v", len(j.Nodes), len(j.Edges), j.Graph)
			}
		})
	}
	// The network's attributes are the API's.
	var j struct {
		Nodes []struct {
			ID             string
			Degree         int
			WeightedDegree int
			Betweenness    float64
			Closeness      float64
			Community      int
			Roles          string
		}
	}
	if err := json.Unmarshal(write(t, svc, export.Request{What: export.WhatNetwork, Format: export.FormatJSON, Filter: filter}), &j); err != nil {
		t.Fatal(err)
	}
	for i, n := range net.Nodes {
		got := j.Nodes[i]
		if got.ID != n.OrgID || got.Degree != n.Degree || got.WeightedDegree != n.WeightedDegree || got.Betweenness != n.Betweenness ||
			got.Closeness != n.Closeness || got.Community != n.Community || got.Roles == "" {
			t.Errorf("node %d: export %+v, API %+v", i, got, n)
		}
	}
}

func TestExportRequests(t *testing.T) {
	svc := &kg.Service{Store: memstore.New(kgtest.Fixture(t))}
	for _, r := range []export.Request{
		{What: "everything", Format: export.FormatGraphML},
		{What: export.WhatGraph, Format: "xls"},
		{What: export.WhatGraph, Format: export.FormatCSV},
		{What: export.WhatGraph, Format: export.FormatJSON, Table: export.TableNodes},
		{What: export.WhatGraph, Format: export.FormatJSON, Filter: kg.NetworkFilter{CallIDs: []string{"call:old"}}},
		{What: export.WhatNetwork, Format: export.FormatJSON, Filter: kg.NetworkFilter{CallIDs: []string{"org:x"}}},
	} {
		if err := export.Write(t.Context(), svc, &bytes.Buffer{}, r); kg.ErrorCode(err) != kg.EINVALID {
			t.Errorf("%+v: error %v, want invalid", r, err)
		}
	}
	r := export.Request{What: export.WhatNetwork, Format: export.FormatCSV, Table: export.TableEdges}
	if got := r.FileName("0123456789abcdef"); got != "famigraph-network-edges-0123456789abcdef.csv" {
		t.Errorf("file name %q", got)
	}
}

// TestExportsOpenInNetworkX writes the GraphML, GEXF and JSON exports of
// the real data and has NetworkX read them (tools/networkx/check.py): the variable
// FAMIGRAPH_NETWORKX_PYTHON names a Python with networkx installed (CI
// installs one).
func TestExportsOpenInNetworkX(t *testing.T) {
	python := os.Getenv("FAMIGRAPH_NETWORKX_PYTHON")
	if python == "" {
		t.Skip("set FAMIGRAPH_NETWORKX_PYTHON to a Python with networkx to read the exports with NetworkX")
	}
	ds, svc, info, filter, net := realExports(t)
	dir := t.TempDir()
	expect := map[string]any{}
	top := net.Nodes[0]
	var marche *kg.Region
	for _, n := range ds.Nodes {
		if r, ok := n.(*kg.Region); ok && r.ID == "region:marche" {
			marche = r
		}
	}
	for _, format := range []string{export.FormatGraphML, export.FormatGEXF, export.FormatJSON} {
		graphName, netName := "graph."+format, "network."+format
		if err := os.WriteFile(filepath.Join(dir, graphName), write(t, svc, export.Request{What: export.WhatGraph, Format: format}), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, netName), write(t, svc, export.Request{What: export.WhatNetwork, Format: format, Filter: filter}), 0o644); err != nil {
			t.Fatal(err)
		}
		e := net.Edges[0]
		expect[graphName] = map[string]any{"nodes": len(ds.Nodes), "edges": len(ds.Edges), "version": info.Version,
			"nodeAttrs": map[string]any{"region:marche": map[string]any{"label": marche.Name, "kind": "region", "organizationKind": "REGION"}}}
		expect[netName] = map[string]any{"nodes": len(net.Nodes), "edges": len(net.Edges), "version": info.Version,
			"nodeAttrs": map[string]any{top.OrgID: map[string]any{"degree": top.Degree, "weightedDegree": top.WeightedDegree,
				"betweenness": top.Betweenness, "closeness": top.Closeness, "community": top.Community}},
			"edgeAttrs": []any{map[string]any{"source": e.Source, "target": e.Target, "attrs": map[string]any{"weight": weightOf(format, e.Weight)}}}}
	}
	b, _ := json.Marshal(expect)
	if err := os.WriteFile(filepath.Join(dir, "expect.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "..", "..", "tools", "networkx", "check.py")
	out, err := exec.CommandContext(t.Context(), python, script, "export", dir).CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("NetworkX: %v", err)
	}
}

// weightOf is an edge weight as NetworkX reads it: GraphML keeps the int
// type, GEXF's weight attribute is a float.
func weightOf(format string, w int) any {
	if format == export.FormatGEXF {
		f, _ := strconv.ParseFloat(strconv.Itoa(w), 64)
		return f
	}
	return w
}
