// Package gen writes synthetic seed directories for benchmarks and load
// tests: the real network's shape, N times over, with partners shared across
// the copies so that the network is one graph rather than N islands.
//
// Every copy repeats the template (the real seed) record for record: the same
// regions, calls, projects per region, participants per project, roles,
// lineage links, places, facts and citations per record. Ids get the suffix
// -syn<copy>, every name and title the prefix "[synthetic]", and every
// citation names the single source source:synthetic. Output is a pure
// function of the template and the options: the same seed gives the same
// bytes.
package gen

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/famigraph/famigraph/internal/seed"
)

// Markers of synthetic data.
const (
	// Prefix starts every name, title and description.
	Prefix = "[synthetic]"
	// IDSuffix is followed by the copy number at the end of every id
	// ("org:comune-ancona-syn3").
	IDSuffix = "-syn"
	// SourceID is the one source every citation names.
	SourceID = "source:synthetic"
	// SourceTitle is its title.
	SourceTitle = "[synthetic] famigraph gen: generated data for benchmarks and load tests, not a real source"
)

// Limits and defaults of Options.
const (
	// MaxScale bounds the number of copies: synthetic NUTS codes are "XS"
	// and three base-36 digits, one per region of every copy.
	MaxScale = 2000
	// DefaultShare is the share of participations, involvements and
	// workplaces given to the same body of another copy.
	DefaultShare = 0.1
)

// Options say how large a network to generate and from which random seed.
type Options struct {
	// Scale is the number of copies of the template, 1 to MaxScale.
	Scale int
	// RandSeed makes the output reproducible: same seed, same bytes.
	RandSeed uint64
	// Share is the probability, for every body taking part in a project,
	// initiative or place of copy k, that the body of another copy takes its
	// place: the cross-links between copies. Zero means DefaultShare; a
	// negative value means none.
	Share float64
}

// share returns the effective Share.
func (o Options) share() (float64, error) {
	switch {
	case o.Share == 0:
		return DefaultShare, nil
	case o.Share < 0:
		return 0, nil
	case o.Share > 1 || math.IsNaN(o.Share):
		return 0, errors.New("share must be between 0 and 1")
	}
	return o.Share, nil
}

// Seed limits the generator must respect (see internal/seed).
const (
	maxQuoteLen = 500
	maxTextLen  = 2000
	nutsSpace   = 36 * 36 * 36
)

// Generate returns the synthetic seed files for tmpl, which must be a valid
// seed (read with seed.Read from a directory that passes validation).
func Generate(tmpl *seed.Files, opt Options) (*seed.Files, error) {
	if opt.Scale < 1 || opt.Scale > MaxScale {
		return nil, fmt.Errorf("scale must be between 1 and %d, got %d", MaxScale, opt.Scale)
	}
	if len(tmpl.Regions)*opt.Scale > nutsSpace {
		return nil, fmt.Errorf("scale %d needs more than %d synthetic NUTS codes", opt.Scale, nutsSpace)
	}
	share, err := opt.share()
	if err != nil {
		return nil, err
	}
	g := &generator{tmpl: tmpl, scale: opt.Scale, share: share,
		rng: rand.New(rand.NewPCG(opt.RandSeed, 0x66616d6967726170))} // "famigrap"
	out := &seed.Files{Sources: []seed.SourceDoc{{
		ID:    SourceID,
		Title: SourceTitle,
		Note: fmt.Sprintf("scale %d, rand seed %d: %d copies of the real seed's shape with renamed ids and names",
			opt.Scale, opt.RandSeed, opt.Scale),
	}}}
	for k := 0; k < opt.Scale; k++ {
		g.copyK = k
		for _, f := range tmpl.Funds {
			out.Funds = append(out.Funds, g.fund(f))
		}
		for _, c := range tmpl.Calls {
			out.Calls = append(out.Calls, g.call(c))
		}
		for i, r := range tmpl.Regions {
			out.Regions = append(out.Regions, g.region(r, k*len(tmpl.Regions)+i))
		}
		for _, o := range tmpl.Organizations {
			out.Organizations = append(out.Organizations, g.org(o))
		}
		for _, p := range tmpl.Projects {
			out.Projects = append(out.Projects, g.project(p))
		}
		for _, p := range tmpl.Places {
			out.Places = append(out.Places, g.place(p))
		}
		for _, in := range tmpl.Initiatives {
			out.Initiatives = append(out.Initiatives, g.initiative(in))
		}
	}
	return out, nil
}

