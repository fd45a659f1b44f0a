package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The done-when checks of the data issue, asked of the real seed through the
// API: aliases, groups and counts, SAI bodies, confidence and its filter,
// sourced call-region links.

func TestAliasResolvesToTheRecord(t *testing.T) {
	ask := seedHandler(t)
	var out struct {
		Node struct {
			ID, Name string
			Aliases  []string
		}
		Nodes []*struct{ ID string }
		Path  []struct{ Length int }
	}
	ask(`{
	  node(id: "org:comune_ancona") { id ... on Organization { name aliases } }
	  nodes(ids: ["org:regione_marche", "project:primm_impact_marche", "call:impact_2018", "org:comune-ancona", "org:nessuno_qui"]) { id }
	  path: paths(from: "org:comune_ancona", to: "region:marche", maxLength: 1) { length }
	}`, &out)
	if out.Node.ID != "org:comune-ancona" || out.Node.Name != "Comune di Ancona" || !slices.Contains(out.Node.Aliases, "org:comune_ancona") {
		t.Errorf("node(org:comune_ancona) = %+v", out.Node)
	}
	var got []string
	for _, n := range out.Nodes {
		if n == nil {
			got = append(got, "")
		} else {
			got = append(got, n.ID)
		}
	}
	want := []string{"region:marche", "project:primm-impact", "call:impact", "org:comune-ancona", ""}
	if !slices.Equal(got, want) {
		t.Errorf("nodes by alias = %v, want %v", got, want)
	}
	if len(out.Path) != 1 || out.Path[0].Length != 1 {
		t.Errorf("paths from an alias = %+v", out.Path)
	}
}

func TestPRIMM2023Counts(t *testing.T) {
	ask := seedHandler(t)
	type member struct {
		Member     struct{ ID string }
		Confidence string
		Sources    []struct{ Quote string }
	}
	var out struct {
		Project struct {
			Confidence        string
			ParticipantCounts []struct {
				Role                 string
				Count, Named, Groups int
				Exact                bool
			}
			Participants []struct {
				Role         string
				Confidence   string
				Organization struct {
					ID    string
					Group *struct {
						DeclaredSize        *int
						UnidentifiedMembers *int
						Complete            bool
						Members             []member
					}
				}
			}
		}
		Network struct {
			Nodes []struct{ Organization struct{ ID string } }
		}
	}
	ask(`{
	  project(id: "project:primm-2023") {
	    confidence
	    participantCounts { role count named groups exact }
	    participants { role confidence organization { id ... on Body { group { declaredSize unidentifiedMembers complete
	      members { member { id } confidence sources { quote } } } } } }
	  }
	  network: partnershipNetwork(regionIds: ["region:marche"], callIds: ["call:avviso-1-2023"]) { nodes { organization { id } } }
	}`, &out)
	counts := map[string]string{}
	for _, c := range out.Project.ParticipantCounts {
		counts[c.Role] = fmtCount(c.Count, c.Named, c.Groups, c.Exact)
	}
	// The plan: Regione Marche lead; 4 provincial aggregations of ATS, the 3
	// ATS of Ancona, the 4 universities, Porto Recanati and ATS 19; three
	// groups of adherents of undeclared size.
	want := map[string]string{"LEAD": fmtCount(1, 1, 0, true), "PARTNER": fmtCount(13, 10, 3, true), "ADHERENT": fmtCount(0, 0, 3, false)}
	for role, w := range want {
		if counts[role] != w {
			t.Errorf("%s: count, named, groups, exact = %s, want %s", role, counts[role], w)
		}
	}
	roles := map[string]string{}
	for _, p := range out.Project.Participants {
		roles[p.Organization.ID] = p.Role + " " + p.Confidence
		if p.Organization.ID == "org:universita-marchigiane" {
			g := p.Organization.Group
			if g == nil || g.DeclaredSize == nil || *g.DeclaredSize != 4 || !g.Complete || *g.UnidentifiedMembers != 0 || len(g.Members) != 4 {
				t.Errorf("le 4 Università marchigiane = %+v", g)
			}
			for _, m := range g.Members {
				if m.Confidence != "MEDIUM" || len(m.Sources) < 2 {
					t.Errorf("member %s: %s with %d sources, want MEDIUM with the naming page and the count", m.Member.ID, m.Confidence, len(m.Sources))
				}
			}
		}
		if p.Organization.ID == "org:ats-provincia-ancona" {
			g := p.Organization.Group
			if g == nil || *g.DeclaredSize != 3 || g.Complete || *g.UnidentifiedMembers != 3 {
				t.Errorf("3 ATS della provincia di Ancona = %+v", g)
			}
		}
	}
	for id, w := range map[string]string{
		"org:universita-di-camerino":              "PARTNER MEDIUM",
		"org:universita-di-macerata":              "PARTNER MEDIUM",
		"org:universita-politecnica-delle-marche": "PARTNER MEDIUM",
		"org:universita-di-urbino":                "PARTNER HIGH", // named as a PRIMM 2023 partner by L'Africa Chiama
		"org:comune-porto-recanati":               "PARTNER MEDIUM",
		"org:ats-19-marche":                       "PARTNER MEDIUM",
		"org:universita-marchigiane":              "PARTNER HIGH",
		"org:primm-2023-enti-locali-sai":          "ADHERENT HIGH",
	} {
		if roles[id] != w {
			t.Errorf("%s takes part as %q, want %q", id, roles[id], w)
		}
	}
	var net []string
	for _, n := range out.Network.Nodes {
		net = append(net, n.Organization.ID)
	}
	// Complete groups are represented by their members; the others are one node.
	if slices.Contains(net, "org:universita-marchigiane") || slices.Contains(net, "org:ats-aggregations-marche") ||
		!slices.Contains(net, "org:universita-di-camerino") || !slices.Contains(net, "org:ats-provincia-ancona") {
		t.Errorf("2023 Marche network nodes = %v", net)
	}
}

