package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"strconv"
)

// xmlWriter writes XML a piece at a time, escaping every value: the
// documents stream, never built whole in memory.
type xmlWriter struct {
	w   *bufio.Writer
	err error
}

func (x *xmlWriter) raw(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

func (x *xmlWriter) escaped(s string) {
	if x.err == nil {
		x.err = xml.EscapeText(x.w, []byte(s))
	}
}

// attr writes ` name="value"`.
func (x *xmlWriter) attr(name, value string) {
	x.raw(" " + name + `="`)
	x.escaped(value)
	x.raw(`"`)
}

func (x *xmlWriter) flush() error {
	if x.err == nil {
		x.err = x.w.Flush()
	}
	return x.err
}

// graphAttrs are the graph-level values every file carries.
func (d *Document) graphAttrs() [][2]string {
	return [][2]string{{"datasetVersion", d.Info.Version}, {"updatedOn", string(d.Info.UpdatedOn)},
		{"license", d.Info.License}, {"citation", d.Info.Citation}}
}

// graphML writes GraphML (graphml.graphdrawing.org), with typed keys.
func (d *Document) graphML(w io.Writer) error {
	x := &xmlWriter{w: bufio.NewWriterSize(w, 64<<10)}
	x.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.raw(`<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"` +
		` xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">` + "\n")
	for i, a := range d.graphAttrs() {
		x.raw(`  <key id="g` + strconv.Itoa(i) + `" for="graph"`)
		x.attr("attr.name", a[0])
		x.raw(` attr.type="string"/>` + "\n")
	}
	keys := func(prefix, for_ string, attrs []attribute) {
		for i, a := range attrs {
			x.raw(`  <key id="` + prefix + strconv.Itoa(i) + `" for="` + for_ + `"`)
			x.attr("attr.name", a.name)
			x.raw(` attr.type="` + a.typ + `"/>` + "\n")
		}
	}
	keys("n", "node", d.nodeAttrs)
	keys("e", "edge", d.edgeAttrs)
	def := "undirected"
	if d.directed {
		def = "directed"
	}
	x.raw(`  <graph id="famigraph" edgedefault="` + def + `">` + "\n")
	for i, a := range d.graphAttrs() {
		x.raw(`    <data key="g` + strconv.Itoa(i) + `">`)
		x.escaped(a[1])
		x.raw("</data>\n")
	}
	data := func(prefix string, values []any) {
		for i, v := range values {
			if v == nil {
				continue
			}
			x.raw(`      <data key="` + prefix + strconv.Itoa(i) + `">`)
			x.escaped(text(v))
			x.raw("</data>\n")
		}
	}
	for _, n := range d.nodes {
		x.raw("    <node")
		x.attr("id", n.id)
		x.raw(">\n")
		data("n", n.values)
		x.raw("    </node>\n")
	}
	for i, e := range d.edges {
		x.raw(`    <edge id="e` + strconv.Itoa(i) + `"`)
		x.attr("source", e.source)
		x.attr("target", e.target)
		x.raw(">\n")
		data("e", e.values)
		x.raw("    </edge>\n")
	}
	x.raw("  </graph>\n</graphml>\n")
	return x.flush()
}

// gexfTypes maps attribute types to GEXF's.
var gexfTypes = map[string]string{"string": "string", "int": "integer", "double": "double", "boolean": "boolean"}

// gexf writes GEXF 1.2 (gexf.net), the format Gephi reads. A node's label
// attribute, when it has one, is its GEXF label; an edge's weight, its
// GEXF weight.
func (d *Document) gexf(w io.Writer) error {
	x := &xmlWriter{w: bufio.NewWriterSize(w, 64<<10)}
	x.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.raw(`<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"` +
		` xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">` + "\n")
	x.raw("  <meta")
	x.attr("lastmodifieddate", string(d.Info.UpdatedOn))
	x.raw("><creator>famigraph</creator><description>")
	x.escaped("famigraph dataset version " + d.Info.Version + ". " + d.Info.Citation + " Licence: " + d.Info.License)
	x.raw("</description></meta>\n")
	def := "undirected"
	if d.directed {
		def = "directed"
	}
	x.raw(`  <graph mode="static" defaultedgetype="` + def + `">` + "\n")
	decl := func(class string, attrs []attribute) {
		x.raw(`    <attributes class="` + class + `">` + "\n")
		for i, a := range attrs {
			x.raw(`      <attribute id="` + strconv.Itoa(i) + `"`)
			x.attr("title", a.name)
			x.raw(` type="` + gexfTypes[a.typ] + `"/>` + "\n")
		}
		x.raw("    </attributes>\n")
	}
	decl("node", d.nodeAttrs)
	decl("edge", d.edgeAttrs)
	values := func(indent string, vs []any) {
		x.raw(indent + "<attvalues>")
		for i, v := range vs {
			if v == nil {
				continue
			}
			x.raw(`<attvalue for="` + strconv.Itoa(i) + `"`)
			x.attr("value", text(v))
			x.raw("/>")
		}
		x.raw("</attvalues>\n")
	}
	labelAt := indexOf(d.nodeAttrs, "label")
	x.raw("    <nodes>\n")
	for _, n := range d.nodes {
		x.raw("      <node")
		x.attr("id", n.id)
		label := n.id
		if labelAt >= 0 && n.values[labelAt] != nil {
			label = text(n.values[labelAt])
		}
		x.attr("label", label)
		x.raw(">\n")
		values("        ", n.values)
		x.raw("      </node>\n")
	}
	x.raw("    </nodes>\n    <edges>\n")
	weightAt := indexOf(d.edgeAttrs, "weight")
	for i, e := range d.edges {
		x.raw(`      <edge id="` + strconv.Itoa(i) + `"`)
		x.attr("source", e.source)
		x.attr("target", e.target)
		if weightAt >= 0 && e.values[weightAt] != nil {
			x.attr("weight", text(e.values[weightAt]))
		}
		x.raw(">\n")
		values("        ", e.values)
		x.raw("      </edge>\n")
	}
	x.raw("    </edges>\n  </graph>\n</gexf>\n")
	return x.flush()
}

func indexOf(attrs []attribute, name string) int {
	for i, a := range attrs {
		if a.name == name {
			return i
		}
	}
	return -1
}

// csv writes one table, with a header, its attributes and the dataset
// version on every row.
func (d *Document) csv(w io.Writer, table string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	c := csv.NewWriter(bw)
	attrs, rows, ends := d.nodeAttrs, d.nodes, []string{"id"}
	if table == TableEdges {
		attrs, rows, ends = d.edgeAttrs, d.edges, []string{"source", "target"}
	}
	header := append([]string{}, ends...)
	for _, a := range attrs {
		header = append(header, a.name)
	}
	header = append(header, "datasetVersion")
	if err := c.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for _, r := range rows {
		rec = rec[:0]
		if table == TableEdges {
			rec = append(rec, r.source, r.target)
		} else {
			rec = append(rec, r.id)
		}
		for _, v := range r.values {
			if v == nil {
				rec = append(rec, "")
			} else {
				rec = append(rec, text(v))
			}
		}
		rec = append(rec, d.Info.Version)
		if err := c.Write(rec); err != nil {
			return err
		}
	}
	c.Flush()
	if err := c.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// json writes NetworkX's node-link form (networkx.node_link_graph(data,
// edges="edges")): graph-level values in "graph", one object per node and
// per edge with its attributes; missing values are left out.
func (d *Document) json(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	put := func(s string) {
		if err == nil {
			_, err = bw.WriteString(s)
		}
	}
	value := func(v any) {
		if err != nil {
			return
		}
		var b []byte
		b, err = json.Marshal(v)
		if err == nil {
			_, err = bw.Write(b)
		}
	}
	put(`{"directed":`)
	value(d.directed)
	put(`,"multigraph":`)
	value(d.directed) // the graph may link two records by several relationships
	put(`,"graph":{`)
	for i, a := range d.graphAttrs() {
		if i > 0 {
			put(",")
		}
		value(a[0])
		put(":")
		value(a[1])
	}
	put("},\n\"nodes\":[")
	object := func(first [][2]string, attrs []attribute, vs []any) {
		put("{")
		for i, kv := range first {
			if i > 0 {
				put(",")
			}
			value(kv[0])
			put(":")
			value(kv[1])
		}
		for i, v := range vs {
			if v == nil {
				continue
			}
			put(",")
			value(attrs[i].name)
			put(":")
			value(v)
		}
		put("}")
	}
	for i, n := range d.nodes {
		if i > 0 {
			put(",")
		}
		put("\n")
		object([][2]string{{"id", n.id}}, d.nodeAttrs, n.values)
	}
	put("],\n\"edges\":[")
	for i, e := range d.edges {
		if i > 0 {
			put(",")
		}
		put("\n")
		object([][2]string{{"source", e.source}, {"target", e.target}}, d.edgeAttrs, e.values)
	}
	put("]}\n")
	if err != nil {
		return err
	}
	return bw.Flush()
}
