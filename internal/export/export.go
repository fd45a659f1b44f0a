// Package export writes the knowledge graph and the co-participation
// network as files for other tools: GraphML and GEXF (Gephi, NetworkX,
// igraph), CSV tables of nodes and edges (spreadsheets, pandas) and JSON
// (NetworkX's node-link form). famigraph export and the server's /export
// endpoints write the same bytes for the same request.
package export

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/famigraph/famigraph/internal/kg"
)

// What is exported.
const (
	WhatGraph   = "graph"   // every record and relationship
	WhatNetwork = "network" // the co-participation network, with its metrics
)

// Formats.
const (
	FormatGraphML = "graphml"
	FormatGEXF    = "gexf"
	FormatJSON    = "json"
	FormatCSV     = "csv"
)

// CSV tables.
const (
	TableNodes = "nodes"
	TableEdges = "edges"
)

// Request says what to export and how.
type Request struct {
	What   string
	Format string
	Table  string // for CSV: nodes or edges
	// Filter selects the network's participations (WhatNetwork only), as
	// partnershipNetwork's arguments do.
	Filter kg.NetworkFilter
}

// Check validates the request.
func (r Request) Check() error {
	if r.What != WhatGraph && r.What != WhatNetwork {
		return kg.Errorf(kg.EINVALID, "what must be graph or network, not %q", clip(r.What))
	}
	switch r.Format {
	case FormatGraphML, FormatGEXF, FormatJSON:
		if r.Table != "" {
			return kg.Errorf(kg.EINVALID, "a table (nodes or edges) is chosen for CSV only")
		}
	case FormatCSV:
		if r.Table != TableNodes && r.Table != TableEdges {
			return kg.Errorf(kg.EINVALID, "CSV exports one table: nodes or edges")
		}
	default:
		return kg.Errorf(kg.EINVALID, "format must be graphml, gexf, csv or json, not %q", clip(r.Format))
	}
	if r.What == WhatGraph && !isZero(r.Filter) {
		return kg.Errorf(kg.EINVALID, "the whole graph takes no filters: export the network to filter")
	}
	return nil
}

