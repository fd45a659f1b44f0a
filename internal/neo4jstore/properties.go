package neo4jstore

import (
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/famigraph/famigraph/internal/kg"
)

// The property table: for each kind of record stored as a node, the
// properties it stores and the references it reads back from
// relationships, each declared once with how it is written from the record
// and read back into it. Encoding (encodeNode), decoding (decodeNode), the
// keys a projection returns and the property keys handed to the Cypher
// analyser are all derived from it. Dates are Neo4j DATE values,
// Region.centroid a WGS-84 POINT, counts INTEGER and amounts FLOAT.
var kindTables = map[kg.Kind]kindTable{
	kg.KindRegion: table[kg.Region](
		text("name", func(r *kg.Region) *string { return &r.Name }),
		text("kind", func(r *kg.Region) *kg.OrgKind { return &r.Kind }),
		text("nutsCode", func(r *kg.Region) *string { return &r.NUTSCode }),
		text("istatCode", func(r *kg.Region) *string { return &r.ISTATCode }),
		text("istatProvinceCode", func(r *kg.Region) *string { return &r.ISTATProvinceCode }),
		text("capital", func(r *kg.Region) *string { return &r.Capital }),
		flag("specialStatute", func(r *kg.Region) *bool { return &r.SpecialStatute }),
		point("centroid", func(r *kg.Region) *kg.GeoPoint { return &r.Centroid }),
	),
	kg.KindOrg: table[kg.Body](
		ref("Body.region", func(b *kg.Body) *string { return &b.RegionID }),
		text("name", func(b *kg.Body) *string { return &b.Name }),
		text("kind", func(b *kg.Body) *kg.OrgKind { return &b.Kind }),
		text("typeLabel", func(b *kg.Body) *string { return &b.TypeLabel }),
		text("website", func(b *kg.Body) *string { return &b.Website }),
		bodyGroup,
		bodyNetworks,
	),
	kg.KindFund: table[kg.Fund](
		text("name", func(f *kg.Fund) *string { return &f.Name }),
		text("period", func(f *kg.Fund) *string { return &f.Period }),
	),
	kg.KindObjective: table[kg.Objective](
		ref("Objective.fund", func(o *kg.Objective) *string { return &o.FundID }),
		text("code", func(o *kg.Objective) *string { return &o.Code }),
		text("name", func(o *kg.Objective) *string { return &o.Name }),
		amount("budgetEUR", func(o *kg.Objective) **float64 { return &o.BudgetEUR }),
		amount("sharePercent", func(o *kg.Objective) **float64 { return &o.SharePercent }),
	),
	kg.KindCall: table[kg.Call](
		ref("Call.fund", func(c *kg.Call) *string { return &c.FundID }),
		ref("Call.issuer", func(c *kg.Call) *string { return &c.IssuerID }),
		refList("Call.objectives", func(c *kg.Call) *[]string { return &c.ObjectiveIDs }),
		text("code", func(c *kg.Call) *string { return &c.Code }),
		text("name", func(c *kg.Call) *string { return &c.Name }),
		text("title", func(c *kg.Call) *string { return &c.Title }),
		text("description", func(c *kg.Call) *string { return &c.Description }),
		amount("budgetEUR", func(c *kg.Call) **float64 { return &c.BudgetEUR }),
		amount("awardedEUR", func(c *kg.Call) **float64 { return &c.AwardedEUR }),
		day("adoptedOn", func(c *kg.Call) **kg.Date { return &c.AdoptedOn }),
		text("decree", func(c *kg.Call) *string { return &c.Decree }),
		text("registration", func(c *kg.Call) *string { return &c.Registration }),
		day("startDate", func(c *kg.Call) **kg.Date { return &c.StartDate }),
		day("endDate", func(c *kg.Call) **kg.Date { return &c.EndDate }),
		count("maxDurationMonths", func(c *kg.Call) **int { return &c.MaxDurationMonths }),
		count("declaredRegions", func(c *kg.Call) **int { return &c.Declared.Regions }),
		count("declaredProjects", func(c *kg.Call) **int { return &c.Declared.Projects }),
		count("declaredSchools", func(c *kg.Call) **int { return &c.Declared.Schools }),
		count("declaredLocalBodies", func(c *kg.Call) **int { return &c.Declared.LocalBodies }),
		count("declaredAnciChapters", func(c *kg.Call) **int { return &c.Declared.ANCIChapters }),
	),
	kg.KindAction: table[kg.Action](
		ref("Action.call", func(a *kg.Action) *string { return &a.CallID }),
		text("code", func(a *kg.Action) *string { return &a.Code }),
		text("title", func(a *kg.Action) *string { return &a.Title }),
		text("description", func(a *kg.Action) *string { return &a.Description }),
	),
	kg.KindAmendment: table[kg.Amendment](
		ref("Amendment.call", func(a *kg.Amendment) *string { return &a.CallID }),
		amendmentDate,
		text("decree", func(a *kg.Amendment) *string { return &a.Decree }),
		day("previousEndDate", func(a *kg.Amendment) **kg.Date { return &a.PreviousEndDate }),
		day("newEndDate", func(a *kg.Amendment) **kg.Date { return &a.NewEndDate }),
		day("newDeadline", func(a *kg.Amendment) **kg.Date { return &a.NewDeadline }),
		flag("budgetIncrease", func(a *kg.Amendment) *bool { return &a.BudgetIncrease }),
		text("summary", func(a *kg.Amendment) *string { return &a.Summary }),
	),
	kg.KindProject: table[kg.Project](
		ref("Project.call", func(p *kg.Project) *string { return &p.CallID }),
		ref("Project.region", func(p *kg.Project) *string { return &p.RegionID }),
		ref("Project.lead", func(p *kg.Project) *string { return &p.LeadID }),
		text("title", func(p *kg.Project) *string { return &p.Title }),
		text("acronym", func(p *kg.Project) *string { return &p.Acronym }),
		text("description", func(p *kg.Project) *string { return &p.Description }),
		amount("budgetEUR", func(p *kg.Project) **float64 { return &p.BudgetEUR }),
		day("startDate", func(p *kg.Project) **kg.Date { return &p.StartDate }),
		day("endDate", func(p *kg.Project) **kg.Date { return &p.EndDate }),
		text("code", func(p *kg.Project) *string { return &p.Code }),
		text("cup", func(p *kg.Project) *string { return &p.CUP }),
		text("website", func(p *kg.Project) *string { return &p.Website }),
	),
	kg.KindPlace: table[kg.Place](
		ref("Place.region", func(p *kg.Place) *string { return &p.RegionID }),
		ref("Place.municipality", func(p *kg.Place) *string { return &p.MunicipalityID }),
		text("name", func(p *kg.Place) *string { return &p.Name }),
		text("description", func(p *kg.Place) *string { return &p.Description }),
	),
	kg.KindInitiative: table[kg.Initiative](
		ref("Initiative.region", func(i *kg.Initiative) *string { return &i.RegionID }),
		ref("Initiative.fund", func(i *kg.Initiative) *string { return &i.FundID }),
		text("title", func(i *kg.Initiative) *string { return &i.Title }),
		text("description", func(i *kg.Initiative) *string { return &i.Description }),
	),
}

