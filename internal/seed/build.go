package seed

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/famigraph/famigraph/internal/kg"
)

// Limits on seed values, so that a typo cannot produce an absurd record.
const (
	maxTextLen  = 2000
	maxQuoteLen = 500
)

var (
	factKeyRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	nutsRe    = regexp.MustCompile(`^[A-Z]{2}[A-Z0-9]{1,3}$`)
	istatRe   = regexp.MustCompile(`^[0-9]{2}$`)
	istatPRe  = regexp.MustCompile(`^[0-9]{3}$`)
	partDate  = regexp.MustCompile(`^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$`)
)

// entry is where a record was defined.
type entry struct {
	file   string
	path   string
	kind   kg.Kind
	org    kg.OrgKind // for organizations and regions
	parent string     // the call of an action or amendment, the fund of an objective
}

// builder validates the decoded files and converts them into a Dataset.
type builder struct {
	docs       Docs
	problems   []Problem
	ids        map[string]entry
	sources    map[string]*SourceDoc
	cited      map[string]bool
	ds         *kg.Dataset
	edgeKeys   map[string]loc   // edge key -> where it is first defined
	broken     bool             // some source did not decode: unused sources are not reported
	unreadable map[kg.Kind]bool // kinds whose file could not be read at all
	aliases    map[string]loc   // alias -> where it is first given
	groups     map[string]*kg.Body
}

// fileKinds are the kinds of record each file defines.
var fileKinds = map[string][]kg.Kind{
	SourcesFile:       {kg.KindSource},
	FundsFile:         {kg.KindFund, kg.KindObjective},
	CallsFile:         {kg.KindCall, kg.KindAction, kg.KindAmendment},
	RegionsFile:       {kg.KindRegion},
	OrganizationsFile: {kg.KindOrg},
	ProjectsFile:      {kg.KindProject},
	PlacesFile:        {kg.KindPlace},
	InitiativesFile:   {kg.KindInitiative},
}

// Build validates files and converts them into a Dataset. It returns every
// problem it finds; the dataset is nil when there is any.
func Build(files *Files, docs Docs) (*kg.Dataset, []Problem) {
	b := &builder{docs: docs, ids: map[string]entry{}, sources: map[string]*SourceDoc{},
		cited: map[string]bool{}, ds: &kg.Dataset{}, edgeKeys: map[string]loc{}, unreadable: map[kg.Kind]bool{},
		aliases: map[string]loc{}, groups: map[string]*kg.Body{}}
	for _, name := range FileNames {
		if _, read := docs[name]; !read {
			for _, k := range fileKinds[name] {
				b.unreadable[k] = true
			}
		}
	}
	b.collect(files)
	b.buildSources(files.Sources)
	b.broken = len(files.broken[SourcesFile]) > 0 || b.unreadable[kg.KindSource]
	buildAll(files, FundsFile, files.Funds, b.buildFund)
	buildAll(files, RegionsFile, files.Regions, b.buildRegion)
	buildAll(files, OrganizationsFile, files.Organizations, b.buildOrg)
	buildAll(files, CallsFile, files.Calls, b.buildCall)
	buildAll(files, ProjectsFile, files.Projects, b.buildProject)
	buildAll(files, PlacesFile, files.Places, b.buildPlace)
	buildAll(files, InitiativesFile, files.Initiatives, b.buildInitiative)
	b.deriveCallRegions()
	b.checkGroups()
	for i, s := range files.Sources {
		if !b.broken && s.ID != "" && b.sources[s.ID] == &files.Sources[i] && !b.cited[s.ID] {
			b.problem(SourcesFile, fmt.Sprintf("$[%d].id", i), "id", "source %s is never cited", s.ID)
		}
	}
	if len(b.problems) > 0 || len(files.broken) > 0 && anyBroken(files.broken) {
		return nil, b.problems
	}
	b.ds.Sort()
	return b.ds, nil
}

// buildAll builds, in order, every entry of a file that reads well, each
// with the YAML path of its place in the file.
func buildAll[T any](files *Files, file string, entries []T, build func(*T, string)) {
	for i := range entries {
		if !files.isBroken(file, i) {
			build(&entries[i], fmt.Sprintf("$[%d]", i))
		}
	}
}

func anyBroken(m map[string]map[int]bool) bool {
	for _, f := range m {
		if len(f) > 0 {
			return true
		}
	}
	return false
}

func (b *builder) problem(file, path, field, format string, args ...any) {
	b.problems = append(b.problems, Problem{File: file, Line: b.docs.Line(file, path), Field: field,
		Message: fmt.Sprintf(format, args...)})
}

// loc is a position in a seed file: the file and the YAML path of a node.
type loc struct {
	file string
	path string
}

func (l loc) at(field string) loc { return loc{l.file, l.path + "." + field} }

func (l loc) idx(field string, i int) loc {
	return loc{l.file, fmt.Sprintf("%s.%s[%d]", l.path, field, i)}
}

// fieldName is the dotted name of l's last steps, for messages:
// "$[2].participants[1].org" -> "participants[1].org".
func (l loc) fieldName() string {
	p := l.path
	if i := strings.Index(p, "]."); i >= 0 && strings.HasPrefix(p, "$[") {
		return p[i+2:]
	}
	return strings.TrimPrefix(p, "$")
}

