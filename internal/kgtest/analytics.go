package kgtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/famigraph/famigraph/internal/export"
	"github.com/famigraph/famigraph/internal/kg"
)

// runAnalyticsFixture checks the analytics the service computes from the
// store's answers, with figures worked out by hand from the fixture.
func runAnalyticsFixture(t *testing.T, s kg.Store, ds *kg.Dataset) {
	svc := &kg.Service{Store: s}
	t.Run("Dataset", func(t *testing.T) {
		info, err := svc.Dataset(ctx(t))
		must(t, err)
		// The fixture's latest dated event is the amendment of 2020-12-14.
		if info.Version != ds.Version() || !strings.HasPrefix(info.Version, kg.VersionPrefix) || info.Records != len(ds.Nodes) ||
			info.Relationships != len(ds.Edges) || info.Sources != 2 || info.UpdatedOn != "2020-12-14" ||
			info.License != kg.DatasetLicense || !strings.Contains(info.Citation, info.Version) ||
			!strings.Contains(info.Citation, "famigraph (2020)") {
			t.Errorf("Dataset = %+v, want version %s of %d records and %d relationships", info, ds.Version(), len(ds.Nodes), len(ds.Edges))
		}
		again, err := svc.Dataset(ctx(t))
		must(t, err)
		if *again != *info {
			t.Errorf("Dataset changed between two calls: %+v, then %+v", info, again)
		}
	})
	year := func(y int) *int { return &y }
	t.Run("Funding", func(t *testing.T) {
		for _, c := range []struct {
			by        []kg.FundingDimension
			callIDs   []string
			regionIDs []string
			want      []kg.FundingGroup
		}{
			{nil, nil, nil, []kg.FundingGroup{{Projects: 3, ProjectsWithBudget: 1, BudgetEUR: 2574000, Organizations: 6}}},
			{[]kg.FundingDimension{kg.ByCall}, nil, nil, []kg.FundingGroup{
				{CallID: "call:old", Projects: 1, Organizations: 2},
				{CallID: "call:new", Projects: 2, ProjectsWithBudget: 1, BudgetEUR: 2574000, Organizations: 6},
			}},
			{[]kg.FundingDimension{kg.ByRegion, kg.ByYear}, nil, nil, []kg.FundingGroup{
				{RegionID: "region:alpha", Year: year(2018), Projects: 1, ProjectsWithBudget: 1, BudgetEUR: 2574000, Organizations: 4},
				{RegionID: "region:alpha", Projects: 1, Organizations: 2},
				{RegionID: "region:beta", Projects: 1, Organizations: 3},
			}},
			{[]kg.FundingDimension{kg.ByYear, kg.ByCall}, []string{"call:new"}, nil, []kg.FundingGroup{
				{CallID: "call:new", Year: year(2018), Projects: 1, ProjectsWithBudget: 1, BudgetEUR: 2574000, Organizations: 4},
				{CallID: "call:new", Projects: 1, Organizations: 3},
			}},
			{[]kg.FundingDimension{kg.ByCall}, nil, []string{"region:beta"}, []kg.FundingGroup{
				{CallID: "call:new", Projects: 1, Organizations: 3},
			}},
			{[]kg.FundingDimension{kg.ByCall}, []string{"call:missing"}, nil, nil},
		} {
			got, err := svc.Funding(ctx(t), c.by, c.callIDs, c.regionIDs)
			must(t, err)
			if d := cmp.Diff(c.want, got, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("Funding(%v, %v, %v) (-want +got):\n%s", c.by, c.callIDs, c.regionIDs, d)
			}
		}
		for _, by := range [][]kg.FundingDimension{{"MONTH"}, {kg.ByCall, kg.ByCall}} {
			if _, err := svc.Funding(ctx(t), by, nil, nil); kg.ErrorCode(err) != kg.EINVALID {
				t.Errorf("Funding(%v) error = %v, want invalid", by, err)
			}
		}
		if _, err := svc.Funding(ctx(t), nil, []string{"region:alpha"}, nil); kg.ErrorCode(err) != kg.EINVALID {
			t.Errorf("Funding with a region id in callIds: error = %v, want invalid", err)
		}
	})
	t.Run("RegionSummaries", func(t *testing.T) {
		got, err := svc.RegionSummaries(ctx(t), nil)
		must(t, err)
		want := map[string][]kg.RegionCallSummary{
			"region:alpha": {
				{RegionID: "region:alpha", CallID: "call:old", Projects: 1, Partners: 2,
					PartnersByKind: []kg.KindCount{{Kind: kg.OrgRegion, Count: 1}, {Kind: kg.OrgMunicipality, Count: 1}}},
				{RegionID: "region:alpha", CallID: "call:new", Projects: 1, ProjectsWithBudget: 1, BudgetEUR: 2574000, Partners: 4,
					PartnersByKind: []kg.KindCount{{Kind: kg.OrgRegion, Count: 1}, {Kind: kg.OrgATS, Count: 1}, {Kind: kg.OrgMunicipality, Count: 1}, {Kind: kg.OrgPrefecture, Count: 1}}},
			},
			"region:beta": {
				{RegionID: "region:beta", CallID: "call:old"},
				{RegionID: "region:beta", CallID: "call:new", Projects: 1, Partners: 3,
					PartnersByKind: []kg.KindCount{{Kind: kg.OrgAutonomousProvince, Count: 1}, {Kind: kg.OrgMunicipality, Count: 1}, {Kind: kg.OrgUniversity, Count: 1}}},
			},
		}
		if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("RegionSummaries (-want +got):\n%s", d)
		}
		got, err = svc.RegionSummaries(ctx(t), []string{"call:new"})
		must(t, err)
		if len(got["region:beta"]) != 1 || got["region:beta"][0].CallID != "call:new" {
			t.Errorf("RegionSummaries(call:new)[beta] = %+v", got["region:beta"])
		}
	})
	t.Run("Continuity", func(t *testing.T) {
		got, err := svc.Continuity(ctx(t), []string{"call:old"}, []string{"call:new"}, nil)
		must(t, err)
		one := 1.0
		want := []kg.Continuity{{RegionID: "region:alpha", EarlierIDs: []string{"project:p-old"}, LaterIDs: []string{"project:p-new"},
			Persisting: []kg.ContinuingPartner{
				{OrgID: "org:comune-uno", RolesBefore: []kg.Role{kg.RolePartner}, RolesAfter: []kg.Role{kg.RolePartner}},
				{OrgID: "region:alpha", RolesBefore: []kg.Role{kg.RoleLead}, RolesAfter: []kg.Role{kg.RoleLead}},
			},
			JoinedIDs: []string{"org:ats-due", "org:x-prefetture"}, Retention: &one,
			Links: []kg.LineageLink{{From: "project:p-new", To: "project:p-old", Relation: kg.RelCapitalisesOn, Depth: 1}},
		}}
		if d := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(kg.LineageLink{}, "Sources")); d != "" {
			t.Errorf("Continuity(old -> new) (-want +got):\n%s", d)
		}
		if len(got) == 1 && (len(got[0].Links) != 1 || len(got[0].Links[0].Sources) != 1 || got[0].Links[0].Sources[0].Quote != "valorizzare le esperienze del piano vecchio") {
			t.Errorf("links carry no source: %+v", got[0].Links)
		}
		// Asked for beta, which has no earlier project: no retention.
		got, err = svc.Continuity(ctx(t), []string{"call:old"}, []string{"call:new"}, []string{"region:beta"})
		must(t, err)
		if len(got) != 1 || got[0].RegionID != "region:beta" || got[0].Retention != nil || len(got[0].EarlierIDs) != 0 ||
			fmt.Sprint(got[0].JoinedIDs) != "[org:comune-uno org:uni-tre region:beta]" || len(got[0].Links) != 0 {
			t.Errorf("Continuity for beta = %+v", got)
		}
		for _, c := range [][2][]string{{nil, {"call:new"}}, {{"call:new"}, {"call:new"}}, {{"region:alpha"}, {"call:new"}}} {
			if _, err := svc.Continuity(ctx(t), c[0], c[1], nil); kg.ErrorCode(err) != kg.EINVALID {
				t.Errorf("Continuity(%v, %v): error %v, want invalid", c[0], c[1], err)
			}
		}
	})
	t.Run("Network", func(t *testing.T) {
		all := kg.NetworkMetrics{Betweenness: true, Closeness: true, Communities: true}
		n, err := svc.Network(ctx(t), kg.NetworkFilter{Kinds: []kg.OrgKind{kg.OrgMunicipality, kg.OrgRegion, kg.OrgAutonomousProvince}}, all)
		must(t, err)
		// uno-alpha share p-old and p-new; uno-beta share p-beta.
		if len(n.Nodes) != 3 || len(n.Edges) != 2 || n.Edges[0].Weight != 2 || n.Nodes[0].OrgID != "org:comune-uno" ||
			n.Nodes[0].WeightedDegree != 3 || n.Nodes[0].Betweenness != 1 || n.Nodes[0].Closeness != 1 ||
			n.Nodes[1].Closeness != 0.666667 || len(n.Communities) == 0 || n.Algorithm == "" {
			t.Errorf("network of municipalities and regions = %+v", n)
		}
		from := kg.Date("2019-01-01")
		to := kg.Date("2019-12-31")
		n, err = svc.Network(ctx(t), kg.NetworkFilter{From: &from, To: &to}, all)
		must(t, err)
		// call:old has no dates and p-old none: unknown ends do not
		// exclude it; p-new started 2018-10-01 and call:new ends 2023-06-30.
		if len(n.Nodes) != 6 {
			t.Errorf("network active in 2019: %d nodes, want 6: %+v", len(n.Nodes), n.Nodes)
		}
		before := kg.Date("2018-09-30")
		n, err = svc.Network(ctx(t), kg.NetworkFilter{To: &before, CallIDs: []string{"call:new"}}, all)
		must(t, err)
		// p-new starts after; p-beta has no dates of its own: call:new's start (2018-03-01) keeps it.
		if len(n.Nodes) != 3 || len(n.Edges) != 3 {
			t.Errorf("call:new's network before 2018-09-30 = %+v", n)
		}
		for _, f := range []kg.NetworkFilter{{Kinds: []kg.OrgKind{"SPACESHIP"}}, {From: &to, To: &from}} {
			if _, err := svc.Network(ctx(t), f, all); kg.ErrorCode(err) != kg.EINVALID {
				t.Errorf("Network(%+v): error %v, want invalid", f, err)
			}
		}
	})
	t.Run("EgoNetwork", func(t *testing.T) {
		all := kg.NetworkMetrics{Betweenness: true, Closeness: true, Communities: true}
		n, err := svc.EgoNetwork(ctx(t), "org:ats-due", 1, nil, all)
		must(t, err)
		// ats-due is only in p-new, with alpha, uno and the prefectures'
		// group; the links among them are in.
		if len(n.Nodes) != 4 || len(n.Edges) != 6 || len(n.Communities) != 1 {
			t.Errorf("ego network of ats-due, depth 1 = %+v", n)
		}
		n, err = svc.EgoNetwork(ctx(t), "org:ats-due", 2, nil, all)
		must(t, err)
		if len(n.Nodes) != 6 {
			t.Errorf("ego network of ats-due, depth 2: %d nodes, want 6", len(n.Nodes))
		}
		n, err = svc.EgoNetwork(ctx(t), "org:ministero", 1, nil, all)
		must(t, err)
		if len(n.Nodes) != 0 {
			t.Errorf("ego network of a body in no project = %+v", n)
		}
		if _, err := svc.EgoNetwork(ctx(t), "org:nobody", 1, nil, all); kg.ErrorCode(err) != kg.ENOTFOUND {
			t.Errorf("ego network of a missing body: error %v, want not found", err)
		}
		if _, err := svc.EgoNetwork(ctx(t), "org:ats-due", 4, nil, all); kg.ErrorCode(err) != kg.EINVALID {
			t.Errorf("depth 4: error %v, want invalid", err)
		}
	})
	t.Run("RegionsGeoJSON", func(t *testing.T) {
		doc, err := svc.RegionsGeoJSON(ctx(t), nil)
		must(t, err)
		var fc struct {
			Type         string
			GeometryNote string
			CallIDs      []string
			Features     []struct {
				Type     string
				ID       string
				Geometry struct {
					Type        string
					Coordinates []float64
				}
				Properties struct {
					ID, Name, Kind, NUTSCode, ISTATCode string
					ISTATProvinceCode                   *string
					Projects, Partners                  int
					BudgetEUR                           *float64
					Calls                               []struct {
						ID                 string
						Projects, Partners int
						ProjectsWithBudget int
						BudgetEUR          *float64
					}
				}
			}
		}
		if err := json.Unmarshal(doc, &fc); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, doc)
		}
		if fc.Type != "FeatureCollection" || len(fc.Features) != 2 || !strings.Contains(fc.GeometryNote, "centroid") ||
			fmt.Sprint(fc.CallIDs) != "[call:old call:new]" {
			t.Fatalf("collection = %+v", fc)
		}
		a, b := fc.Features[0], fc.Features[1]
		if a.ID != "region:alpha" || a.Type != "Feature" || a.Geometry.Type != "Point" ||
			fmt.Sprint(a.Geometry.Coordinates) != "[7.5 45]" || a.Properties.ISTATProvinceCode != nil ||
			a.Properties.Projects != 2 || a.Properties.Partners != 4 || a.Properties.BudgetEUR == nil ||
			*a.Properties.BudgetEUR != 2574000 || len(a.Properties.Calls) != 2 ||
			a.Properties.Calls[0].ID != "call:old" || a.Properties.Calls[0].BudgetEUR != nil ||
			a.Properties.Calls[1].ProjectsWithBudget != 1 {
			t.Errorf("alpha = %+v", a)
		}
		if b.ID != "region:beta" || b.Properties.Kind != "AUTONOMOUS_PROVINCE" || b.Properties.ISTATProvinceCode == nil ||
			*b.Properties.ISTATProvinceCode != "022" || fmt.Sprint(b.Geometry.Coordinates) != "[11 46]" ||
			b.Properties.BudgetEUR != nil || b.Properties.Partners != 3 || b.Properties.Calls[0].Projects != 0 {
			t.Errorf("beta = %+v", b)
		}
		doc, err = svc.RegionsGeoJSON(ctx(t), []string{"call:old"})
		must(t, err)
		if err := json.Unmarshal(doc, &fc); err != nil {
			t.Fatal(err)
		}
		if fc.Features[0].Properties.Projects != 1 || len(fc.Features[0].Properties.Calls) != 1 || fc.Features[1].Properties.Projects != 0 {
			t.Errorf("callIds [call:old]: %s", doc)
		}
	})
}

