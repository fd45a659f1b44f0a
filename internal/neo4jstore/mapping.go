package neo4jstore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/famigraph/famigraph/internal/kg"
)

// wgs84 is the spatial reference id of 2D WGS-84 points (x = longitude,
// y = latitude).
const wgs84 = 4326

// JSON forms of provenance, stored in the sources, facts and discrepancies
// properties. The field names are part of the storage format.
type citationJSON struct {
	SourceID   string `json:"source"`
	Title      string `json:"title,omitempty"`
	URL        string `json:"url,omitempty"`
	Document   string `json:"document,omitempty"`
	Quote      string `json:"quote,omitempty"`
	Confidence string `json:"confidence,omitempty"`
	Field      string `json:"field,omitempty"`
	Note       string `json:"note,omitempty"`
}

type factJSON struct {
	Key     string         `json:"key"`
	Value   string         `json:"value"`
	Type    string         `json:"type,omitempty"`
	Note    string         `json:"note,omitempty"`
	Sources []citationJSON `json:"sources,omitempty"`
}

type networkJSON struct {
	Network    string         `json:"network"`
	Name       string         `json:"name"`
	Note       string         `json:"note,omitempty"`
	Confidence string         `json:"confidence,omitempty"`
	Sources    []citationJSON `json:"sources,omitempty"`
}

type discrepancyJSON struct {
	Field    string         `json:"field"`
	Recorded string         `json:"recorded"`
	Stated   string         `json:"stated"`
	Note     string         `json:"note,omitempty"`
	Sources  []citationJSON `json:"sources,omitempty"`
}

func citationsJSON(cs []kg.Citation) []citationJSON {
	if len(cs) == 0 {
		return nil
	}
	out := make([]citationJSON, len(cs))
	for i, c := range cs {
		out[i] = citationJSON{SourceID: c.SourceID, Title: c.Title, URL: c.URL, Document: c.Document,
			Quote: c.Quote, Confidence: string(c.Confidence), Field: c.Field, Note: c.Note}
	}
	return out
}

func citationsOf(js []citationJSON) []kg.Citation {
	if len(js) == 0 {
		return nil
	}
	out := make([]kg.Citation, len(js))
	for i, c := range js {
		out[i] = kg.Citation{SourceID: c.SourceID, Title: c.Title, URL: c.URL, Document: c.Document,
			Quote: c.Quote, Confidence: kg.Confidence(c.Confidence), Field: c.Field, Note: c.Note}
	}
	return out
}

// props accumulates the properties of a node or relationship, leaving out
// empty values: a missing property reads back as the zero value.
type props map[string]any

func (p props) str(k, v string) {
	if v != "" {
		p[k] = v
	}
}

func (p props) float(k string, v *float64) {
	if v != nil {
		p[k] = *v
	}
}

func (p props) int(k string, v *int) {
	if v != nil {
		p[k] = int64(*v)
	}
}

func (p props) date(k string, d *kg.Date) error {
	if d == nil {
		return nil
	}
	t, err := time.Parse(time.DateOnly, string(*d))
	if err != nil {
		return fmt.Errorf("%s: %q is not a date", k, *d)
	}
	p[k] = neo4j.DateOf(t)
	return nil
}

// list stores a list of strings, as the driver reads it back ([]any).
func (p props) list(k string, vs []string) {
	if len(vs) == 0 {
		return
	}
	l := make([]any, len(vs))
	for i, v := range vs {
		l[i] = v
	}
	p[k] = l
}

func (p props) json(k string, v any, empty bool) error {
	if empty {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: %w", k, err)
	}
	p[k] = string(b)
	return nil
}

// nodeRow is one record to seed: its id, its fingerprint and every
// property it stores.
type nodeRow struct {
	id    string
	kind  kg.Kind
	hash  string
	props props
}