// where is "file:line" of l, for messages.
func (b *builder) where(l loc) string {
	return fmt.Sprintf("%s:%d", l.file, b.docs.Line(l.file, l.path))
}

func (b *builder) fail(l loc, format string, args ...any) {
	b.problem(l.file, l.path, l.fieldName(), format, args...)
}

// collect registers every id first, so that references can point forward.
func (b *builder) collect(f *Files) {
	reg := func(l loc, id string, kind kg.Kind, org kg.OrgKind, parent string) {
		idl := l.at("id")
		bad := func(format string, args ...any) {
			b.fail(idl, format, args...)
			// A record without a usable id is not built, so that its
			// problem does not cascade into others.
			var i int
			if _, err := fmt.Sscanf(l.path, "$[%d]", &i); err == nil && !strings.Contains(l.path, ".") {
				f.markBroken(l.file, i)
			}
		}
		if id == "" {
			bad("is required")
			return
		}
		k, _, err := kg.ParseID(id)
		if err != nil {
			bad("%s", kg.ErrorMessage(err))
			return
		}
		if k != kind {
			bad("id %s must be a %s id in this place", id, kind)
			return
		}
		if prev, dup := b.ids[id]; dup {
			bad("duplicate id %s, first defined at %s:%d", id, prev.file, b.docs.Line(prev.file, prev.path))
			return
		}
		b.ids[id] = entry{file: l.file, path: idl.path, kind: kind, org: org, parent: parent}
	}
	for i, s := range f.Sources {
		reg(loc{SourcesFile, fmt.Sprintf("$[%d]", i)}, s.ID, kg.KindSource, "", "")
	}
	for i, fd := range f.Funds {
		l := loc{FundsFile, fmt.Sprintf("$[%d]", i)}
		reg(l, fd.ID, kg.KindFund, "", "")
		for j, o := range fd.Objectives {
			reg(l.idx("objectives", j), o.ID, kg.KindObjective, "", fd.ID)
		}
	}
	for i, c := range f.Calls {
		l := loc{CallsFile, fmt.Sprintf("$[%d]", i)}
		reg(l, c.ID, kg.KindCall, "", "")
		for j, a := range c.Actions {
			reg(l.idx("actions", j), a.ID, kg.KindAction, "", c.ID)
		}
		for j, a := range c.Amendments {
			reg(l.idx("amendments", j), a.ID, kg.KindAmendment, "", c.ID)
		}
	}
	for i, r := range f.Regions {
		reg(loc{RegionsFile, fmt.Sprintf("$[%d]", i)}, r.ID, kg.KindRegion, kg.OrgKind(r.Kind), "")
	}
	for i, o := range f.Organizations {
		reg(loc{OrganizationsFile, fmt.Sprintf("$[%d]", i)}, o.ID, kg.KindOrg, kg.OrgKind(o.Kind), "")
	}
	for i, p := range f.Projects {
		reg(loc{ProjectsFile, fmt.Sprintf("$[%d]", i)}, p.ID, kg.KindProject, "", "")
	}
	for i, p := range f.Places {
		reg(loc{PlacesFile, fmt.Sprintf("$[%d]", i)}, p.ID, kg.KindPlace, "", "")
	}
	for i, in := range f.Initiatives {
		reg(loc{InitiativesFile, fmt.Sprintf("$[%d]", i)}, in.ID, kg.KindInitiative, "", "")
	}
}

// ref checks that id names an existing record of one of the kinds.
func (b *builder) ref(l loc, id string, required bool, kinds ...kg.Kind) bool {
	if id == "" {
		if required {
			b.fail(l, "is required")
		}
		return false
	}
	e, ok := b.ids[id]
	if !ok {
		if k, _, err := kg.ParseID(id); err != nil {
			b.fail(l, "%s", kg.ErrorMessage(err))
		} else if !b.unreadable[k] {
			// A reference into a file that could not be read at all is not
			// reported: that file's own problem says why.
			b.fail(l, "unknown reference %s", id)
		}
		return false
	}
	for _, k := range kinds {
		if e.kind == k {
			return true
		}
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	b.fail(l, "%s is a %s, want a %s", id, e.kind, strings.Join(names, " or "))
	return false
}

// text checks a free-text value: trimmed, bounded, present if required.
func (b *builder) text(l loc, s string, required bool) string {
	if s == "" {
		if required {
			b.fail(l, "is required")
		}
		return ""
	}
	if strings.TrimSpace(s) != s {
		b.fail(l, "has leading or trailing spaces")
	}
	if len(s) > maxTextLen {
		b.fail(l, "is longer than %d characters", maxTextLen)
	}
	return s
}

func (b *builder) date(l loc, s string, required bool) *kg.Date {
	if s == "" {
		if required {
			b.fail(l, "is required")
		}
		return nil
	}
	d, err := kg.ParseDate(s)
	if err != nil {
		b.fail(l, "%v", err)
		return nil
	}
	return &d
}

func (b *builder) amount(l loc, v *float64) *float64 {
	if v == nil {
		return nil
	}
	if math.IsNaN(*v) || math.IsInf(*v, 0) || *v < 0 {
		b.fail(l, "must be a finite amount of zero or more, got %v", *v)
		return nil
	}
	return v
}

func (b *builder) count(l loc, v *int) *int {
	if v != nil && *v < 0 {
		b.fail(l, "must not be negative, got %d", *v)
		return nil
	}
	return v
}

func (b *builder) url(l loc, s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		b.fail(l, "%q is not an http or https URL", s)
		return ""
	}
	return s
}