// generator holds the state of one run; copyK is the copy being written.
type generator struct {
	tmpl  *seed.Files
	scale int
	share float64
	rng   *rand.Rand
	copyK int
}

// id renames a template id into copy k.
func id(tmplID string, k int) string {
	if tmplID == "" {
		return ""
	}
	return tmplID + IDSuffix + strconv.Itoa(k)
}

func (g *generator) id(tmplID string) string { return id(tmplID, g.copyK) }

func (g *generator) ids(tmplIDs []string) []string {
	if tmplIDs == nil {
		return nil
	}
	out := make([]string, len(tmplIDs))
	for i, s := range tmplIDs {
		out[i] = g.id(s)
	}
	return out
}

// partners renames the bodies taking part in one record, giving some of
// them to another copy. The choice is made once per body and record, so
// that a body that both participates and is involved stays one body.
type partners struct {
	g    *generator
	seen map[string]string
}

func (g *generator) partners() *partners { return &partners{g: g, seen: map[string]string{}} }

func (p *partners) id(tmplID string) string {
	if got, ok := p.seen[tmplID]; ok {
		return got
	}
	g := p.g
	k := g.copyK
	// Only bodies are shared: a region stays the region of its copy.
	if strings.HasPrefix(tmplID, "org:") && g.scale > 1 && g.rng.Float64() < g.share {
		k = (k + 1 + g.rng.IntN(g.scale-1)) % g.scale
	}
	out := id(tmplID, k)
	p.seen[tmplID] = out
	return out
}

// name marks a name or title as synthetic and says which copy it belongs to.
func (g *generator) name(s string) string {
	if s == "" {
		return ""
	}
	return clip(fmt.Sprintf("%s %s (copy %d)", Prefix, s, g.copyK), maxTextLen)
}

// text marks free text as synthetic.
func text(s string, max int) string {
	if s == "" {
		return ""
	}
	return clip(Prefix+" "+s, max)
}

// clip shortens s to at most max bytes on a rune boundary.
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	s = s[:max]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return strings.TrimSpace(s)
}

// url replaces a real address with one of the reserved .invalid domain.
func (g *generator) url(u string) string {
	if u == "" {
		return ""
	}
	return fmt.Sprintf("https://synthetic.invalid/copy-%d/%x", g.copyK, g.rng.Uint32())
}

// amount varies an amount by up to ±20%, in whole cents.
func (g *generator) amount(v *float64) *float64 {
	if v == nil {
		return nil
	}
	x := math.Round(*v*(0.8+0.4*g.rng.Float64())*100) / 100
	return &x
}

func (g *generator) cites(cs []seed.CitationDoc) []seed.CitationDoc {
	if cs == nil {
		return nil
	}
	out := make([]seed.CitationDoc, len(cs))
	for i, c := range cs {
		out[i] = seed.CitationDoc{Source: SourceID, Quote: text(c.Quote, maxQuoteLen),
			Confidence: c.Confidence, Field: c.Field, Note: text(c.Note, maxTextLen)}
	}
	return out
}

func (g *generator) provenance(p seed.Provenance) seed.Provenance {
	out := seed.Provenance{Sources: g.cites(p.Sources)}
	for _, a := range p.Aliases {
		out.Aliases = append(out.Aliases, g.id(a))
	}
	for _, f := range p.Facts {
		v := f.Value
		switch f.Type {
		case "ENTITY":
			if strings.HasPrefix(v, "source:") {
				v = SourceID // every source is the synthetic one
			} else {
				v = g.id(v)
			}
		case "URL":
			v = g.url(v)
		}
		out.Facts = append(out.Facts, seed.FactDoc{Key: f.Key, Value: v, Type: f.Type,
			Note: text(f.Note, maxTextLen), Sources: g.cites(f.Sources)})
	}
	for _, d := range p.Discrepancies {
		out.Discrepancies = append(out.Discrepancies, seed.DiscrepancyDoc{Field: d.Field, Recorded: d.Recorded,
			Stated: d.Stated, Note: text(d.Note, maxTextLen), Sources: g.cites(d.Sources)})
	}
	return out
}