func fmtCount(count, named, groups int, exact bool) string {
	return fmt.Sprintf("%d %d %d exact=%v", count, named, groups, exact)
}

func TestSAILocalBodies(t *testing.T) {
	ask := seedHandler(t)
	var out struct {
		Organizations struct {
			TotalCount int
			Nodes      []struct {
				ID, Kind string
				Networks []struct {
					Network, Name, Kind, Confidence string
					Note                            *string
					Sources                         []struct{ Quote string }
				}
			}
		}
	}
	ask(`{ organizations(filter: {kinds: [SAI_LOCAL_BODY]}, first: 50) { totalCount nodes { id kind
	  ... on Body { networks { network name kind note confidence sources { quote } } } } } }`, &out)
	var ids []string
	for _, n := range out.Organizations.Nodes {
		ids = append(ids, n.ID)
		if n.Kind == "SAI_LOCAL_BODY" {
			continue // a group of SAI local bodies
		}
		if len(n.Networks) != 1 || n.Networks[0].Network != "SAI" || n.Networks[0].Name != "SPRAR" || n.Networks[0].Kind != "SAI_LOCAL_BODY" ||
			n.Networks[0].Note == nil || !strings.Contains(*n.Networks[0].Note, "SIPROIMI") || !slices.ContainsFunc(n.Networks[0].Sources, func(s struct{ Quote string }) bool {
			return strings.Contains(s.Quote, "Enti capofila di Sprar")
		}) {
			t.Errorf("%s networks = %+v", n.ID, n.Networks)
		}
	}
	want := []string{"org:asp-ambito-9-jesi", "org:comune-ancona", "org:comune-fermo", "org:comune-macerata", "org:comune-montedinove",
		"org:comune-pesaro", "org:comune-porto-recanati", "org:comune-porto-san-giorgio", "org:comune-recanati", "org:primm-2023-enti-locali-sai"}
	if !slices.Equal(ids, want) || out.Organizations.TotalCount != len(want) {
		t.Errorf("SAI local bodies = %v (%d), want the nine Enti capofila di Sprar of Migrant.net and the PRIMM 2023 adherents: %v",
			ids, out.Organizations.TotalCount, want)
	}
}