func (b *builder) order(l loc, start, end *kg.Date) {
	if start != nil && end != nil && *end < *start {
		b.fail(l, "end date %s is before start date %s", *end, *start)
	}
}

// cites converts a citation list; at least one citation is required.
func (b *builder) cites(l loc, cs []CitationDoc) []kg.Citation {
	if len(cs) == 0 {
		b.fail(l, "at least one citation is required")
		return nil
	}
	out := make([]kg.Citation, 0, len(cs))
	for i, c := range cs {
		cl := loc{l.file, fmt.Sprintf("%s[%d]", l.path, i)}
		src, ok := b.sources[c.Source]
		if !ok {
			b.ref(cl.at("source"), c.Source, true, kg.KindSource)
		} else {
			b.cited[c.Source] = true
		}
		conf := kg.Confidence(c.Confidence)
		if !conf.Valid() {
			b.fail(cl.at("confidence"), "must be HIGH, MEDIUM or LOW, got %q", c.Confidence)
		}
		if strings.TrimSpace(c.Quote) == "" {
			b.fail(cl.at("quote"), "is required")
		} else if len(c.Quote) > maxQuoteLen {
			b.fail(cl.at("quote"), "is longer than %d characters", maxQuoteLen)
		}
		b.text(cl.at("field"), c.Field, false)
		b.text(cl.at("note"), c.Note, false)
		cit := kg.Citation{SourceID: c.Source, Quote: c.Quote, Confidence: conf, Field: c.Field, Note: c.Note}
		if src != nil {
			cit.Title, cit.URL, cit.Document = src.Title, src.URL, src.Document
		}
		out = append(out, cit)
	}
	return out
}

// record converts the provenance common to every record.
func (b *builder) record(l loc, id string, p *Provenance) kg.Record {
	r := kg.Record{ID: id, Sources: b.cites(l.at("sources"), p.Sources)}
	for i, a := range p.Aliases {
		al := l.idx("aliases", i)
		if err := kg.CheckAlias(a); err != nil {
			b.fail(al, "%s", kg.ErrorMessage(err))
			continue
		}
		if a == id {
			b.fail(al, "%s is the record's own id", a)
			continue
		}
		if e, ok := b.ids[a]; ok {
			b.fail(al, "%s is the id of the record at %s:%d", a, e.file, b.docs.Line(e.file, e.path))
			continue
		}
		if prev, dup := b.aliases[a]; dup {
			b.fail(al, "alias %s is also given at %s", a, b.where(prev))
			continue
		}
		b.aliases[a] = al
		r.Aliases = append(r.Aliases, a)
	}
	slices.Sort(r.Aliases)
	for i, f := range p.Facts {
		fl := l.idx("facts", i)
		if !factKeyRe.MatchString(f.Key) {
			b.fail(fl.at("key"), "must be snake_case, got %q", f.Key)
		}
		t := kg.FactType(f.Type)
		if f.Type == "" {
			t = kg.FactString
		}
		v := b.text(fl.at("value"), f.Value, true)
		switch t {
		case kg.FactString:
		case kg.FactNumber:
			if _, err := strconv.ParseFloat(v, 64); v != "" && err != nil {
				b.fail(fl.at("value"), "%q is not a number", v)
			}
		case kg.FactDate:
			if v != "" && !partDate.MatchString(v) {
				b.fail(fl.at("value"), "%q is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", v)
			} else if len(v) == 10 {
				b.date(fl.at("value"), v, false)
			}
		case kg.FactURL:
			b.url(fl.at("value"), v)
		case kg.FactEntity:
			if v != "" {
				b.ref(fl.at("value"), v, true, kg.Kinds...)
			}
		default:
			b.fail(fl.at("type"), "must be STRING, NUMBER, DATE, URL or ENTITY, got %q", f.Type)
		}
		r.Facts = append(r.Facts, kg.Fact{Key: f.Key, Value: v, Type: t,
			Note: b.text(fl.at("note"), f.Note, false), Sources: b.cites(fl.at("sources"), f.Sources)})
	}
	for i, d := range p.Discrepancies {
		dl := l.idx("discrepancies", i)
		r.Discrepancies = append(r.Discrepancies, kg.Discrepancy{
			Field:    b.text(dl.at("field"), d.Field, true),
			Recorded: b.text(dl.at("recorded"), d.Recorded, true),
			Stated:   b.text(dl.at("stated"), d.Stated, true),
			Note:     b.text(dl.at("note"), d.Note, true),
			Sources:  b.cites(dl.at("sources"), d.Sources),
		})
	}
	r.Confidence = kg.MaxConfidence(r.Sources)
	return r
}

