package graph_test

import (
	"encoding/json"
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