// encodeNode converts a record into the properties it is stored with.
func encodeNode(n kg.Node) (*nodeRow, error) {
	id := n.NodeID()
	kind := kg.KindOf(id)
	t, ok := kindTables[kind]
	if !ok {
		return nil, fmt.Errorf("%s: not a kind of record stored as a node", id)
	}
	p := props{propID: id}
	rec, err := t.encode(p, n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	p.str(propConfidence, string(rec.Confidence))
	p.list(propAliases, rec.Aliases)
	if err := p.json(propSources, citationsJSON(rec.Sources), len(rec.Sources) == 0); err != nil {
		return nil, err
	}
	facts := make([]factJSON, len(rec.Facts))
	for i, f := range rec.Facts {
		facts[i] = factJSON{Key: f.Key, Value: f.Value, Type: string(f.Type), Note: f.Note, Sources: citationsJSON(f.Sources)}
	}
	if err := p.json(propFacts, facts, len(facts) == 0); err != nil {
		return nil, err
	}
	ds := make([]discrepancyJSON, len(rec.Discrepancies))
	for i, d := range rec.Discrepancies {
		ds[i] = discrepancyJSON{Field: d.Field, Recorded: d.Recorded, Stated: d.Stated, Note: d.Note, Sources: citationsJSON(d.Sources)}
	}
	if err := p.json(propDiscrepancies, ds, len(ds) == 0); err != nil {
		return nil, err
	}
	p.str(propSearchText, searchText(n))
	if words, weights := searchWeights(n); len(words) > 0 {
		p[propSearchWords], p[propSearchWeights] = words, weights
	}
	h, err := fingerprint(labelsOf(kind), p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	p[propHash] = h
	return &nodeRow{id: id, kind: kind, hash: h, props: p}, nil
}

// searchText is what the full-text index holds for a record: the words of
// its searchable fields as kg.Tokenize makes them, separated by spaces.
func searchText(n kg.Node) string {
	fields := kg.SearchText(n)
	var words []string
	for _, f := range slices.Sorted(maps.Keys(fields)) {
		words = append(words, kg.Tokenize(fields[f])...)
	}
	return strings.Join(words, " ")
}

// searchWeights returns the record's distinct search words, sorted, and
// their weights (kg.SearchWeights), as property values.
func searchWeights(n kg.Node) (words []any, weights []any) {
	m := kg.SearchWeights(n)
	keys := make([]string, 0, len(m))
	for w := range m {
		keys = append(keys, w)
	}
	slices.Sort(keys)
	for _, w := range keys {
		words = append(words, w)
		weights = append(weights, m[w])
	}
	return words, weights
}

// fingerprint hashes what a node or relationship stores: its identity
// (labels, or relationship key) and its properties, so that seeding
// rewrites only what changed. References between records are
// relationships, with fingerprints of their own.
func fingerprint(identity string, p props) (string, error) {
	canon := make(map[string]any, len(p))
	for k, v := range p {
		switch v := v.(type) {
		case neo4j.Date:
			canon[k] = "date:" + v.Time().Format(time.DateOnly)
		case neo4j.Point2D:
			canon[k] = fmt.Sprintf("point:%d:%v:%v", v.SpatialRefId, v.X, v.Y)
		default:
			canon[k] = v
		}
	}
	// encoding/json writes map keys in sorted order: the bytes are canonical.
	b, err := json.Marshal([]any{storageVersion, identity, canon})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16]), nil
}

// edgeRow is one relationship to seed.
type edgeRow struct {
	key   string
	typ   kg.RelType
	from  string
	to    string
	hash  string
	props props
}

// encodeEdge converts a relationship into the properties it is stored with.
func encodeEdge(e *kg.Edge) (*edgeRow, error) {
	if _, ok := relEndpoints[e.Type]; !ok {
		return nil, fmt.Errorf("%s: unknown relationship type", e.Key())
	}
	p := props{}
	p.str(propConfidence, string(e.Confidence))
	if err := p.json(propSources, citationsJSON(e.Sources), len(e.Sources) == 0); err != nil {
		return nil, err
	}
	switch e.Type {
	case kg.RelParticipatesIn:
		p.str(relPropRole, string(e.Role))
		p.str(relPropOffice, e.Office)
	case kg.RelInvolvedIn:
		p.str(relPropRelation, e.Relation)
	case kg.RelImplements:
		p.str(relPropDetail, e.Detail)
	case kg.RelAdheresTo:
		p[relPropExtension] = e.Extension
		p[relPropBudgetIncrease] = e.BudgetIncrease
	}
	h, err := fingerprint(e.Key(), p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.Key(), err)
	}
	p[propHash] = h
	return &edgeRow{key: e.Key(), typ: e.Type, from: e.From, to: e.To, hash: h, props: p}, nil
}

// Decoding. Values come from the driver (or a fake) as untyped values: each
// accessor checks the type and reports a mismatch instead of panicking.

// value reads m[k]: present reports whether it is set and not null.
func value[T any](m map[string]any, k string) (v T, present bool, err error) {
	raw, ok := m[k]
	if !ok || raw == nil {
		return v, false, nil
	}
	v, ok = raw.(T)
	if !ok {
		return v, false, fmt.Errorf("%s: want %T, got %T", k, v, raw)
	}
	return v, true, nil
}

// decoder reads typed values out of a map and remembers the first error,
// so that decoding a record reads as a list of fields.
type decoder struct {
	m   map[string]any
	err error
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *decoder) str(k string) string {
	v, _, err := value[string](d.m, k)
	d.fail(err)
	return v
}

func (d *decoder) boolean(k string) bool {
	v, _, err := value[bool](d.m, k)
	d.fail(err)
	return v
}

func (d *decoder) float(k string) *float64 {
	raw, ok := d.m[k]
	switch v := raw.(type) {
	case nil:
		return nil
	case float64:
		return &v
	case int64: // a value written by hand as an integer
		f := float64(v)
		return &f
	}
	if ok {
		d.fail(fmt.Errorf("%s: want a number, got %T", k, raw))
	}
	return nil
}

func (d *decoder) int(k string) *int {
	v, ok, err := value[int64](d.m, k)
	d.fail(err)
	if !ok {
		return nil
	}
	i := int(v)
	return &i
}