func (g *generator) fund(f seed.FundDoc) seed.FundDoc {
	out := seed.FundDoc{ID: g.id(f.ID), Name: g.name(f.Name), Period: f.Period, Provenance: g.provenance(f.Provenance)}
	for _, o := range f.Objectives {
		out.Objectives = append(out.Objectives, seed.ObjectiveDoc{ID: g.id(o.ID), Code: o.Code, Name: g.name(o.Name),
			BudgetEUR: g.amount(o.BudgetEUR), SharePercent: o.SharePercent, Provenance: g.provenance(o.Provenance)})
	}
	return out
}

func (g *generator) call(c seed.CallDoc) seed.CallDoc {
	out := seed.CallDoc{ID: g.id(c.ID), Code: c.Code, Name: g.name(c.Name), Title: g.name(c.Title),
		Description: text(c.Description, maxTextLen), Fund: g.id(c.Fund), Objectives: g.ids(c.Objectives),
		Issuer: g.id(c.Issuer), BudgetEUR: g.amount(c.BudgetEUR), AwardedEUR: g.amount(c.AwardedEUR),
		AdoptedOn: c.AdoptedOn, Decree: c.Decree, Registration: c.Registration, StartDate: c.StartDate,
		EndDate: c.EndDate, MaxDurationMonths: c.MaxDurationMonths, Declared: c.Declared,
		Provenance: g.provenance(c.Provenance)}
	for _, a := range c.Actions {
		out.Actions = append(out.Actions, seed.ActionDoc{ID: g.id(a.ID), Code: a.Code, Title: g.name(a.Title),
			Description: text(a.Description, maxTextLen), Provenance: g.provenance(a.Provenance)})
	}
	for _, a := range c.Amendments {
		am := seed.AmendmentDoc{ID: g.id(a.ID), Date: a.Date, Decree: a.Decree, PreviousEndDate: a.PreviousEndDate,
			NewEndDate: a.NewEndDate, NewDeadline: a.NewDeadline, BudgetIncrease: a.BudgetIncrease,
			Summary: text(a.Summary, maxTextLen), Provenance: g.provenance(a.Provenance)}
		for _, ad := range a.Adherents {
			am.Adherents = append(am.Adherents, seed.AdherentDoc{Region: g.id(ad.Region), Extension: ad.Extension,
				BudgetIncrease: ad.BudgetIncrease, Sources: g.cites(ad.Sources)})
		}
		out.Amendments = append(out.Amendments, am)
	}
	for _, r := range c.Regions {
		out.Regions = append(out.Regions, seed.RefDoc{Region: g.id(r.Region), Sources: g.cites(r.Sources)})
	}
	out.CapitalisesOn = g.lineage(c.CapitalisesOn)
	return out
}

// lineage keeps capitalisation links inside their copy, as the calls and
// plans of one network build on each other.
func (g *generator) lineage(ls []seed.LineageDoc) []seed.LineageDoc {
	var out []seed.LineageDoc
	for _, l := range ls {
		out = append(out, seed.LineageDoc{Call: g.id(l.Call), Project: g.id(l.Project), Relation: l.Relation,
			Sources: g.cites(l.Sources)})
	}
	return out
}

func (g *generator) region(r seed.RegionDoc, n int) seed.RegionDoc {
	out := seed.RegionDoc{ID: g.id(r.ID), Name: g.name(r.Name), Kind: r.Kind, NUTSCode: nuts(n),
		ISTATCode: r.ISTATCode, ISTATProvinceCode: r.ISTATProvinceCode, Capital: r.Capital,
		SpecialStatute: r.SpecialStatute, Provenance: g.provenance(r.Provenance)}
	// Copies sit around the real centroid, so that a map shows them.
	if r.Centroid.Lat != nil && r.Centroid.Lon != nil {
		lat := math.Round((*r.Centroid.Lat+(g.rng.Float64()-0.5)*0.2)*1e5) / 1e5
		lon := math.Round((*r.Centroid.Lon+(g.rng.Float64()-0.5)*0.2)*1e5) / 1e5
		out.Centroid = seed.GeoPointDoc{Lat: &lat, Lon: &lon}
	}
	return out
}