// fieldCites returns the citations of r that support field, or the
// record-level ones when none names it.
func fieldCites(r *kg.Record, field string) []kg.Citation {
	var named, plain []kg.Citation
	for _, c := range r.Sources {
		switch c.Field {
		case field:
			named = append(named, c)
		case "":
			plain = append(plain, c)
		}
	}
	if len(named) > 0 {
		return named
	}
	if len(plain) > 0 {
		return plain
	}
	return r.Sources
}

// edge adds a relationship, refusing a second one with the same key.
func (b *builder) edge(l loc, e *kg.Edge) {
	key := e.Key()
	if prev, dup := b.edgeKeys[key]; dup {
		b.fail(l, "duplicate %s from %s to %s, first defined at %s", e.Type, e.From, e.To, b.where(prev))
		return
	}
	// The line is looked up only for a message: it costs a walk of the
	// syntax tree.
	b.edgeKeys[key] = l
	e.Confidence = kg.MaxConfidence(e.Sources)
	b.ds.Edges = append(b.ds.Edges, e)
}

// link adds the relationship e that an entry of a list states (read at l:
// the record it names, id, at key, and the entry's sources), when id names
// a record of one of the kinds; it returns the relationship added, or nil.
func (b *builder) link(l loc, key, id string, sources []CitationDoc, e kg.Edge, kinds ...kg.Kind) *kg.Edge {
	cs := b.cites(l.at("sources"), sources)
	if !b.ref(l.at(key), id, true, kinds...) {
		return nil
	}
	e.Sources = cs
	b.edge(l, &e)
	return &e
}

// reference reads the reference the catalogue row ("Type.field") of a
// record (rec) describes, id at the field's name (required unless the row
// says it is optional): when id names a record of the row's kinds, it sets
// *field and adds the relationship that keeps the reference (the row's),
// with the field's citations, and reports whether it did.
func (b *builder) reference(l loc, row string, rec *kg.Record, field *string, id string) bool {
	r := kg.RelOf(row)
	_, name, _ := strings.Cut(row, ".")
	if !b.ref(l.at(name), id, r.Missing == kg.Required, r.Kinds...) {
		return false
	}
	*field = id
	from, to := rec.ID, id
	if !r.Out {
		from, to = id, rec.ID
	}
	b.fkEdge(l.at(name), r.Rels[0], rec, name, from, to)
	return true
}

// fkEdge adds the relationship a reference field implies, with the
// citations of that field.
func (b *builder) fkEdge(l loc, t kg.RelType, r *kg.Record, field, from, to string) {
	b.edge(l, &kg.Edge{Type: t, From: from, To: to, Sources: fieldCites(r, field)})
}

func (b *builder) buildSources(ss []SourceDoc) {
	for i := range ss {
		s := &ss[i]
		l := loc{SourcesFile, fmt.Sprintf("$[%d]", i)}
		if e, ok := b.ids[s.ID]; ok && e.file == SourcesFile && e.path == l.at("id").path {
			b.sources[s.ID] = s
		}
		b.text(l.at("title"), s.Title, true)
		b.url(l.at("url"), s.URL)
		b.text(l.at("document"), s.Document, false)
		b.text(l.at("publisher"), s.Publisher, false)
		b.text(l.at("note"), s.Note, false)
	}
}

func (b *builder) buildFund(f *FundDoc, path string) {
	l := loc{FundsFile, path}
	fund := &kg.Fund{Record: b.record(l, f.ID, &f.Provenance),
		Name: b.text(l.at("name"), f.Name, true), Period: b.text(l.at("period"), f.Period, true)}
	b.ds.Nodes = append(b.ds.Nodes, fund)
	for i := range f.Objectives {
		o := &f.Objectives[i]
		ol := l.idx("objectives", i)
		obj := &kg.Objective{Record: b.record(ol, o.ID, &o.Provenance), FundID: f.ID,
			Code: b.text(ol.at("code"), o.Code, true), Name: b.text(ol.at("name"), o.Name, true),
			BudgetEUR: b.amount(ol.at("budgetEUR"), o.BudgetEUR)}
		if o.SharePercent != nil {
			if v := *o.SharePercent; math.IsNaN(v) || v < 0 || v > 100 {
				b.fail(ol.at("sharePercent"), "must be between 0 and 100, got %v", v)
			} else {
				obj.SharePercent = o.SharePercent
			}
		}
		b.ds.Nodes = append(b.ds.Nodes, obj)
		b.fkEdge(ol, kg.RelPartOf, &obj.Record, "fund", obj.ID, f.ID)
	}
}