// runAnalyticsParity requires the service to give the same analytics over s
// as over the embedded store ref, both holding the same dataset.
func runAnalyticsParity(t *testing.T, s, ref kg.Store, callIDs, regionIDs []string) {
	got, want := &kg.Service{Store: s}, &kg.Service{Store: ref}
	t.Run("Funding", func(t *testing.T) {
		for _, by := range [][]kg.FundingDimension{nil, {kg.ByCall}, {kg.ByRegion}, {kg.ByYear}, {kg.ByCall, kg.ByRegion, kg.ByYear}, {kg.ByYear, kg.ByRegion}} {
			for _, f := range [][2][]string{{nil, nil}, {upTo(callIDs, 1), nil}, {nil, upTo(regionIDs, 2)}} {
				agree(t, fmt.Sprintf("Funding(%v, %v, %v)", by, f[0], f[1]), want, got, func(s *kg.Service) ([]kg.FundingGroup, error) {
					return s.Funding(ctx(t), by, f[0], f[1])
				})
			}
		}
	})
	t.Run("RegionSummaries", func(t *testing.T) {
		for _, calls := range [][]string{nil, upTo(callIDs, 1)} {
			agree(t, fmt.Sprintf("RegionSummaries(%v)", calls), want, got, func(s *kg.Service) (map[string][]kg.RegionCallSummary, error) {
				return s.RegionSummaries(ctx(t), calls)
			})
		}
	})
	t.Run("Network", func(t *testing.T) {
		all := kg.NetworkMetrics{Betweenness: true, Closeness: true, Communities: true}
		from, to := kg.Date("2019-01-01"), kg.Date("2020-12-31")
		filters := []kg.NetworkFilter{{}, {Kinds: []kg.OrgKind{kg.OrgMunicipality, kg.OrgThirdSector}}, {From: &from}, {To: &to},
			{From: &from, To: &to, RegionIDs: upTo(regionIDs, 3)}}
		for _, c := range callIDs {
			filters = append(filters, kg.NetworkFilter{CallIDs: []string{c}})
		}
		for _, f := range filters {
			agree(t, fmt.Sprintf("Network(%+v)", f), want, got, func(s *kg.Service) (*kg.Network, error) {
				return s.Network(ctx(t), f, all)
			})
		}
		wn, err := want.Network(ctx(t), kg.NetworkFilter{}, kg.NetworkMetrics{})
		must(t, err)
		for i, node := range wn.Nodes {
			if i%7 != 0 {
				continue
			}
			for depth := 1; depth <= kg.MaxEgoDepth; depth++ {
				agree(t, fmt.Sprintf("EgoNetwork(%s, %d)", node.OrgID, depth), want, got, func(s *kg.Service) (*kg.Network, error) {
					return s.EgoNetwork(ctx(t), node.OrgID, depth, nil, all)
				})
			}
		}
	})
	t.Run("Continuity", func(t *testing.T) {
		for i := range callIDs {
			for j := range callIDs {
				if i == j {
					continue
				}
				for _, regions := range [][]string{nil, upTo(regionIDs, 4)} {
					agree(t, fmt.Sprintf("Continuity(%s, %s, %v)", callIDs[i], callIDs[j], regions), want, got,
						func(s *kg.Service) ([]kg.Continuity, error) {
							return s.Continuity(ctx(t), callIDs[:i+1][i:], callIDs[j:j+1], regions)
						})
				}
			}
		}
	})
	t.Run("Dataset", func(t *testing.T) {
		w, err := ref.Dataset(ctx(t))
		must(t, err)
		g, err := s.Dataset(ctx(t))
		must(t, err)
		if len(w.Nodes) != len(g.Nodes) || len(w.Edges) != len(g.Edges) {
			t.Fatalf("Dataset: %d records and %d relationships, want %d and %d", len(g.Nodes), len(g.Edges), len(w.Nodes), len(w.Edges))
		}
		for i := range w.Nodes {
			same(t, "Dataset node "+w.Nodes[i].NodeID(), w.Nodes[i], g.Nodes[i])
		}
		for i := range w.Edges {
			same(t, "Dataset edge "+w.Edges[i].Key(), w.Edges[i], g.Edges[i])
		}
		agree(t, "Dataset description", want, got, func(s *kg.Service) (*kg.DatasetInfo, error) { return s.Dataset(ctx(t)) })
	})
	t.Run("Exports", func(t *testing.T) {
		for _, r := range []export.Request{
			{What: export.WhatGraph, Format: export.FormatGraphML},
			{What: export.WhatGraph, Format: export.FormatCSV, Table: export.TableEdges},
			{What: export.WhatNetwork, Format: export.FormatGEXF},
			{What: export.WhatNetwork, Format: export.FormatJSON, Filter: kg.NetworkFilter{CallIDs: upTo(callIDs, 2)}},
		} {
			var w, g bytes.Buffer
			must(t, export.Write(ctx(t), want, &w, r))
			must(t, export.Write(ctx(t), got, &g, r))
			if !bytes.Equal(w.Bytes(), g.Bytes()) {
				same(t, fmt.Sprintf("export %+v", r), w.String(), g.String())
			}
		}
	})
	t.Run("RegionsGeoJSON", func(t *testing.T) {
		for _, calls := range [][]string{nil, upTo(callIDs, 1)} {
			agree(t, fmt.Sprintf("RegionsGeoJSON(%v)", calls), want, got, func(s *kg.Service) (string, error) {
				b, err := s.RegionsGeoJSON(ctx(t), calls)
				return string(b), err
			})
		}
	})
}

// upTo returns the first n ids, or all when there are fewer.
func upTo(ids []string, n int) []string { return ids[:min(n, len(ids))] }