// A Body's group: the declared size, when the source states it, and the
// number of members identified, stored only for a group.
var bodyGroup = field[*kg.Body]{
	keys: []string{"groupDeclaredSize", "groupKnownMembers"},
	encode: func(p props, b *kg.Body) error {
		if b.Group != nil {
			p.int("groupDeclaredSize", b.Group.DeclaredSize)
			p["groupKnownMembers"] = int64(b.Group.KnownMembers)
		}
		return nil
	},
	decode: func(d *decoder, b *kg.Body) {
		if known := d.int("groupKnownMembers"); known != nil {
			b.Group = &kg.Group{DeclaredSize: d.int("groupDeclaredSize"), KnownMembers: *known}
		}
	},
}

// A Body's networks, as JSON, and the kinds of their members
// (kg.NetworkKinds), which the organizations filter matches; the kinds are
// derived from the networks and not read back.
var bodyNetworks = field[*kg.Body]{
	keys: []string{"networks", "networkKinds"},
	encode: func(p props, b *kg.Body) error {
		nets := make([]networkJSON, len(b.Networks))
		var kinds []string
		for i, m := range b.Networks {
			nets[i] = networkJSON{Network: m.Network, Name: m.Name, Note: m.Note, Confidence: string(m.Confidence),
				Sources: citationsJSON(m.Sources)}
			if k := string(kg.NetworkKinds[m.Network]); k != "" && !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
		p.list("networkKinds", kinds)
		return p.json("networks", nets, len(nets) == 0)
	},
	decode: func(d *decoder, b *kg.Body) {
		b.Networks = decodeJSON(d, "networks", &decodedNetworks, func(nets []networkJSON) []kg.NetworkMembership {
			var out []kg.NetworkMembership
			for _, m := range nets {
				out = append(out, kg.NetworkMembership{Network: m.Network, Name: m.Name, Note: m.Note,
					Confidence: kg.Confidence(m.Confidence), Sources: citationsOf(m.Sources)})
			}
			return out
		})
	},
}

// An amendment's date, which every amendment has.
var amendmentDate = field[*kg.Amendment]{
	keys: []string{"date"},
	encode: func(p props, a *kg.Amendment) error {
		d := a.Date
		return p.date("date", &d)
	},
	decode: func(d *decoder, a *kg.Amendment) {
		if date := d.date("date"); date != nil {
			a.Date = *date
		}
	},
}

// kindTable is the table of one kind, whatever its record type.
type kindTable interface {
	// props lists the properties the kind stores, besides commonProps.
	props() []string
	// refs lists the references the kind reads back from relationships.
	refs() []storedRef
	// encode sets the kind's properties of n and returns its record.
	encode(p props, n kg.Node) (*kg.Record, error)
	// decode reads the record id, of the kind.
	decode(d *decoder, id string) kg.Node
}

// A field is one entry of a kind's table: properties the record of type T
// stores (keys), or a reference it holds (ref, a catalogue row whose
// relationships keep it).
type field[T any] struct {
	keys   []string
	ref    *kg.Rel
	encode func(props, T) error // nil for a reference: seeding writes the relationship
	decode func(*decoder, T)
	ids    func(T) []string // a reference's ids, as a projection returns them
}

// storedRef is a reference a projection returns: the catalogue row that
// says how the relationships keep it, and the key it is returned under.
type storedRef struct {
	key string
	rel *kg.Rel
	ids func(kg.Node) []string // the ids a record holds (for tests and fakes)
}

// nodeRecord is a record type of the graph: a pointer to S that carries a
// kg.Record.
type nodeRecord[S any] interface {
	*S
	kg.Node
	NodeRecord() *kg.Record
}

// typedTable is the table of the record type *S.
type typedTable[S any, T nodeRecord[S]] struct {
	fields   []field[T]
	decoders []func(*decoder, T) // the fields' decode, for a tight loop
	keys     []string
	stored   []storedRef
}

// table builds the table of record type *S from its fields.
func table[S any, T nodeRecord[S]](fields ...field[T]) *typedTable[S, T] {
	t := &typedTable[S, T]{fields: fields}
	for _, f := range fields {
		t.decoders = append(t.decoders, f.decode)
		t.keys = append(t.keys, f.keys...)
		if f.ref != nil {
			ids := f.ids
			t.stored = append(t.stored, storedRef{key: refKey(f.ref), rel: f.ref,
				ids: func(n kg.Node) []string { return ids(n.(T)) }})
		}
	}
	return t
}

func (t *typedTable[S, T]) props() []string   { return t.keys }
func (t *typedTable[S, T]) refs() []storedRef { return t.stored }

func (t *typedTable[S, T]) encode(p props, n kg.Node) (*kg.Record, error) {
	r, ok := n.(T)
	if !ok {
		return nil, fmt.Errorf("unknown record type %T", n)
	}
	for _, f := range t.fields {
		if f.encode == nil {
			continue
		}
		if err := f.encode(p, r); err != nil {
			return nil, err
		}
	}
	return r.NodeRecord(), nil
}

func (t *typedTable[S, T]) decode(d *decoder, id string) kg.Node {
	r := T(new(S))
	d.record(r.NodeRecord(), id)
	for _, decode := range t.decoders {
		decode(d, r)
	}
	return r
}

// text is a string property; an empty string is not stored.
func text[T any, S ~string](key string, at func(T) *S) field[T] {
	return field[T]{keys: []string{key},
		encode: func(p props, r T) error { p.str(key, string(*at(r))); return nil },
		decode: func(d *decoder, r T) { *at(r) = S(d.str(key)) }}
}

// amount is a FLOAT property, absent when unknown.
func amount[T any](key string, at func(T) **float64) field[T] {
	return field[T]{keys: []string{key},
		encode: func(p props, r T) error { p.float(key, *at(r)); return nil },
		decode: func(d *decoder, r T) { *at(r) = d.float(key) }}
}

// count is an INTEGER property, absent when unknown.
func count[T any](key string, at func(T) **int) field[T] {
	return field[T]{keys: []string{key},
		encode: func(p props, r T) error { p.int(key, *at(r)); return nil },
		decode: func(d *decoder, r T) { *at(r) = d.int(key) }}
}

// day is a DATE property, absent when unknown.
func day[T any](key string, at func(T) **kg.Date) field[T] {
	return field[T]{keys: []string{key},
		encode: func(p props, r T) error { return p.date(key, *at(r)) },
		decode: func(d *decoder, r T) { *at(r) = d.date(key) }}
}

// flag is a BOOLEAN property, always stored.
func flag[T any](key string, at func(T) *bool) field[T] {
	return field[T]{keys: []string{key},
		encode: func(p props, r T) error { p[key] = *at(r); return nil },
		decode: func(d *decoder, r T) { *at(r) = d.boolean(key) }}
}

// point is a WGS-84 POINT property, always stored.
func point[T any](key string, at func(T) *kg.GeoPoint) field[T] {
	return field[T]{keys: []string{key},
		encode: func(p props, r T) error {
			g := at(r)
			p[key] = neo4j.Point2D{X: g.Lon, Y: g.Lat, SpatialRefId: wgs84}
			return nil
		},
		decode: func(d *decoder, r T) { *at(r) = d.point(key) }}
}

// ref is a reference to one record, kept as the relationships of the
// catalogue row of the field row ("Type.field"): the smallest id they lead to.
func ref[T any](row string, at func(T) *string) field[T] {
	rel := storedRow(row)
	key := refKey(rel)
	return field[T]{ref: rel,
		decode: func(d *decoder, r T) { *at(r) = d.ref(key) },
		ids: func(r T) []string {
			if id := *at(r); id != "" {
				return []string{id}
			}
			return []string{}
		}}
}

// refList is a reference to several records, kept as the relationships of
// the catalogue row of the field row: every id they lead to, sorted (the order the
// embedded store keeps, see seed).
func refList[T any](row string, at func(T) *[]string) field[T] {
	rel := storedRow(row)
	key := refKey(rel)
	return field[T]{ref: rel,
		decode: func(d *decoder, r T) {
			ids := d.strings(key)
			slices.Sort(ids)
			if len(ids) == 0 {
				ids = nil
			}
			*at(r) = ids
		},
		ids: func(r T) []string { return append([]string{}, *at(r)...) }}
}

// storedRow returns the catalogue row of a reference kept as relationships.
func storedRow(name string) *kg.Rel {
	r := kg.RelOf(name)
	if r == nil || len(r.Rels) == 0 || len(r.Kinds) == 0 {
		panic("neo4jstore: " + name + " is not a catalogue row with relationships")
	}
	return r
}

// refKey is the key a projection returns a reference under: the field's
// name and "Ids" (regionIds for Body.region), shared by the kinds whose
// field has that name.
func refKey(r *kg.Rel) string {
	_, name, _ := strings.Cut(r.Fields[0], ".")
	return name + "Ids"
}