func (b *builder) buildRegion(r *RegionDoc, path string) {
	l := loc{RegionsFile, path}
	reg := &kg.Region{Record: b.record(l, r.ID, &r.Provenance),
		Name: b.text(l.at("name"), r.Name, true), Kind: kg.OrgKind(r.Kind),
		NUTSCode: r.NUTSCode, ISTATCode: r.ISTATCode, ISTATProvinceCode: r.ISTATProvinceCode,
		Capital: b.text(l.at("capital"), r.Capital, false), SpecialStatute: r.SpecialStatute}
	if reg.Kind != kg.OrgRegion && reg.Kind != kg.OrgAutonomousProvince {
		b.fail(l.at("kind"), "must be REGION or AUTONOMOUS_PROVINCE, got %q", r.Kind)
	}
	if !nutsRe.MatchString(r.NUTSCode) {
		b.fail(l.at("nutsCode"), "%q is not a NUTS code", r.NUTSCode)
	} else if prev, dup := b.ids["nuts:"+r.NUTSCode]; dup {
		b.fail(l.at("nutsCode"), "NUTS code %s is also used at %s:%d", r.NUTSCode, prev.file, b.docs.Line(prev.file, prev.path))
	} else {
		b.ids["nuts:"+r.NUTSCode] = entry{file: l.file, path: l.at("nutsCode").path}
	}
	if !istatRe.MatchString(r.ISTATCode) {
		b.fail(l.at("istatCode"), "must be two digits, got %q", r.ISTATCode)
	}
	if r.ISTATProvinceCode != "" && !istatPRe.MatchString(r.ISTATProvinceCode) {
		b.fail(l.at("istatProvinceCode"), "must be three digits, got %q", r.ISTATProvinceCode)
	}
	switch {
	case r.Centroid.Lat == nil || r.Centroid.Lon == nil:
		b.fail(l.at("centroid"), "lat and lon are required")
	case *r.Centroid.Lat < -90 || *r.Centroid.Lat > 90 || *r.Centroid.Lon < -180 || *r.Centroid.Lon > 180:
		b.fail(l.at("centroid"), "(%v, %v) is not a WGS84 position", *r.Centroid.Lat, *r.Centroid.Lon)
	default:
		reg.Centroid = kg.GeoPoint{Lat: *r.Centroid.Lat, Lon: *r.Centroid.Lon}
	}
	b.ds.Nodes = append(b.ds.Nodes, reg)
}

func (b *builder) buildOrg(o *OrgDoc, path string) {
	l := loc{OrganizationsFile, path}
	body := &kg.Body{Record: b.record(l, o.ID, &o.Provenance), Name: b.text(l.at("name"), o.Name, true),
		Kind: kg.OrgKind(o.Kind), TypeLabel: b.text(l.at("typeLabel"), o.TypeLabel, false),
		Website: b.url(l.at("website"), o.Website)}
	if !body.Kind.Valid() || body.Kind == kg.OrgRegion || body.Kind == kg.OrgAutonomousProvince {
		b.fail(l.at("kind"), "%q is not a kind of body (regions belong in %s)", o.Kind, RegionsFile)
	}
	b.reference(l, "Body.region", &body.Record, &body.RegionID, o.Region)
	if g := o.Group; g != nil {
		gl := l.at("group")
		body.Group = &kg.Group{DeclaredSize: b.count(gl.at("declaredSize"), g.DeclaredSize)}
		if g.DeclaredSize != nil && *g.DeclaredSize < 2 {
			b.fail(gl.at("declaredSize"), "a group has at least 2 members, got %d", *g.DeclaredSize)
		}
		for i, m := range g.Members {
			ml := gl.idx("members", i)
			cs := b.cites(ml.at("sources"), m.Sources)
			if !b.ref(ml.at("org"), m.Org, true, kg.KindOrg, kg.KindRegion) {
				continue
			}
			if m.Org == body.ID {
				b.fail(ml.at("org"), "a group cannot be its own member")
				continue
			}
			body.Group.KnownMembers++
			b.edge(ml, &kg.Edge{Type: kg.RelMemberOf, From: m.Org, To: body.ID, Sources: cs})
		}
		if g.DeclaredSize != nil && body.Group.KnownMembers > *g.DeclaredSize {
			b.fail(gl.at("members"), "%d members for a declared size of %d", body.Group.KnownMembers, *g.DeclaredSize)
		}
		b.groups[body.ID] = body
	}
	for i, n := range o.Networks {
		nl := l.idx("networks", i)
		if _, ok := kg.NetworkKinds[n.Network]; !ok {
			b.fail(nl.at("network"), "unknown network %q (known: %s)", n.Network, kg.NetworkSAI)
		}
		m := kg.NetworkMembership{Network: n.Network, Name: b.text(nl.at("name"), n.Name, true),
			Note: b.text(nl.at("note"), n.Note, false), Sources: b.cites(nl.at("sources"), n.Sources)}
		m.Confidence = kg.MaxConfidence(m.Sources)
		body.Networks = append(body.Networks, m)
	}
	b.ds.Nodes = append(b.ds.Nodes, body)
}