func TestProjectConfidenceIsTheWeakestClaim(t *testing.T) {
	ask := seedHandler(t)
	type proj struct {
		ID, Confidence string
		Sources        []struct {
			Field      *string
			Confidence string
		}
		Participants []struct{ Role, Confidence string }
	}
	var out struct {
		All  struct{ Nodes []proj }
		High struct {
			TotalCount int
			Nodes      []struct{ ID string }
		}
	}
	ask(`{
	  all: projects(first: 500) { nodes { id confidence sources { field confidence } participants { role confidence } } }
	  high: projects(filter: {minConfidence: HIGH}, first: 500) { totalCount nodes { id } }
	}`, &out)
	rank := map[string]int{"HIGH": 3, "MEDIUM": 2, "LOW": 1}
	medium, high := 0, map[string]bool{}
	for _, n := range out.High.Nodes {
		high[n.ID] = true
	}
	for _, p := range out.All.Nodes {
		best := map[string]int{}
		for _, s := range p.Sources {
			if s.Field != nil && (*s.Field == "call" || *s.Field == "region") && rank[s.Confidence] > best[*s.Field] {
				best[*s.Field] = rank[s.Confidence]
			}
		}
		for _, pt := range p.Participants {
			if pt.Role == "LEAD" {
				best["lead"] = rank[pt.Confidence]
			}
		}
		weakest := 3
		for _, r := range best {
			weakest = min(weakest, r)
		}
		if best["call"] == 0 || rank[p.Confidence] != weakest {
			t.Errorf("%s reads %s, its claims %v", p.ID, p.Confidence, best)
		}
		if p.Confidence != "HIGH" {
			medium++
		}
		if high[p.ID] != (p.Confidence == "HIGH") {
			t.Errorf("%s (%s): in the minConfidence HIGH list = %v", p.ID, p.Confidence, high[p.ID])
		}
	}
	if medium < 17 || out.High.TotalCount != len(out.All.Nodes)-medium {
		t.Errorf("%d projects below HIGH, %d HIGH of %d", medium, out.High.TotalCount, len(out.All.Nodes))
	}
}

func TestCallRegionLinksCarrySources(t *testing.T) {
	ask := seedHandler(t)
	var out struct {
		Call struct {
			Regions     []struct{ ID string }
			RegionLinks []struct {
				Region     struct{ ID string }
				Call       struct{ ID string }
				Confidence string
				Sources    []struct{ Quote string }
			}
		}
		Region struct {
			CallLinks []struct {
				Call    struct{ ID string }
				Sources []struct{ Quote string }
			}
		}
	}
	ask(`{
	  call(id: "call:avviso-1-2023") { regions { id } regionLinks { region { id } call { id } confidence sources { quote } } }
	  region(nutsCode: "ITI3") { callLinks { call { id } sources { quote } } }
	}`, &out)
	if len(out.Call.RegionLinks) != len(out.Call.Regions) || len(out.Call.Regions) < 19 {
		t.Errorf("%d region links for %d regions", len(out.Call.RegionLinks), len(out.Call.Regions))
	}
	for _, l := range out.Call.RegionLinks {
		if l.Call.ID != "call:avviso-1-2023" || len(l.Sources) == 0 || l.Confidence == "" {
			t.Errorf("link %+v has no provenance", l)
		}
	}
	if len(out.Region.CallLinks) != 4 {
		t.Errorf("Marche call links = %+v", out.Region.CallLinks)
	}
	for _, l := range out.Region.CallLinks {
		if len(l.Sources) == 0 {
			t.Errorf("Marche in %s: no sources", l.Call.ID)
		}
	}
}

func TestPlaceLinksCarrySources(t *testing.T) {
	ask := seedHandler(t)
	var out struct {
		Place struct {
			Organizations []struct{ ID string }
			Projects      []struct{ ID string }
			Initiatives   []struct{ ID string }
			WorkerLinks   []struct {
				Worker     struct{ ID string }
				Place      struct{ ID string }
				Confidence string
				Sources    []struct{ Quote string }
			}
		}
		Project struct {
			PlaceLinks []struct {
				Place   struct{ ID string }
				Sources []struct{ Quote string }
			}
		}
	}
	ask(`{
	  place: node(id: "place:hotel-house") { ... on Place { organizations { id } projects { id } initiatives { id }
	    workerLinks { worker { id } place { id } confidence sources { quote } } } }
	  project(id: "project:primm-2023") { placeLinks { place { id } sources { quote } } }
	}`, &out)
	if len(out.Place.WorkerLinks) != len(out.Place.Organizations)+len(out.Place.Projects)+len(out.Place.Initiatives) ||
		len(out.Place.Initiatives) != 2 {
		t.Errorf("Hotel House: %d links for %d bodies, %d projects and %d initiatives (want Challenge and Challenge 2.0)",
			len(out.Place.WorkerLinks), len(out.Place.Organizations), len(out.Place.Projects), len(out.Place.Initiatives))
	}
	for _, l := range out.Place.WorkerLinks {
		if l.Place.ID != "place:hotel-house" || l.Confidence == "" || len(l.Sources) == 0 {
			t.Errorf("link %+v has no provenance", l)
		}
	}
	if len(out.Project.PlaceLinks) != 2 || len(out.Project.PlaceLinks[0].Sources) == 0 {
		t.Errorf("PRIMM 2023 place links = %+v", out.Project.PlaceLinks)
	}
}