func isZero(f kg.NetworkFilter) bool {
	return len(f.CallIDs) == 0 && len(f.RegionIDs) == 0 && len(f.Kinds) == 0 && f.From == nil && f.To == nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// ContentType is the media type of the request's file.
func (r Request) ContentType() string {
	switch r.Format {
	case FormatGraphML:
		return "application/graphml+xml; charset=utf-8"
	case FormatGEXF:
		return "application/gexf+xml; charset=utf-8"
	case FormatCSV:
		return "text/csv; charset=utf-8; header=present"
	}
	return "application/json"
}

// FileName is the name of the request's file, with the dataset version.
func (r Request) FileName(version string) string {
	name := "famigraph-" + r.What
	if r.Format == FormatCSV {
		return name + "-" + r.Table + "-" + version + ".csv"
	}
	return name + "-" + version + "." + r.Format
}

// attribute is a column of nodes or edges.
type attribute struct {
	name string
	typ  string // string, int, double, boolean
}

// row is a node (id set) or an edge (source and target set) with its
// values, aligned with the attributes; nil is a missing value.
type row struct {
	id, source, target string
	values             []any
}

// Document is an export ready to be written: its rows are computed, its
// encoding streams.
type Document struct {
	Info      *kg.DatasetInfo
	directed  bool
	nodeAttrs []attribute
	edgeAttrs []attribute
	nodes     []row
	edges     []row
}

// Build reads what the request asks for from the service's store.
func Build(ctx context.Context, svc *kg.Service, r Request) (*Document, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	info, err := svc.Dataset(ctx)
	if err != nil {
		return nil, err
	}
	if r.What == WhatGraph {
		ds, err := svc.Store.Dataset(ctx)
		if err != nil {
			return nil, err
		}
		return graphDocument(info, ds), nil
	}
	return networkDocument(ctx, svc, info, r.Filter)
}

// Write builds the request's document and writes it to w.
func Write(ctx context.Context, svc *kg.Service, w io.Writer, r Request) error {
	d, err := Build(ctx, svc, r)
	if err != nil {
		return err
	}
	return d.Write(w, r)
}

// Write encodes the document in the request's format.
func (d *Document) Write(w io.Writer, r Request) error {
	switch r.Format {
	case FormatGraphML:
		return d.graphML(w)
	case FormatGEXF:
		return d.gexf(w)
	case FormatCSV:
		return d.csv(w, r.Table)
	}
	return d.json(w)
}

var graphNodeAttrs = []attribute{
	{"kind", "string"}, {"label", "string"}, {"organizationKind", "string"}, {"regionId", "string"},
	{"callId", "string"}, {"budgetEUR", "double"}, {"startDate", "string"}, {"endDate", "string"},
	{"confidence", "string"}, {"sources", "int"}, {"sourceTitle", "string"}, {"sourceUrl", "string"},
}

var graphEdgeAttrs = []attribute{
	{"relationship", "string"}, {"role", "string"}, {"relation", "string"}, {"confidence", "string"},
	{"sources", "int"}, {"sourceTitle", "string"}, {"sourceUrl", "string"}, {"quote", "string"},
}

// graphDocument is every record and relationship, directed as stored.
func graphDocument(info *kg.DatasetInfo, ds *kg.Dataset) *Document {
	d := &Document{Info: info, directed: true, nodeAttrs: graphNodeAttrs, edgeAttrs: graphEdgeAttrs}
	for _, n := range ds.Nodes {
		rec := kg.RecordOf(n)
		v := make([]any, len(graphNodeAttrs))
		v[0] = string(kg.KindOf(n.NodeID()))
		v[1] = nonEmpty(label(n))
		switch n := n.(type) {
		case kg.Org:
			v[2] = string(n.OrgKind())
			if _, ok := n.(*kg.Region); !ok {
				v[3] = nonEmpty(n.OrgRegionID())
			}
		case *kg.Project:
			v[3], v[4] = nonEmpty(n.RegionID), nonEmpty(n.CallID)
			if n.BudgetEUR != nil {
				v[5] = *n.BudgetEUR
			}
			v[6], v[7] = date(n.StartDate), date(n.EndDate)
		case *kg.Call:
			if n.BudgetEUR != nil {
				v[5] = *n.BudgetEUR
			}
			v[6], v[7] = date(n.StartDate), date(n.EndDate)
		case *kg.Place:
			v[3] = nonEmpty(n.RegionID)
		case *kg.Initiative:
			v[3] = nonEmpty(n.RegionID)
		case *kg.Action:
			v[4] = nonEmpty(n.CallID)
		case *kg.Amendment:
			v[4] = nonEmpty(n.CallID)
		}
		if rec != nil {
			v[8] = nonEmpty(string(rec.Confidence))
			v[9] = len(rec.Sources)
			v[10], v[11] = firstSource(rec.Sources)
		}
		d.nodes = append(d.nodes, row{id: n.NodeID(), values: v})
	}
	for _, e := range ds.Edges {
		v := make([]any, len(graphEdgeAttrs))
		v[0] = string(e.Type)
		v[1] = nonEmpty(string(e.Role))
		v[2] = nonEmpty(e.Relation)
		v[3] = nonEmpty(string(e.Confidence))
		v[4] = len(e.Sources)
		v[5], v[6] = firstSource(e.Sources)
		if len(e.Sources) > 0 {
			v[7] = nonEmpty(e.Sources[0].Quote)
		}
		d.edges = append(d.edges, row{source: e.From, target: e.To, values: v})
	}
	return d
}

var networkNodeAttrs = []attribute{
	{"label", "string"}, {"organizationKind", "string"}, {"regionId", "string"}, {"roles", "string"},
	{"projects", "int"}, {"degree", "int"}, {"weightedDegree", "int"}, {"betweenness", "double"},
	{"closeness", "double"}, {"community", "int"}, {"confidence", "string"}, {"sourceTitle", "string"},
	{"sourceUrl", "string"},
}

var networkEdgeAttrs = []attribute{{"weight", "int"}, {"projects", "string"}}

// networkDocument is the co-participation network of the filter with every
// metric; betweenness and closeness are left out (missing) for networks
// beyond kg.MaxBetweennessNodes.
func networkDocument(ctx context.Context, svc *kg.Service, info *kg.DatasetInfo, f kg.NetworkFilter) (*Document, error) {
	parts, err := svc.Store.Participations(ctx, f)
	if err != nil {
		return nil, err
	}
	n, err := svc.Network(ctx, f, kg.NetworkMetrics{Betweenness: true, Closeness: true, Communities: true})
	centralities := true
	if kg.ErrorCode(err) == kg.EINVALID && len(parts) > 0 {
		centralities = false
		n, err = svc.Network(ctx, f, kg.NetworkMetrics{Communities: true})
	}
	if err != nil {
		return nil, err
	}
	roles := map[string][]kg.Role{}
	for _, e := range parts {
		if !slices.Contains(roles[e.From], e.Role) {
			roles[e.From] = append(roles[e.From], e.Role)
		}
	}
	ids := make([]string, len(n.Nodes))
	for i, node := range n.Nodes {
		ids[i] = node.OrgID
	}
	orgs, err := svc.Store.Nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	d := &Document{Info: info, nodeAttrs: networkNodeAttrs, edgeAttrs: networkEdgeAttrs}
	for i, node := range n.Nodes {
		v := make([]any, len(networkNodeAttrs))
		rs := roles[node.OrgID]
		slices.SortFunc(rs, func(a, b kg.Role) int { return a.Rank() - b.Rank() })
		var names []string
		for _, r := range rs {
			names = append(names, string(r))
		}
		v[3] = strings.Join(names, " ")
		v[4], v[5], v[6] = node.Projects, node.Degree, node.WeightedDegree
		if centralities {
			v[7], v[8] = node.Betweenness, node.Closeness
		}
		v[9] = node.Community
		if o, ok := orgs[i].(kg.Org); ok {
			v[0], v[1] = nonEmpty(o.OrgName()), string(o.OrgKind())
			v[2] = nonEmpty(o.OrgRegionID())
			if rec := kg.RecordOf(o); rec != nil {
				v[10] = nonEmpty(string(rec.Confidence))
				v[11], v[12] = firstSource(rec.Sources)
			}
		}
		d.nodes = append(d.nodes, row{id: node.OrgID, values: v})
	}
	for _, e := range n.Edges {
		d.edges = append(d.edges, row{source: e.Source, target: e.Target, values: []any{e.Weight, strings.Join(e.ProjectIDs, " ")}})
	}
	return d, nil
}

// label is a record's name or title.
func label(n kg.Node) string {
	switch n := n.(type) {
	case kg.Org:
		return n.OrgName()
	case *kg.Fund:
		return n.Name
	case *kg.Objective:
		return n.Code + " " + n.Name
	case *kg.Call:
		return n.Name
	case *kg.Action:
		return n.Title
	case *kg.Amendment:
		return n.Decree
	case *kg.Project:
		return n.Title
	case *kg.Place:
		return n.Name
	case *kg.Initiative:
		return n.Title
	}
	return ""
}

// firstSource is the reference of the first citation that supports the
// whole record (else the first): its title and URL.
func firstSource(cs []kg.Citation) (title, url any) {
	if len(cs) == 0 {
		return nil, nil
	}
	c := cs[0]
	for _, x := range cs {
		if x.Field == "" {
			c = x
			break
		}
	}
	return nonEmpty(c.Title), nonEmpty(c.URL)
}

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func date(d *kg.Date) any {
	if d == nil {
		return nil
	}
	return string(*d)
}

// text renders a value for XML and CSV.
func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprint(v)
}