// checkGroups requires the members of a complete group (every member
// identified) to take part, by name, in every project the group takes part
// in, in the same role: counts and networks then use the members and leave
// the group out, neither short nor double.
func (b *builder) checkGroups() {
	if len(b.problems) > 0 {
		return
	}
	roles := map[string]kg.Role{} // from|to -> role
	for _, e := range b.ds.Edges {
		if e.Type == kg.RelParticipatesIn {
			roles[e.From+"|"+e.To] = e.Role
		}
	}
	members := map[string][]string{}
	for _, e := range b.ds.Edges {
		if e.Type == kg.RelMemberOf {
			members[e.To] = append(members[e.To], e.From)
		}
	}
	for _, e := range b.ds.Edges {
		g := b.groups[e.From]
		if e.Type != kg.RelParticipatesIn || g == nil || !g.Group.Complete() {
			continue
		}
		for _, m := range members[g.ID] {
			if role, ok := roles[m+"|"+e.To]; !ok || role != e.Role {
				at := b.ids[g.ID]
				b.problem(at.file, at.path, "group", "%s is a complete group: its member %s must take part in %s as %s too",
					g.ID, m, e.To, e.Role)
			}
		}
	}
}

func (b *builder) buildCall(c *CallDoc, path string) {
	l := loc{CallsFile, path}
	call := &kg.Call{Record: b.record(l, c.ID, &c.Provenance),
		Code: b.text(l.at("code"), c.Code, true), Name: b.text(l.at("name"), c.Name, true),
		Title: b.text(l.at("title"), c.Title, true), Description: b.text(l.at("description"), c.Description, false),
		BudgetEUR: b.amount(l.at("budgetEUR"), c.BudgetEUR), AwardedEUR: b.amount(l.at("awardedEUR"), c.AwardedEUR),
		AdoptedOn: b.date(l.at("adoptedOn"), c.AdoptedOn, false), Decree: b.text(l.at("decree"), c.Decree, false),
		Registration: b.text(l.at("registration"), c.Registration, false),
		StartDate:    b.date(l.at("startDate"), c.StartDate, false), EndDate: b.date(l.at("endDate"), c.EndDate, false),
		MaxDurationMonths: b.count(l.at("maxDurationMonths"), c.MaxDurationMonths),
		Declared: kg.Counts{
			Regions:      b.count(l.at("declared.regions"), c.Declared.Regions),
			Projects:     b.count(l.at("declared.projects"), c.Declared.Projects),
			Schools:      b.count(l.at("declared.schools"), c.Declared.Schools),
			LocalBodies:  b.count(l.at("declared.localBodies"), c.Declared.LocalBodies),
			ANCIChapters: b.count(l.at("declared.anciChapters"), c.Declared.ANCIChapters),
		}}
	b.order(l.at("endDate"), call.StartDate, call.EndDate)
	b.reference(l, "Call.fund", &call.Record, &call.FundID, c.Fund)
	for i, o := range c.Objectives {
		if b.ref(l.idx("objectives", i), o, true, kg.KindObjective) {
			call.ObjectiveIDs = append(call.ObjectiveIDs, o)
			b.fkEdge(l.idx("objectives", i), kg.RelUnderObjective, &call.Record, "objectives", call.ID, o)
		}
	}
	slices.Sort(call.ObjectiveIDs) // a canonical order, as a store returns them
	b.reference(l, "Call.issuer", &call.Record, &call.IssuerID, c.Issuer)
	b.ds.Nodes = append(b.ds.Nodes, call)

	for i := range c.Actions {
		a := &c.Actions[i]
		al := l.idx("actions", i)
		act := &kg.Action{Record: b.record(al, a.ID, &a.Provenance), CallID: c.ID,
			Code: b.text(al.at("code"), a.Code, true), Title: b.text(al.at("title"), a.Title, true),
			Description: b.text(al.at("description"), a.Description, false)}
		b.ds.Nodes = append(b.ds.Nodes, act)
		b.edge(al, &kg.Edge{Type: kg.RelHasAction, From: c.ID, To: act.ID, Sources: act.Sources})
	}
	for i := range c.Amendments {
		a := &c.Amendments[i]
		al := l.idx("amendments", i)
		am := &kg.Amendment{Record: b.record(al, a.ID, &a.Provenance), CallID: c.ID,
			Decree: b.text(al.at("decree"), a.Decree, false), BudgetIncrease: a.BudgetIncrease,
			PreviousEndDate: b.date(al.at("previousEndDate"), a.PreviousEndDate, false),
			NewEndDate:      b.date(al.at("newEndDate"), a.NewEndDate, false),
			NewDeadline:     b.date(al.at("newDeadline"), a.NewDeadline, false),
			Summary:         b.text(al.at("summary"), a.Summary, false)}
		if d := b.date(al.at("date"), a.Date, true); d != nil {
			am.Date = *d
		}
		b.order(al.at("newEndDate"), am.PreviousEndDate, am.NewEndDate)
		if am.NewEndDate == nil && am.NewDeadline == nil && !am.BudgetIncrease && am.Summary == "" {
			b.fail(al, "an amendment must change something: newEndDate, newDeadline, budgetIncrease or summary")
		}
		b.ds.Nodes = append(b.ds.Nodes, am)
		b.edge(al, &kg.Edge{Type: kg.RelAmendedBy, From: c.ID, To: am.ID, Sources: am.Sources})
		for j, ad := range a.Adherents {
			adl := al.idx("adherents", j)
			if !ad.Extension && !ad.BudgetIncrease {
				b.fail(adl, "an adherent must join the extension, the budget increase or both")
			}
			if ad.BudgetIncrease && !a.BudgetIncrease {
				b.fail(adl.at("budgetIncrease"), "the amendment does not increase the budget")
			}
			if ad.Extension && a.NewEndDate == "" {
				b.fail(adl.at("extension"), "the amendment does not extend the end date")
			}
			b.link(adl, "region", ad.Region, ad.Sources, kg.Edge{Type: kg.RelAdheresTo, From: ad.Region, To: am.ID,
				Extension: ad.Extension, BudgetIncrease: ad.BudgetIncrease}, kg.KindRegion)
		}
	}
	for i, r := range c.Regions {
		b.link(l.idx("regions", i), "region", r.Region, r.Sources,
			kg.Edge{Type: kg.RelTakesPartIn, From: r.Region, To: c.ID}, kg.KindRegion)
	}
	for i, lk := range c.CapitalisesOn {
		ll := l.idx("capitalisesOn", i)
		if lk.Project != "" {
			b.fail(ll.at("project"), "a call capitalises on calls, not projects")
		}
		b.lineage(ll, c.ID, lk.Call, lk, kg.KindCall, "call")
	}
}

