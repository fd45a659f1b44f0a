package graph_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
	"github.com/famigraph/famigraph/internal/memstore"
)

// The analytics asked of the real seed through GraphQL, checked against
// what the sources state.

func TestAnalyticsMarcheFunding(t *testing.T) {
	ask := seedHandler(t)
	var out struct {
		Funding []struct {
			Call                                        *struct{ ID string }
			Region                                      *struct{ ID string }
			Year                                        *int
			Projects, ProjectsWithBudget, Organizations int
			BudgetEUR                                   float64
		}
		Region struct {
			Summary []struct {
				Call                         struct{ Name string }
				Projects, ProjectsWithBudget int
				Partners                     int
				BudgetEUR                    float64
				PartnersByKind               []struct {
					Kind  string
					Count int
				}
			}
		}
	}
	ask(`{ funding(groupBy: [CALL, REGION], regionIds: ["region:marche"]) {
	         call { id } region { id } year projects projectsWithBudget budgetEUR organizations }
	       region(nutsCode: "ITI3") { summary(callIds: ["call:prima", "call:avviso-1-2023"]) {
	         call { name } projects projectsWithBudget budgetEUR partners partnersByKind { kind count } } } }`, &out)
	if len(out.Funding) != 4 {
		t.Fatalf("funding = %+v, want one group per call", out.Funding)
	}
	calls := []string{"call:avviso-1-2016", "call:impact", "call:prima", "call:avviso-1-2023"}
	for i, g := range out.Funding {
		if g.Call == nil || g.Call.ID != calls[i] || g.Region == nil || g.Region.ID != "region:marche" || g.Year != nil || g.Projects != 1 {
			t.Errorf("group %d = %+v", i, g)
		}
	}
	// Migrant.net (PRIMA): "866mila euro dal ministero" (source:ansa-marche-migrant-net).
	if g := out.Funding[2]; g.ProjectsWithBudget != 1 || g.BudgetEUR != 866000 {
		t.Errorf("PRIMA in Marche = %+v, want 866000 from one project", g)
	}
	// IMPACT Marche's budget is not stated: unknown, not zero.
	if g := out.Funding[1]; g.ProjectsWithBudget != 0 || g.BudgetEUR != 0 {
		t.Errorf("IMPACT in Marche = %+v, want no known budget", g)
	}
	s := out.Region.Summary
	if len(s) != 2 || s[0].Call.Name != "PRIMA" || s[1].Call.Name == "PRIMA" {
		t.Fatalf("summary = %+v", s)
	}
	if s[0].Projects != 1 || s[0].BudgetEUR != 866000 || s[0].Partners != 10 || s[1].ProjectsWithBudget != 0 {
		t.Errorf("summary = %+v", s)
	}
	byKind := 0
	for _, k := range s[0].PartnersByKind {
		byKind += k.Count
	}
	if byKind != s[0].Partners {
		t.Errorf("partnersByKind adds up to %d, partners is %d", byKind, s[0].Partners)
	}
}