func (d *decoder) date(k string) *kg.Date {
	raw, ok := d.m[k]
	var s string
	switch v := raw.(type) {
	case nil:
		return nil
	case neo4j.Date:
		s = v.Time().Format(time.DateOnly)
	case string: // a value written by hand as a string
		s = v
	default:
		if ok {
			d.fail(fmt.Errorf("%s: want a date, got %T", k, raw))
		}
		return nil
	}
	date, err := kg.ParseDate(s)
	if err != nil {
		d.fail(fmt.Errorf("%s: %w", k, err))
		return nil
	}
	return &date
}

func (d *decoder) point(k string) kg.GeoPoint {
	v, _, err := value[neo4j.Point2D](d.m, k)
	d.fail(err)
	return kg.GeoPoint{Lat: v.Y, Lon: v.X}
}

func (d *decoder) strings(k string) []string {
	v, _, err := value[[]any](d.m, k)
	d.fail(err)
	out := make([]string, 0, len(v))
	for _, x := range v {
		s, ok := x.(string)
		if !ok {
			d.fail(fmt.Errorf("%s: want strings, got %T", k, x))
			return nil
		}
		out = append(out, s)
	}
	return out
}

// ref reads a reference field: the smallest id of the list the projection
// returns (there is at most one unless the data is broken), or "". It reads
// the list in place: most records hold a reference or more, and decoding
// reads every record a request touches.
func (d *decoder) ref(k string) string {
	v, _, err := value[[]any](d.m, k)
	d.fail(err)
	smallest, found := "", false
	for _, x := range v {
		s, ok := x.(string)
		if !ok {
			d.fail(fmt.Errorf("%s: want strings, got %T", k, x))
			return ""
		}
		if !found || s < smallest {
			smallest, found = s, true
		}
	}
	return smallest
}

func (d *decoder) citations(k string) []kg.Citation {
	return decodeJSON(d, k, &decodedCitations, citationsOf)
}

// record reads the provenance of the record id into r.
func (d *decoder) record(r *kg.Record, id string) {
	*r = kg.Record{ID: id, Confidence: kg.Confidence(d.str(propConfidence)), Sources: d.citations(propSources)}
	if aliases := d.strings(propAliases); len(aliases) > 0 {
		r.Aliases = aliases
	}
	r.Facts = decodeJSON(d, propFacts, &decodedFacts, func(fs []factJSON) []kg.Fact {
		var out []kg.Fact
		for _, f := range fs {
			out = append(out, kg.Fact{Key: f.Key, Value: f.Value, Type: kg.FactType(f.Type), Note: f.Note,
				Sources: citationsOf(f.Sources)})
		}
		return out
	})
	r.Discrepancies = decodeJSON(d, propDiscrepancies, &decodedDiscrepancies, func(ds []discrepancyJSON) []kg.Discrepancy {
		var out []kg.Discrepancy
		for _, x := range ds {
			out = append(out, kg.Discrepancy{Field: x.Field, Recorded: x.Recorded,
				Stated: x.Stated, Note: x.Note, Sources: citationsOf(x.Sources)})
		}
		return out
	})
}

// decoders are the decoders decodeNode reuses.
var decoders = sync.Pool{New: func() any { return new(decoder) }}

// decodeNode converts a node projection (see projection) into a record.
func decodeNode(raw any) (kg.Node, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("node: want a map, got %T", raw)
	}
	// The decoder reaches the kind's table through calls the compiler
	// cannot follow, so it would be allocated per record: reuse one.
	d := decoders.Get().(*decoder)
	*d = decoder{m: m}
	n, err := decodeWith(d)
	*d = decoder{}
	decoders.Put(d)
	return n, err
}

// decodeWith decodes the record d reads.
func decodeWith(d *decoder) (kg.Node, error) {
	id := d.str(propID)
	if d.err != nil || id == "" {
		return nil, fmt.Errorf("node without an id: %v", d.err)
	}
	t, ok := kindTables[kg.KindOf(id)]
	if !ok {
		return nil, fmt.Errorf("node %s: not a kind of record", id)
	}
	n := t.decode(d, id)
	if d.err != nil {
		return nil, fmt.Errorf("node %s: %w", id, d.err)
	}
	return n, nil
}

// decodeEdge converts a relationship projection (see edgeProjection).
func decodeEdge(t kg.RelType, raw any) (*kg.Edge, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s relationship: want a map, got %T", t, raw)
	}
	d := &decoder{m: m}
	e := &kg.Edge{Type: t, From: d.str("fromId"), To: d.str("toId"), Role: kg.Role(d.str(relPropRole)),
		Office: d.str(relPropOffice), Relation: d.str(relPropRelation), Detail: d.str(relPropDetail),
		Extension: d.boolean(relPropExtension), BudgetIncrease: d.boolean(relPropBudgetIncrease),
		Confidence: kg.Confidence(d.str(propConfidence)), Sources: d.citations(propSources)}
	if d.err != nil {
		return nil, fmt.Errorf("%s relationship %s -> %s: %w", t, e.From, e.To, d.err)
	}
	return e, nil
}