func (b *builder) lineage(l loc, from, to string, lk LineageDoc, kind kg.Kind, field string) {
	rel := kg.RelType(lk.Relation)
	if rel != kg.RelCapitalisesOn && rel != kg.RelContinues {
		b.fail(l.at("relation"), "must be CAPITALISES_ON or CONTINUES, got %q", lk.Relation)
	}
	cs := b.cites(l.at("sources"), lk.Sources)
	if !b.ref(l.at(field), to, true, kind) {
		return
	}
	if to == from {
		b.fail(l.at(field), "%s cannot build on itself", from)
		return
	}
	b.edge(l, &kg.Edge{Type: rel, From: from, To: to, Sources: cs})
}

func (b *builder) buildProject(p *ProjectDoc, path string) {
	l := loc{ProjectsFile, path}
	proj := &kg.Project{Record: b.record(l, p.ID, &p.Provenance),
		Title: b.text(l.at("title"), p.Title, true), Acronym: b.text(l.at("acronym"), p.Acronym, false),
		Description: b.text(l.at("description"), p.Description, false),
		BudgetEUR:   b.amount(l.at("budgetEUR"), p.BudgetEUR),
		StartDate:   b.date(l.at("startDate"), p.StartDate, false), EndDate: b.date(l.at("endDate"), p.EndDate, false),
		Code: b.text(l.at("code"), p.Code, false), CUP: b.text(l.at("cup"), p.CUP, false),
		Website: b.url(l.at("website"), p.Website)}
	b.order(l.at("endDate"), proj.StartDate, proj.EndDate)
	callOK := b.reference(l, "Project.call", &proj.Record, &proj.CallID, p.Call)
	if callOK && !slices.ContainsFunc(proj.Sources, func(c kg.Citation) bool { return c.Field == "call" }) {
		b.fail(l.at("call"), "needs a citation with field: call")
	}
	b.reference(l, "Project.region", &proj.Record, &proj.RegionID, p.Region)
	var lead *kg.Edge
	for i, pt := range p.Participants {
		pl := l.idx("participants", i)
		role := kg.Role(pt.Role)
		if !role.Valid() {
			b.fail(pl.at("role"), "must be LEAD, PARTNER or ADHERENT, got %q", pt.Role)
		}
		if role == kg.RoleLead {
			if proj.LeadID != "" {
				b.fail(pl.at("role"), "a project has one LEAD; %s is already its lead", proj.LeadID)
			} else {
				proj.LeadID = pt.Org
			}
		}
		cs := b.cites(pl.at("sources"), pt.Sources)
		if b.ref(pl.at("org"), pt.Org, true, kg.KindOrg, kg.KindRegion) {
			e := &kg.Edge{Type: kg.RelParticipatesIn, From: pt.Org, To: p.ID, Role: role,
				Office: b.text(pl.at("office"), pt.Office, false), Sources: cs}
			b.edge(pl, e)
			if role == kg.RoleLead {
				lead = e
			}
		}
	}
	// A project rests on its call, region and lead: its confidence is that
	// of the weakest of the three.
	claims := []kg.Confidence{kg.MaxConfidence(fieldCites(&proj.Record, "call")),
		kg.MaxConfidence(fieldCites(&proj.Record, "region"))}
	if lead != nil {
		claims = append(claims, lead.Confidence)
	}
	proj.Confidence = kg.MinConfidence(claims...)
	b.involvements(l, p.ID, p.Involvements, false)
	for i, a := range p.Actions {
		al := l.idx("actions", i)
		cs := b.cites(al.at("sources"), a.Sources)
		if b.ref(al.at("action"), a.Action, true, kg.KindAction) {
			if parent := b.ids[a.Action].parent; callOK && parent != p.Call {
				b.fail(al.at("action"), "%s is not an action of the project's call %s", a.Action, p.Call)
			}
			b.edge(al, &kg.Edge{Type: kg.RelImplements, From: p.ID, To: a.Action,
				Detail: b.text(al.at("detail"), a.Detail, false), Sources: cs})
		}
	}
	for i, lk := range p.CapitalisesOn {
		ll := l.idx("capitalisesOn", i)
		if lk.Call != "" {
			b.fail(ll.at("call"), "a project capitalises on projects, not calls")
		}
		b.lineage(ll, p.ID, lk.Project, lk, kg.KindProject, "project")
	}
	b.ds.Nodes = append(b.ds.Nodes, proj)
}