func TestAnalyticsRegionsGeoJSON(t *testing.T) {
	ask := seedHandler(t)
	var out struct {
		RegionsGeoJSON json.RawMessage
		Regions        []struct {
			ID      string
			Summary []struct {
				Call     struct{ ID string }
				Projects int
				Partners int
			}
		}
	}
	ask(`{ regionsGeoJSON(callIds: ["call:impact"]) regions { id summary(callIds: ["call:impact"]) { call { id } projects partners } } }`, &out)
	var fc struct {
		Type     string
		Features []struct {
			ID       string
			Geometry struct {
				Type        string
				Coordinates []float64
			}
			Properties struct {
				Kind  string
				Calls []struct {
					ID                 string
					Projects, Partners int
				}
			}
		}
	}
	if err := json.Unmarshal(out.RegionsGeoJSON, &fc); err != nil {
		t.Fatalf("regionsGeoJSON is not a GeoJSON object: %v", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(out.RegionsGeoJSON, &top); err != nil {
		t.Fatal(err)
	}
	if _, ok := top["geometry"]; ok {
		t.Error(`a FeatureCollection must not have a "geometry" member (RFC 7946, 7.1)`)
	}
	if _, ok := top["properties"]; ok {
		t.Error(`a FeatureCollection must not have a "properties" member (RFC 7946, 7.1)`)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != 21 || len(out.Regions) != 21 {
		t.Fatalf("%d features for %d regions", len(fc.Features), len(out.Regions))
	}
	provinces := 0
	for i, f := range fc.Features {
		r := out.Regions[i]
		if f.ID != r.ID || f.Geometry.Type != "Point" || len(f.Geometry.Coordinates) != 2 ||
			f.Geometry.Coordinates[0] < 6 || f.Geometry.Coordinates[0] > 19 || // longitude first (RFC 7946)
			f.Geometry.Coordinates[1] < 36 || f.Geometry.Coordinates[1] > 48 {
			t.Errorf("feature %d = %+v, region %s", i, f, r.ID)
		}
		if f.Properties.Kind == "AUTONOMOUS_PROVINCE" {
			provinces++
		}
		if len(f.Properties.Calls) != 1 || len(r.Summary) != 1 || f.Properties.Calls[0].ID != "call:impact" ||
			f.Properties.Calls[0].Projects != r.Summary[0].Projects || f.Properties.Calls[0].Partners != r.Summary[0].Partners {
			t.Errorf("%s: GeoJSON %+v, summary %+v", r.ID, f.Properties.Calls, r.Summary)
		}
	}
	if provinces != 2 {
		t.Errorf("%d autonomous provinces, want 2 features", provinces)
	}
}

func TestAnalyticsDataset(t *testing.T) {
	ds := kgtest.RealSeed(t)
	h := newHandler(memstore.New(ds), 0)
	var out struct {
		Dataset struct {
			Version, UpdatedOn, License, Citation string
			Records, Relationships, Sources       int
		}
		Stats struct{ Nodes, Relationships int }
	}
	query(t, h, `{ dataset { version updatedOn records relationships sources license citation } stats { nodes relationships } }`, nil, &out)
	d := out.Dataset
	if d.Version != kg.DatasetVersion(ds) || d.Records != out.Stats.Nodes || d.Relationships != out.Stats.Relationships ||
		d.Sources < 50 || d.UpdatedOn < "2023-01-01" || !strings.Contains(d.Citation, d.Version) ||
		!strings.Contains(d.Citation, d.UpdatedOn) || !strings.Contains(d.License, "not stated") {
		t.Errorf("dataset = %+v, stats = %+v", d, out.Stats)
	}
}

// TestAnalyticsMarcheContinuity asks what the 2023 plan of Marche inherited
// from its IMPACT and PRIMA projects, as the sources state it.
func TestAnalyticsMarcheContinuity(t *testing.T) {
	ask := seedHandler(t)
	var out struct {
		Continuity []struct {
			Region     struct{ ID string }
			Earlier    []idRef
			Later      []idRef
			Persisting []struct {
				Organization            struct{ ID string }
				RolesBefore, RolesAfter []string
			}
			Joined, Left []idRef
			Retention    *float64
			Links        []struct {
				From, To idRef
				Relation string
				Sources  []struct{ Quote string }
			}
		}
	}
	ask(`{ continuity(fromCallIds: ["call:impact", "call:prima"], toCallIds: ["call:avviso-1-2023"], regionIds: ["region:marche"]) {
	  region { id } earlier { id } later { id }
	  persisting { organization { id } rolesBefore rolesAfter }
	  joined { id } left { id } retention
	  links { from { id } to { id } relation sources { quote } } } }`, &out)
	if len(out.Continuity) != 1 {
		t.Fatalf("continuity = %+v", out.Continuity)
	}
	c := out.Continuity[0]
	// PRIMM (IMPACT, PROG-2379) and Migrant.net (PRIMA) before; PRIMM 2023 after.
	if c.Region.ID != "region:marche" || strings.Join(refIDs(c.Earlier), " ") != "project:migrant-net-marche project:primm-impact" ||
		strings.Join(refIDs(c.Later), " ") != "project:primm-2023" {
		t.Errorf("projects: %+v before, %+v after", c.Earlier, c.Later)
	}
	// "Regione Marche" leads all three; the Comune di Porto Recanati is a
	// partner of Migrant.net and "coinvolto" in PRIMM 2023.
	persisting := map[string]string{}
	for _, p := range c.Persisting {
		persisting[p.Organization.ID] = strings.Join(p.RolesBefore, ",") + ">" + strings.Join(p.RolesAfter, ",")
	}
	if persisting["region:marche"] != "LEAD>LEAD" || persisting["org:comune-porto-recanati"] != "PARTNER>PARTNER" {
		t.Errorf("persisting = %v", persisting)
	}
	earlierBodies := len(c.Persisting) + len(c.Left)
	if c.Retention == nil || *c.Retention != float64(int(float64(len(c.Persisting))/float64(earlierBodies)*1e6+0.5))/1e6 {
		t.Errorf("retention %v for %d persisting of %d", c.Retention, len(c.Persisting), earlierBodies)
	}
	for _, j := range c.Joined {
		if _, ok := persisting[j.ID]; ok {
			t.Errorf("%s both joined and persisting", j.ID)
		}
	}
	// "Valorizzare le esperienze del progetto PRIMM2020" (PRIMM 2023 plan).
	found := false
	for _, l := range c.Links {
		if l.From.ID == "project:primm-2023" && l.To.ID == "project:primm-impact" && l.Relation == "CAPITALISES_ON" {
			for _, s := range l.Sources {
				found = found || strings.Contains(s.Quote, "Valorizzare le esperienze del progetto PRIMM2020")
			}
		}
	}
	if !found {
		t.Errorf("links = %+v, want PRIMM 2023 capitalising on PRIMM with its source", c.Links)
	}
}

func TestAnalyticsNetworkMetrics(t *testing.T) {
	ask := seedHandler(t)
	type network struct {
		Nodes []struct {
			Organization           struct{ ID string }
			Degree, WeightedDegree int
			Community              int
			Betweenness, Closeness float64
		}
		Edges []struct {
			Source, Target string
			Weight         int
		}
		Communities []struct {
			ID, Size int
			Members  []idRef
		}
		Modularity float64
		Algorithm  string
	}
	var out struct{ A, B network }
	const q = `{ A: partnershipNetwork(callIds: ["call:impact", "call:prima"], kinds: [REGION, MUNICIPALITY, THIRD_SECTOR, ATS], from: "2019-01-01") {
	  nodes { organization { id } degree weightedDegree community betweenness closeness }
	  edges { source target weight }
	  communities { id size members { id } } modularity algorithm }
	  B: egoNetwork(of: "org:comune-porto-recanati", depth: 2) {
	  nodes { organization { id } degree weightedDegree community betweenness closeness }
	  edges { source target weight }
	  communities { id size members { id } } modularity algorithm } }`
	ask(q, &out)
	for name, n := range map[string]network{"partnershipNetwork": out.A, "egoNetwork": out.B} {
		if len(n.Nodes) < 5 || len(n.Communities) == 0 || !strings.HasPrefix(n.Algorithm, "louvain resolution=1 seed=1") ||
			n.Modularity <= 0 || n.Modularity > 1 {
			t.Fatalf("%s: %d nodes, %d communities, modularity %v, algorithm %q", name, len(n.Nodes), len(n.Communities), n.Modularity, n.Algorithm)
		}
		weighted := map[string]int{}
		for _, e := range n.Edges {
			weighted[e.Source] += e.Weight
			weighted[e.Target] += e.Weight
		}
		members := 0
		for i, c := range n.Communities {
			members += c.Size
			if c.ID != i || c.Size != len(c.Members) || i > 0 && c.Size > n.Communities[i-1].Size {
				t.Errorf("%s: community %d = %+v", name, i, c)
			}
		}
		if members != len(n.Nodes) {
			t.Errorf("%s: communities hold %d members, the network %d nodes", name, members, len(n.Nodes))
		}
		for _, node := range n.Nodes {
			id := node.Organization.ID
			if node.WeightedDegree != weighted[id] || node.WeightedDegree < node.Degree ||
				node.Closeness < 0 || node.Closeness > 1 || node.Betweenness < 0 || node.Betweenness > 1 ||
				!slices.Contains(refIDs(n.Communities[node.Community].Members), id) {
				t.Errorf("%s: node %+v (weights of its links %d)", name, node, weighted[id])
			}
		}
	}
	var again struct{ A, B network }
	ask(q, &again)
	if fmt.Sprint(again) != fmt.Sprint(out) {
		t.Error("the same request gave another answer")
	}
	if !slices.ContainsFunc(out.B.Nodes, func(n struct {
		Organization           struct{ ID string }
		Degree, WeightedDegree int
		Community              int
		Betweenness, Closeness float64
	}) bool {
		return n.Organization.ID == "region:marche"
	}) {
		t.Error("the ego network of Porto Recanati lacks the Regione Marche")
	}
}

// TestReadmeAnalyticsQueries runs the README's researcher and evaluator
// queries, with the server's default limits.
func TestReadmeAnalyticsQueries(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	h := newHandler(memstore.New(kgtest.RealSeed(t)), 0)
	found := 0
	for _, block := range strings.Split(string(readme), "```graphql\n")[1:] {
		q, _, _ := strings.Cut(block, "```")
		if !strings.Contains(q, "continuity(") && !strings.Contains(q, "egoNetwork(") {
			continue
		}
		found++
		var out map[string]any
		query(t, h, q, nil, &out)
		if len(out) < 2 {
			t.Errorf("README query answered %v", out)
		}
	}
	if found != 2 {
		t.Errorf("found %d analytics queries in the README, want the researcher's and the evaluator's", found)
	}
}
