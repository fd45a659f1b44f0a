package graph_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
)

// The tests below ask the core contract's questions of the real seed data and
// check the answers against what the sources state.

func seedHandler(t *testing.T) func(q string, out any) {
	t.Helper()
	h := newHandler(memstore.New(kgtest.RealSeed(t)), 0)
	return func(q string, out any) { t.Helper(); query(t, h, q, nil, out) }
}

type idRef struct{ ID string }

func refIDs(rs []idRef) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func TestContractRegions(t *testing.T) {
	ask := seedHandler(t)
	var out struct {
		Regions []struct {
			ID, Name, Kind, NutsCode, IstatCode string
			IstatProvinceCode                   *string
			Centroid                            struct{ Lat, Lon float64 }
			Calls                               []idRef
			Sources                             []struct{ Title, Quote string }
		}
		Marche *struct{ ID, Name string }
		None   *struct{ ID string }
	}
	ask(`{
	  regions { id name kind nutsCode istatCode istatProvinceCode centroid { lat lon } calls { id } sources { title quote } }
	  marche: region(nutsCode: "ITI3") { id name }
	  none: region(nutsCode: "ITZ9") { id }
	}`, &out)
	want := []string{"piemonte", "valle-d-aosta", "liguria", "lombardia", "abruzzo", "molise", "campania", "puglia",
		"basilicata", "calabria", "sicilia", "sardegna", "bolzano", "trento", "veneto", "friuli-venezia-giulia",
		"emilia-romagna", "toscana", "umbria", "marche", "lazio"}
	var got []string
	for _, r := range out.Regions {
		got = append(got, strings.TrimPrefix(r.ID, "region:"))
		if r.Centroid.Lat < 35.4 || r.Centroid.Lat > 47.1 || r.Centroid.Lon < 6.6 || r.Centroid.Lon > 18.6 {
			t.Errorf("%s: centroid %+v is not in Italy", r.ID, r.Centroid)
		}
		if len(r.Sources) == 0 {
			t.Errorf("%s has no sources", r.ID)
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("regions by NUTS code:\n got %v\nwant %v", got, want)
	}
	byID := map[string]int{}
	for i, r := range out.Regions {
		byID[r.ID] = i
	}
	for _, c := range []struct{ id, name, kind, nuts, istat, prov string }{
		{"region:marche", "Marche", "REGION", "ITI3", "11", ""},
		{"region:trento", "Provincia autonoma di Trento", "AUTONOMOUS_PROVINCE", "ITH2", "04", "022"},
		{"region:bolzano", "Provincia autonoma di Bolzano/Bozen", "AUTONOMOUS_PROVINCE", "ITH1", "04", "021"},
		{"region:valle-d-aosta", "Valle d'Aosta/Vallée d'Aoste", "REGION", "ITC2", "02", ""},
	} {
		r := out.Regions[byID[c.id]]
		prov := ""
		if r.IstatProvinceCode != nil {
			prov = *r.IstatProvinceCode
		}
		if r.Name != c.name || r.Kind != c.kind || r.NutsCode != c.nuts || r.IstatCode != c.istat || prov != c.prov {
			t.Errorf("%s = %+v", c.id, r)
		}
	}
	// Marche took part in all four calls: PRIMM (2016), PRIMM IMPACT
	// edition, Migrant.net (PRIMA; and its extension), PRIMM 2023.
	if got := refIDs(out.Regions[byID["region:marche"]].Calls); strings.Join(got, " ") != "call:avviso-1-2016 call:impact call:prima call:avviso-1-2023" {
		t.Errorf("Marche's calls = %v", got)
	}
	if out.Marche == nil || out.Marche.ID != "region:marche" || out.None != nil {
		t.Errorf("region(nutsCode) = %+v, %+v", out.Marche, out.None)
	}
}

// TestContractMapQuery is the map front-end's one request: all 21 regions
// with their calls, plans and partners.
func TestContractMapQuery(t *testing.T) {
	ask := seedHandler(t)
	var out struct {
		Regions []struct {
			ID       string
			Calls    []idRef
			Projects []struct {
				ID           string
				Call         idRef
				Lead         *idRef
				Participants []struct {
					Role         string
					Organization struct{ ID, Name, Kind string }
				}
			}
		}
	}
	ask(mapQuery, &out)
	if len(out.Regions) != 21 {
		t.Fatalf("%d regions, want 21", len(out.Regions))
	}
	projects, participants := 0, 0
	for _, r := range out.Regions {
		for _, p := range r.Projects {
			projects++
			participants += len(p.Participants)
			if !slices.Contains(refIDs(r.Calls), p.Call.ID) {
				t.Errorf("%s: project %s is under %s, which is not among the region's calls", r.ID, p.ID, p.Call.ID)
			}
		}
	}
	if projects != 47 || participants < 200 {
		t.Errorf("%d projects with %d participations, want 47 projects and at least 200 participations", projects, participants)
	}
}

func TestContractCalls(t *testing.T) {
	ask := seedHandler(t)
	type amendment struct {
		ID, Date       string
		Decree         *string
		NewEndDate     *string
		BudgetIncrease bool
		Adherents      []struct {
			Organization              idRef
			Extension, BudgetIncrease bool
		}
	}
	var out struct {
		Calls []struct {
			ID, Code, Name        string
			Fund                  struct{ ID, Period string }
			BudgetEUR, AwardedEUR *float64
			AdoptedOn             *string
			StartDate, EndDate    *string
			MaxDurationMonths     *int
			Declared              map[string]*int
			Actions               []struct{ Code, Title string }
			Regions               []idRef
			Amendments            []amendment
			CapitalisesOn         []idRef
			CapitalisedBy         []idRef
			Discrepancies         []struct{ Field, Recorded, Stated string }
			Sources               []struct{ URL, Document, Quote *string }
		}
		Funds []struct {
			ID         string
			Objectives []struct {
				Code         string
				BudgetEUR    *float64
				SharePercent *float64
			}
		}
	}
	ask(`{
	  calls {
	    id code name fund { id period } budgetEUR awardedEUR adoptedOn startDate endDate maxDurationMonths
	    declared { regions projects schools localBodies anciChapters }
	    actions { code title } regions { id } capitalisesOn { id } capitalisedBy { id }
	    amendments { id date decree newEndDate budgetIncrease adherents { organization { id } extension budgetIncrease } }
	    discrepancies { field recorded stated }
	    sources { url document quote }
	  }
	  funds { id objectives { code budgetEUR sharePercent } }
	}`, &out)
	var ids []string
	for _, c := range out.Calls {
		ids = append(ids, c.ID)
	}
	if strings.Join(ids, " ") != "call:avviso-1-2016 call:impact call:prima call:avviso-1-2023" {
		t.Fatalf("calls oldest first = %v", ids)
	}
	f := func(p *float64) float64 {
		if p == nil {
			return -1
		}
		return *p
	}
	s := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	n := func(p *int) int {
		if p == nil {
			return -1
		}
		return *p
	}

	c2016, impact, prima, c2023 := out.Calls[0], out.Calls[1], out.Calls[2], out.Calls[3]
	if c2016.Code != "1/2016" || f(c2016.BudgetEUR) != 31e6 || s(c2016.AdoptedOn) != "2016-04-15" || len(c2016.Actions) != 4 ||
		c2016.Fund.ID != "fund:fami-2014-2020" {
		t.Errorf("multi-azione 1/2016 = %+v", c2016)
	}

	// IMPACT (seed document 004).
	if impact.Code != "1/2018" || impact.Name != "IMPACT" || f(impact.BudgetEUR) != 26344000 ||
		s(impact.AdoptedOn) != "2018-03-01" || s(impact.StartDate) != "2018-03-01" || s(impact.EndDate) != "2023-06-30" ||
		n(impact.Declared["projects"]) != 20 || n(impact.Declared["schools"]) != 61 ||
		n(impact.Declared["localBodies"]) != 62 || n(impact.Declared["anciChapters"]) != 6 || len(impact.Actions) != 4 {
		t.Errorf("IMPACT = %+v", impact)
	}
	if strings.Join(refIDs(impact.CapitalisesOn), " ") != "call:avviso-1-2016" {
		t.Errorf("IMPACT builds on %v, want the 2016 call", refIDs(impact.CapitalisesOn))
	}
	if len(impact.Amendments) != 2 ||
		impact.Amendments[0].Date != "2020-12-14" || s(impact.Amendments[0].NewEndDate) != "2022-06-30" || !impact.Amendments[0].BudgetIncrease ||
		impact.Amendments[1].Date != "2022-05-26" || s(impact.Amendments[1].NewEndDate) != "2023-06-30" || impact.Amendments[1].BudgetIncrease {
		t.Errorf("IMPACT amendments = %+v", impact.Amendments)
	}
	var typo, altBudget bool
	for _, d := range impact.Discrepancies {
		typo = typo || d.Field == "startDate" && d.Recorded == "2018-03-01" && strings.Contains(d.Stated, "2008")
		altBudget = altBudget || d.Field == "budgetEUR" && d.Recorded == "26344000" && strings.HasPrefix(d.Stated, "25.807.320,08")
	}
	if !typo || !altBudget {
		t.Errorf("IMPACT discrepancies = %+v, want the 2008 typo and the project page's 25,807,320.08", impact.Discrepancies)
	}
	var fromDoc bool
	for _, src := range impact.Sources {
		fromDoc = fromDoc || s(src.Document) == "004_eff3e4ddc75507f6.txt" && strings.Contains(s(src.URL), "integrazionemigranti.gov.it") &&
			strings.Contains(s(src.Quote), "13 marzo 2018")
	}
	if !fromDoc {
		t.Errorf("IMPACT sources do not cite document 004 on its registration")
	}

	// PRIMA (seed document 001).
	if prima.Code != "2/2018" || f(prima.BudgetEUR) != 25e6 || f(prima.AwardedEUR) != 15095804.23 ||
		s(prima.AdoptedOn) != "2018-03-20" || s(prima.StartDate) != "2018-03-01" || s(prima.EndDate) != "2022-06-30" ||
		n(prima.Declared["regions"]) != 14 || n(prima.Declared["projects"]) != 14 || n(prima.Declared["localBodies"]) != 29 ||
		n(prima.Declared["anciChapters"]) != 5 || n(prima.Declared["schools"]) != 9 || len(prima.Actions) != 9 {
		t.Errorf("PRIMA = %+v", prima)
	}
	if len(prima.Amendments) != 2 || prima.Amendments[0].Date != "2020-06-17" || s(prima.Amendments[0].NewEndDate) != "2021-12-31" {
		t.Fatalf("PRIMA amendments = %+v", prima.Amendments)
	}
	am := prima.Amendments[1]
	var both, extOnly []string
	for _, a := range am.Adherents {
		r := strings.TrimPrefix(a.Organization.ID, "region:")
		switch {
		case a.Extension && a.BudgetIncrease:
			both = append(both, r)
		case a.Extension:
			extOnly = append(extOnly, r)
		}
	}
	sort.Strings(both)
	sort.Strings(extOnly)
	if am.Date != "2021-03-19" || s(am.Decree) != "Decreto Direttoriale n. 21 del 19 marzo 2021" || !am.BudgetIncrease ||
		s(am.NewEndDate) != "2022-06-30" ||
		strings.Join(both, " ") != "abruzzo emilia-romagna lazio molise puglia sardegna toscana" ||
		strings.Join(extOnly, " ") != "basilicata campania liguria marche sicilia" {
		t.Errorf("PRIMA amendment of 19 March 2021 = %+v\nboth %v\nextension only %v", am, both, extOnly)
	}

	// Multi-azione 1/2023 (seed document 000).
	wantRegions := []string{"abruzzo", "basilicata", "calabria", "campania", "emilia-romagna", "friuli-venezia-giulia",
		"lazio", "liguria", "lombardia", "marche", "molise", "piemonte", "puglia", "sardegna", "sicilia", "toscana",
		"umbria", "valle-d-aosta", "veneto"}
	var regions []string
	for _, r := range c2023.Regions {
		regions = append(regions, strings.TrimPrefix(r.ID, "region:"))
	}
	sort.Strings(regions)
	if strings.Join(regions, " ") != strings.Join(wantRegions, " ") {
		t.Errorf("regions of the 2023 call = %v", regions)
	}
	if c2023.Code != "1/2023" || c2023.Fund.ID != "fund:fami-2021-2027" || f(c2023.BudgetEUR) != 60e6 ||
		n(c2023.MaxDurationMonths) != 60 || len(c2023.Actions) != 3 || c2023.Actions[0].Code != "01" ||
		!strings.HasPrefix(c2023.Actions[0].Title, "Supporto al miglioramento della governance multilivello") {
		t.Errorf("multi-azione 1/2023 = %+v", c2023)
	}
	if strings.Join(refIDs(c2023.CapitalisesOn), " ") != "call:impact call:prima" ||
		strings.Join(refIDs(impact.CapitalisedBy), " ") != "call:avviso-1-2023" {
		t.Errorf("2023 builds on %v; IMPACT built on by %v", refIDs(c2023.CapitalisesOn), refIDs(impact.CapitalisedBy))
	}

	// FAMI 2021-2027, OS2 (seed document 003).
	var os2 bool
	for _, fund := range out.Funds {
		for _, o := range fund.Objectives {
			os2 = os2 || fund.ID == "fund:fami-2021-2027" && o.Code == "OS2" && f(o.BudgetEUR) == 399252022 && f(o.SharePercent) == 36.3
		}
	}
	if !os2 {
		t.Errorf("FAMI 2021-2027 OS2 with 399,252,022 EUR and 36.3%% not found in %+v", out.Funds)
	}
}

func TestContractMarchePlan(t *testing.T) {
	ask := seedHandler(t)
	var out struct {
		Project struct {
			Title        string
			Call         idRef
			Region       idRef
			Lead         idRef
			Participants []struct {
				Role         string
				Organization struct{ ID, Kind string }
			}
			Actions       []idRef
			CapitalisesOn []idRef
			Places        []struct {
				ID, Name     string
				Municipality *idRef
			}
			Sources []struct{ Document *string }
		}
		Backward []struct {
			From, To idRef
			Relation string
			Depth    int
			Sources  []struct{ Quote string }
		}
		Forward []struct{ From, To idRef }
	}
	ask(`{
	  project(id: "project:primm-2023") {
	    title call { id } region { id } lead { id }
	    participants { role organization { id kind } }
	    actions { id } capitalisesOn { id } places { id name municipality { id } } sources { document }
	  }
	  backward: lineage(of: "project:primm-2023") { from { id } to { id } relation depth sources { quote } }
	  forward: lineage(of: "project:primm", direction: FORWARD) { from { id } to { id } }
	}`, &out)
	p := out.Project
	if p.Title != "PRIMM 2023 - Piano Integrazione Migranti Marche 2023" || p.Call.ID != "call:avviso-1-2023" ||
		p.Region.ID != "region:marche" || p.Lead.ID != "region:marche" || len(p.Actions) != 3 {
		t.Errorf("PRIMM 2023 = %+v", p)
	}
	kinds := map[string]int{}
	for _, pt := range p.Participants {
		kinds[pt.Role+" "+pt.Organization.Kind]++
	}
	// Regione Marche capofila; the 4 provincial ATS aggregations and their
	// group; the 3 ATS of Ancona (a group) and ATS 19; Comune di Porto
	// Recanati; the 4 universities and their group; three groups of
	// adherents (SAI local bodies, Prefetture, third sector).
	want := map[string]int{"LEAD REGION": 1, "PARTNER ATS_AGGREGATION": 5, "PARTNER ATS": 2, "PARTNER MUNICIPALITY": 1, "PARTNER UNIVERSITY": 5,
		"ADHERENT SAI_LOCAL_BODY": 1, "ADHERENT PREFECTURE": 1, "ADHERENT THIRD_SECTOR": 1}
	for k, v := range want {
		if kinds[k] != v {
			t.Errorf("participants by role and kind = %v, want %v", kinds, want)
			break
		}
	}
	var places []string
	for _, pl := range p.Places {
		places = append(places, pl.Name)
	}
	if strings.Join(places, ", ") != "Hotel House, Lido Tre Archi" || p.Places[0].Municipality == nil ||
		p.Places[0].Municipality.ID != "org:comune-porto-recanati" {
		t.Errorf("places = %+v", p.Places)
	}
	var chain []string
	for _, l := range out.Backward {
		chain = append(chain, l.From.ID+" "+l.Relation+" "+l.To.ID)
		if len(l.Sources) == 0 {
			t.Errorf("lineage link without sources: %+v", l)
		}
	}
	if strings.Join(chain, "; ") != "project:primm-2023 CAPITALISES_ON project:primm-impact; project:primm-impact CONTINUES project:primm" {
		t.Errorf("PRIMM 2023 lineage = %v", chain)
	}
	if len(out.Forward) != 2 || out.Forward[1].From.ID != "project:primm-2023" {
		t.Errorf("forward lineage of the 2016 PRIMM = %+v", out.Forward)
	}
}

func TestContractLineageOfCalls(t *testing.T) {
	ask := seedHandler(t)
	var out struct {
		Lineage []struct {
			From, To idRef
			Relation string
			Depth    int
		}
		Shallow []struct{ To idRef }
	}
	ask(`{ lineage(of: "call:avviso-1-2023") { from { id } to { id } relation depth }
	       shallow: lineage(of: "call:avviso-1-2023", maxDepth: 1) { to { id } } }`, &out)
	var got []string
	for _, l := range out.Lineage {
		got = append(got, fmt.Sprintf("%s %s %s @%d", l.From.ID, l.Relation, l.To.ID, l.Depth))
	}
	want := "call:avviso-1-2023 CAPITALISES_ON call:impact @1; call:avviso-1-2023 CAPITALISES_ON call:prima @1; call:impact CONTINUES call:avviso-1-2016 @2"
	if strings.Join(got, "; ") != want {
		t.Errorf("lineage of the 2023 call:\n got %s\nwant %s", strings.Join(got, "; "), want)
	}
	if len(out.Shallow) != 2 {
		t.Errorf("maxDepth 1 gave %d links, want 2", len(out.Shallow))
	}
}

func TestContractNetworkSearchPaths(t *testing.T) {
	ask := seedHandler(t)
	var out struct {
		Lazio struct {
			Nodes []struct {
				Organization struct{ ID, Kind string }
				Degree       int
			}
			Edges []struct {
				Source, Target string
				Weight         int
				Projects       []idRef
			}
		}
		Impact struct {
			Nodes []struct{ Organization idRef }
			// Betweenness asked under an alias, which must not hide it.
			B []struct{ Betweenness float64 }
		}
		Hotel []struct {
			Node  idRef
			Score float64
		}
		Primm []struct{ Node idRef }
		Paths []struct {
			Length    int
			Nodes     []idRef
			Relations []string
		}
	}
	ask(`{
	  lazio: partnershipNetwork(callIds: ["call:prima"], regionIds: ["region:lazio"]) {
	    nodes { organization { id kind } degree } edges { source target weight projects { id } }
	  }
	  impact: partnershipNetwork(callIds: ["call:impact"]) { nodes { organization { id } } b: nodes { betweenness } }
	  hotel: search(text: "hotel house") { node { id } score }
	  primm: search(text: "PRIMM", kinds: [PROJECT]) { node { id } }
	  paths(from: "org:comune-porto-recanati", to: "org:ats-19-marche", relations: ["PARTICIPATES_IN"]) {
	    length nodes { id } relations
	  }
	}`, &out)
	// PRIMA il Lavoro: Regione Lazio, ANCI Lazio, 9 Comuni, 3 CPIA and 5
	// schools ("1 ANCI + 3 CPIA + 9 Comuni + 5 Istituti Scolastici").
	kinds := map[string]int{}
	for _, nd := range out.Lazio.Nodes {
		kinds[nd.Organization.Kind]++
		if nd.Degree != 18 {
			t.Errorf("%s has degree %d, want 18", nd.Organization.ID, nd.Degree)
		}
	}
	if len(out.Lazio.Nodes) != 19 || len(out.Lazio.Edges) != 171 || kinds["MUNICIPALITY"] != 9 || kinds["SCHOOL"] != 8 ||
		kinds["ANCI_CHAPTER"] != 1 || kinds["REGION"] != 1 {
		t.Errorf("PRIMA Lazio network: %d nodes %v, %d edges", len(out.Lazio.Nodes), kinds, len(out.Lazio.Edges))
	}
	if e := out.Lazio.Edges[0]; e.Weight != 1 || len(e.Projects) != 1 || e.Projects[0].ID != "project:prima-il-lavoro-lazio" || e.Source >= e.Target {
		t.Errorf("edge = %+v", e)
	}
	// Consorzio Nova is a partner of IMPACT Calabria, Puglia and Sicilia:
	// the broker of the IMPACT network.
	if len(out.Impact.Nodes) == 0 || out.Impact.Nodes[0].Organization.ID != "org:consorzio-nova" {
		t.Errorf("IMPACT network's first node = %+v", out.Impact.Nodes[:1])
	}
	best := 0.0
	for _, nd := range out.Impact.B {
		best = max(best, nd.Betweenness)
	}
	for i, nd := range out.Impact.Nodes {
		if nd.Organization.ID == "org:consorzio-nova" && (out.Impact.B[i].Betweenness != best || best == 0) {
			t.Errorf("Consorzio Nova betweenness %v, highest %v", out.Impact.B[i].Betweenness, best)
		}
	}
	if len(out.Hotel) == 0 || out.Hotel[0].Node.ID != "place:hotel-house" {
		t.Errorf("search hotel house = %+v", out.Hotel)
	}
	var primm []string
	for _, h := range out.Primm {
		primm = append(primm, h.Node.ID)
	}
	if len(primm) != 3 || primm[0] != "project:primm-2023" || !slices.Contains(primm, "project:primm-impact") || !slices.Contains(primm, "project:primm") {
		t.Errorf("search PRIMM projects = %v", primm)
	}
	if len(out.Paths) != 1 || out.Paths[0].Length != 2 || out.Paths[0].Nodes[1].ID != "project:primm-2023" ||
		strings.Join(out.Paths[0].Relations, " ") != "PARTICIPATES_IN PARTICIPATES_IN" {
		t.Errorf("paths Porto Recanati -> ATS 19 = %+v", out.Paths)
	}
}

func TestContractNodeAndOrganizations(t *testing.T) {
	ask := seedHandler(t)
	var out struct {
		Node struct {
			Typename string `json:"__typename"`
			ID       string
			Kind     string
			Region   idRef
			Places   []idRef
		}
		Amendment struct {
			Typename string `json:"__typename"`
			Call     idRef
		}
		Missing *idRef
		Orgs    struct {
			TotalCount int
			Nodes      []idRef
			PageInfo   struct {
				HasNextPage bool
				EndCursor   string
			}
		}
		Projects struct {
			TotalCount int
			Nodes      []idRef
		}
	}
	ask(`{
	  node(id: "org:comune-porto-recanati") { __typename id ... on Organization { kind region { id } places { id } } }
	  amendment: node(id: "amendment:prima-2021-03-19") { __typename ... on Amendment { call { id } } }
	  missing: node(id: "org:does-not-exist") { id }
	  orgs: organizations(filter: {kinds: [UNIVERSITY], regionIds: ["region:marche"]}, first: 5) {
	    totalCount nodes { id } pageInfo { hasNextPage endCursor }
	  }
	  projects(filter: {callIds: ["call:avviso-1-2023"], organizationIds: ["region:marche"], roles: [LEAD]}) { totalCount nodes { id } }
	}`, &out)
	if out.Node.Typename != "Body" || out.Node.Kind != "MUNICIPALITY" || out.Node.Region.ID != "region:marche" ||
		len(out.Node.Places) != 1 || out.Node.Places[0].ID != "place:hotel-house" {
		t.Errorf("node = %+v", out.Node)
	}
	if out.Amendment.Typename != "Amendment" || out.Amendment.Call.ID != "call:prima" || out.Missing != nil {
		t.Errorf("amendment = %+v, missing = %+v", out.Amendment, out.Missing)
	}
	if out.Orgs.TotalCount < 1 || !slices.Contains(refIDs(out.Orgs.Nodes), "org:universita-di-urbino") {
		t.Errorf("Marche universities = %+v", out.Orgs)
	}
	if out.Projects.TotalCount != 1 || out.Projects.Nodes[0].ID != "project:primm-2023" {
		t.Errorf("2023 projects led by Marche = %+v", out.Projects)
	}
}

// TestPagination walks all organizations page by page and checks that the
// pages partition the list.
func TestPagination(t *testing.T) {
	ask := seedHandler(t)
	var all struct {
		Organizations struct {
			TotalCount int
			Nodes      []idRef
		}
	}
	ask(`{ organizations(first: 500) { totalCount nodes { id } } }`, &all)
	var walked []string
	after := ""
	for page := 0; page < 100; page++ {
		var out struct {
			Organizations struct {
				TotalCount int
				Edges      []struct {
					Cursor string
					Node   idRef
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				}
			}
		}
		q := `{ organizations(first: 40) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`
		if after != "" {
			q = `{ organizations(first: 40, after: "` + after + `") { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`
		}
		ask(q, &out)
		o := out.Organizations
		if o.TotalCount != all.Organizations.TotalCount {
			t.Fatalf("totalCount %d on page %d, want %d", o.TotalCount, page, all.Organizations.TotalCount)
		}
		for _, e := range o.Edges {
			walked = append(walked, e.Node.ID)
		}
		if !o.PageInfo.HasNextPage {
			break
		}
		after = *o.PageInfo.EndCursor
	}
	if strings.Join(walked, " ") != strings.Join(refIDs(all.Organizations.Nodes), " ") || len(walked) != 223 {
		t.Errorf("walked %d organizations, want the %d of one page of 500 (223 = 202 bodies + 21 regions)", len(walked), len(all.Organizations.Nodes))
	}
}