// involvements adds INVOLVED_IN relationships and returns the LEAD one of an
// initiative, if any.
func (b *builder) involvements(l loc, target string, ins []InvolvementDoc, initiative bool) (lead *kg.Edge) {
	for i, in := range ins {
		il := l.idx("involvements", i)
		valid := false
		for _, r := range kg.InvolvementRelations {
			valid = valid || (in.Relation == r && (initiative || (r != kg.InvolvedLead && r != kg.InvolvedPartner)))
		}
		if !valid {
			b.fail(il.at("relation"), "%q is not a relation for this record", in.Relation)
		}
		e := b.link(il, "org", in.Org, in.Sources, kg.Edge{Type: kg.RelInvolvedIn, From: in.Org, To: target,
			Relation: in.Relation}, kg.KindOrg, kg.KindRegion)
		if e != nil && in.Relation == kg.InvolvedLead && (lead == nil || e.Confidence.Rank() > lead.Confidence.Rank()) {
			lead = e
		}
	}
	return lead
}

func (b *builder) buildPlace(p *PlaceDoc, path string) {
	l := loc{PlacesFile, path}
	pl := &kg.Place{Record: b.record(l, p.ID, &p.Provenance), Name: b.text(l.at("name"), p.Name, true),
		Description: b.text(l.at("description"), p.Description, false)}
	b.reference(l, "Place.region", &pl.Record, &pl.RegionID, p.Region)
	if b.reference(l, "Place.municipality", &pl.Record, &pl.MunicipalityID, p.Municipality) &&
		b.ids[p.Municipality].org != kg.OrgMunicipality {
		b.fail(l.at("municipality"), "%s is not a MUNICIPALITY", p.Municipality)
	}
	for _, workers := range []struct {
		field string
		docs  []WorkerDoc
		kinds []kg.Kind
	}{
		{"organizations", p.Organizations, []kg.Kind{kg.KindOrg, kg.KindRegion}},
		{"projects", p.Projects, []kg.Kind{kg.KindProject}},
		{"initiatives", p.Initiatives, []kg.Kind{kg.KindInitiative}},
	} {
		for i, w := range workers.docs {
			b.link(l.idx(workers.field, i), "id", w.ID, w.Sources, kg.Edge{Type: kg.RelWorksAt, From: w.ID, To: p.ID},
				workers.kinds...)
		}
	}
	b.ds.Nodes = append(b.ds.Nodes, pl)
}

func (b *builder) buildInitiative(in *InitiativeDoc, path string) {
	l := loc{InitiativesFile, path}
	ini := &kg.Initiative{Record: b.record(l, in.ID, &in.Provenance), Title: b.text(l.at("title"), in.Title, true),
		Description: b.text(l.at("description"), in.Description, false)}
	b.reference(l, "Initiative.region", &ini.Record, &ini.RegionID, in.Region)
	b.reference(l, "Initiative.fund", &ini.Record, &ini.FundID, in.Fund)
	// Like a project, an initiative rests on its region, its fund and its
	// lead: its confidence is the weakest of them.
	claims := []kg.Confidence{kg.MaxConfidence(fieldCites(&ini.Record, "region"))}
	if ini.FundID != "" {
		claims = append(claims, kg.MaxConfidence(fieldCites(&ini.Record, "fund")))
	}
	if lead := b.involvements(l, in.ID, in.Involvements, true); lead != nil {
		claims = append(claims, lead.Confidence)
	}
	ini.Confidence = kg.MinConfidence(claims...)
	b.ds.Nodes = append(b.ds.Nodes, ini)
}

// deriveCallRegions adds TAKES_PART_IN for every region with a project under
// a call that no source lists explicitly, citing the projects' attribution.
func (b *builder) deriveCallRegions() {
	if len(b.problems) > 0 {
		return
	}
	derived := map[string]*kg.Edge{}
	var order []*kg.Edge
	for _, n := range b.ds.Nodes {
		p, ok := n.(*kg.Project)
		if !ok {
			continue
		}
		e := &kg.Edge{Type: kg.RelTakesPartIn, From: p.RegionID, To: p.CallID}
		if _, explicit := b.edgeKeys[e.Key()]; explicit {
			continue
		}
		if d, ok := derived[e.Key()]; ok {
			e = d
		} else {
			derived[e.Key()] = e
			order = append(order, e)
		}
		for _, c := range fieldCites(&p.Record, "call") {
			c.Note = strings.TrimSpace("through " + p.ID + ". " + c.Note)
			e.Sources = append(e.Sources, c)
		}
	}
	for _, e := range order {
		b.edge(loc{ProjectsFile, "$"}, e)
	}
}