// nuts is the n-th synthetic NUTS code: "XS" and three base-36 digits.
func nuts(n int) string {
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	return "XS" + string([]byte{digits[n/(36*36)%36], digits[n/36%36], digits[n%36]})
}

func (g *generator) org(o seed.OrgDoc) seed.OrgDoc {
	out := seed.OrgDoc{ID: g.id(o.ID), Name: g.name(o.Name), Kind: o.Kind, Region: g.id(o.Region),
		TypeLabel: o.TypeLabel, Website: g.url(o.Website), Provenance: g.provenance(o.Provenance)}
	if o.Group != nil {
		// Members stay in their copy. The declared size is left out: a
		// group's members may be shared with other copies in projects, so
		// a synthetic group is never complete (see kg.Group.Complete).
		out.Group = &seed.GroupDoc{}
		for _, m := range o.Group.Members {
			out.Group.Members = append(out.Group.Members, seed.MemberDoc{Org: g.id(m.Org), Sources: g.cites(m.Sources)})
		}
	}
	for _, n := range o.Networks {
		out.Networks = append(out.Networks, seed.NetworkDoc{Network: n.Network, Name: n.Name,
			Note: text(n.Note, maxTextLen), Sources: g.cites(n.Sources)})
	}
	return out
}

func (g *generator) project(p seed.ProjectDoc) seed.ProjectDoc {
	out := seed.ProjectDoc{ID: g.id(p.ID), Title: g.name(p.Title), Acronym: p.Acronym,
		Description: text(p.Description, maxTextLen), Call: g.id(p.Call), Region: g.id(p.Region),
		BudgetEUR: g.amount(p.BudgetEUR), StartDate: p.StartDate, EndDate: p.EndDate, Code: p.Code, CUP: p.CUP,
		Website: g.url(p.Website), Provenance: g.provenance(p.Provenance)}
	ps := g.partners()
	for _, pt := range p.Participants {
		out.Participants = append(out.Participants, seed.ParticipantDoc{Org: ps.id(pt.Org), Role: pt.Role,
			Office: pt.Office, Sources: g.cites(pt.Sources)})
	}
	out.Involvements = g.involvements(ps, p.Involvements)
	for _, a := range p.Actions {
		out.Actions = append(out.Actions, seed.ProjectActDoc{Action: g.id(a.Action), Detail: text(a.Detail, maxTextLen),
			Sources: g.cites(a.Sources)})
	}
	out.CapitalisesOn = g.lineage(p.CapitalisesOn)
	return out
}

func (g *generator) involvements(ps *partners, ins []seed.InvolvementDoc) []seed.InvolvementDoc {
	var out []seed.InvolvementDoc
	for _, in := range ins {
		out = append(out, seed.InvolvementDoc{Org: ps.id(in.Org), Relation: in.Relation, Sources: g.cites(in.Sources)})
	}
	return out
}

func (g *generator) place(p seed.PlaceDoc) seed.PlaceDoc {
	out := seed.PlaceDoc{ID: g.id(p.ID), Name: g.name(p.Name), Description: text(p.Description, maxTextLen),
		Region: g.id(p.Region), Municipality: g.id(p.Municipality), Provenance: g.provenance(p.Provenance)}
	ps := g.partners()
	for _, w := range p.Organizations {
		out.Organizations = append(out.Organizations, seed.WorkerDoc{ID: ps.id(w.ID), Sources: g.cites(w.Sources)})
	}
	for _, w := range p.Projects {
		out.Projects = append(out.Projects, seed.WorkerDoc{ID: g.id(w.ID), Sources: g.cites(w.Sources)})
	}
	for _, w := range p.Initiatives {
		out.Initiatives = append(out.Initiatives, seed.WorkerDoc{ID: g.id(w.ID), Sources: g.cites(w.Sources)})
	}
	return out
}

func (g *generator) initiative(in seed.InitiativeDoc) seed.InitiativeDoc {
	return seed.InitiativeDoc{ID: g.id(in.ID), Title: g.name(in.Title), Description: text(in.Description, maxTextLen),
		Region: g.id(in.Region), Fund: g.id(in.Fund), Involvements: g.involvements(g.partners(), in.Involvements),
		Provenance: g.provenance(in.Provenance)}
}
