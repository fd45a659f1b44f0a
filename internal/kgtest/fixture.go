package kgtest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/famigraph/famigraph/internal/kg"
)

// runFixture checks known answers on the fixture dataset.
func runFixture(t *testing.T, s kg.Store, ds *kg.Dataset) {
	t.Run("Analytics", func(t *testing.T) { runAnalyticsFixture(t, s, ds) })
	t.Run("NodesRoundTrip", func(t *testing.T) { checkNodesRoundTrip(t, s, ds) })
	t.Run("Nodes", func(t *testing.T) {
		got, err := s.Nodes(ctx(t), []string{"project:p-new", "project:missing", "region:alpha", "project:p-new"})
		must(t, err)
		want := []string{"project:p-new", "", "region:alpha", "project:p-new"}
		if d := cmp.Diff(want, ids(got)); d != "" {
			t.Errorf("Nodes (-want +got):\n%s", d)
		}
		p := got[0].(*kg.Project)
		if p.LeadID != "region:alpha" || p.CallID != "call:new" || p.RegionID != "region:alpha" ||
			p.BudgetEUR == nil || *p.BudgetEUR != 2574000 || p.StartDate == nil || *p.StartDate != "2018-10-01" ||
			p.EndDate != nil || p.Acronym != "PN" || p.Code != "PROG-1" || p.Confidence != kg.High {
			t.Errorf("project:p-new = %+v", p)
		}
		got, err = s.Nodes(ctx(t), nil)
		must(t, err)
		if len(got) != 0 {
			t.Errorf("Nodes(nil) = %v, want empty", got)
		}
	})
	t.Run("Aliases", func(t *testing.T) {
		got, err := s.Nodes(ctx(t), []string{"org:comune_uno", "project:p_new", "org:comune-uno", "org:uno", "org:comune_due", "project:p-new"})
		must(t, err)
		want := []string{"org:comune-uno", "project:p-new", "org:comune-uno", "org:comune-uno", "", "project:p-new"}
		if d := cmp.Diff(want, ids(got)); d != "" {
			t.Errorf("Nodes by alias (-want +got):\n%s", d)
		}
		if b, ok := got[0].(*kg.Body); !ok || !slices.Equal(b.Aliases, []string{"org:comune_uno", "org:uno"}) {
			t.Errorf("org:comune-uno aliases = %+v", got[0])
		}
	})
	t.Run("GroupsAndNetworks", func(t *testing.T) {
		got, err := s.Nodes(ctx(t), []string{"org:y-enti", "org:x-prefetture", "org:comune-uno", "org:uni-tre"})
		must(t, err)
		y, x, c, u := got[0].(*kg.Body), got[1].(*kg.Body), got[2].(*kg.Body), got[3].(*kg.Body)
		if y.Group == nil || y.Group.DeclaredSize == nil || *y.Group.DeclaredSize != 2 || y.Group.KnownMembers != 2 || !y.Group.Complete() {
			t.Errorf("org:y-enti group = %+v", y.Group)
		}
		if x.Group == nil || x.Group.DeclaredSize != nil || x.Group.KnownMembers != 0 || x.Group.Complete() || x.Group.Unidentified() != -1 {
			t.Errorf("org:x-prefetture group = %+v", x.Group)
		}
		if u.Group != nil || len(u.Networks) != 0 {
			t.Errorf("org:uni-tre = %+v, want no group, no network", u)
		}
		if len(c.Networks) != 1 || c.Networks[0].Network != kg.NetworkSAI || c.Networks[0].Name != "SPRAR" ||
			c.Networks[0].Confidence != kg.High || len(c.Networks[0].Sources) != 1 || !c.HasKind(kg.OrgSAILocalBody) {
			t.Errorf("org:comune-uno networks = %+v", c.Networks)
		}
		ps, err := s.Nodes(ctx(t), []string{"project:p-old", "project:p-new"})
		must(t, err)
		// p-old rests on a MEDIUM call attribution: the weakest claim wins.
		if ps[0].(*kg.Project).Confidence != kg.Medium || ps[1].(*kg.Project).Confidence != kg.High {
			t.Errorf("project confidences = %s, %s; want MEDIUM, HIGH", ps[0].(*kg.Project).Confidence, ps[1].(*kg.Project).Confidence)
		}
	})
	t.Run("Regions", func(t *testing.T) {
		rs, err := s.Regions(ctx(t))
		must(t, err)
		eq(t, "Regions", []string{"region:alpha", "region:beta"}, regionIDs(rs))
		rs, err = s.RegionsByNUTS(ctx(t), []string{"ITZ2", "XX99", "ITZ1"})
		must(t, err)
		eq(t, "RegionsByNUTS", []string{"region:beta", "", "region:alpha"}, regionIDs(rs))
		if rs[0].Kind != kg.OrgAutonomousProvince || rs[0].ISTATProvinceCode != "022" || rs[0].Centroid != (kg.GeoPoint{Lat: 46, Lon: 11}) {
			t.Errorf("region:beta = %+v", rs[0])
		}
	})
	t.Run("CallsAndFunds", func(t *testing.T) {
		cs, err := s.Calls(ctx(t))
		must(t, err)
		var got []string
		for _, c := range cs {
			got = append(got, c.ID)
		}
		eq(t, "Calls", []string{"call:old", "call:new"}, got)
		if c := cs[1]; c.IssuerID != "org:ministero" || c.FundID != "fund:test-fund" || c.Declared.Projects == nil ||
			*c.Declared.Projects != 2 || len(c.Discrepancies) != 1 || c.Discrepancies[0].Stated != "01 marzo 2008" {
			t.Errorf("call:new = %+v", c)
		}
		fs, err := s.Funds(ctx(t))
		must(t, err)
		if len(fs) != 1 || fs[0].ID != "fund:test-fund" {
			t.Errorf("Funds = %v", fs)
		}
	})
	t.Run("Related", func(t *testing.T) {
		for _, c := range []struct {
			q    kg.NodeQuery
			id   string
			want []string
			w    kg.Where
		}{
			{kg.CallProjects, "call:new", []string{"project:p-beta", "project:p-new"}, kg.Where{}},
			{kg.CallProjects, "call:old", []string{"project:p-old"}, kg.Where{}},
			{kg.CallProjects, "call:missing", nil, kg.Where{}},
			{kg.CallActions, "call:new", []string{"action:new-01"}, kg.Where{}},
			{kg.CallRegions, "call:new", []string{"region:alpha", "region:beta"}, kg.Where{}},
			{kg.CallRegions, "call:old", []string{"region:alpha"}, kg.Where{}},
			{kg.CallAmendments, "call:new", []string{"amendment:new-2020"}, kg.Where{}},
			{kg.CallObjectives, "call:old", []string{"objective:test-os2"}, kg.Where{}},
			{kg.CallObjectives, "call:new", nil, kg.Where{}},
			{kg.CallCapitalisesOn, "call:new", []string{"call:old"}, kg.Where{}},
			{kg.CallCapitalisesOn, "call:old", nil, kg.Where{}},
			{kg.CallCapitalisedBy, "call:old", []string{"call:new"}, kg.Where{}},
			{kg.FundCalls, "fund:test-fund", []string{"call:old", "call:new"}, kg.Where{}},
			{kg.FundObjectives, "fund:test-fund", []string{"objective:test-os2"}, kg.Where{}},
			{kg.RegionCalls, "region:alpha", []string{"call:old", "call:new"}, kg.Where{}},
			{kg.RegionCalls, "region:beta", []string{"call:new"}, kg.Where{}},
			{kg.RegionBodies, "region:alpha", []string{"org:ats-due", "org:comune-uno"}, kg.Where{}},
			{kg.RegionBodies, "region:beta", []string{"org:uni-tre"}, kg.Where{}},
			{kg.RegionProjects, "region:alpha", []string{"project:p-new", "project:p-old"}, kg.Where{}},
			{kg.RegionPlaces, "region:alpha", []string{"place:casa"}, kg.Where{}},
			{kg.RegionPlaces, "region:beta", nil, kg.Where{}},
			{kg.RegionInitiatives, "region:beta", []string{"initiative:altro"}, kg.Where{}},
			{kg.ProjectActions, "project:p-old", []string{"action:old-01"}, kg.Where{}},
			{kg.ProjectActions, "project:p-new", nil, kg.Where{}},
			{kg.ProjectCapitalisesOn, "project:p-new", []string{"project:p-old"}, kg.Where{}},
			{kg.ProjectCapitalisedBy, "project:p-old", []string{"project:p-new"}, kg.Where{}},
			{kg.ProjectPlaces, "project:p-new", []string{"place:casa"}, kg.Where{}},
			{kg.OrgPlaces, "org:comune-uno", []string{"place:casa"}, kg.Where{}},
			{kg.PlaceProjects, "place:casa", []string{"project:p-new"}, kg.Where{}},
			{kg.PlaceOrganizations, "place:casa", []string{"org:comune-uno"}, kg.Where{}},
			{kg.IssuerCalls, "org:ministero", []string{"call:new"}, kg.Where{}},
			{kg.PlaceInitiatives, "place:casa", []string{"initiative:altro"}, kg.Where{}},
			{kg.InitiativePlaces, "initiative:altro", []string{"place:casa"}, kg.Where{}},
			// Filters set by the fields' arguments.
			{kg.RegionProjects, "region:alpha", []string{"project:p-old"}, kg.Where{CallIDs: []string{"call:old"}}},
			{kg.RegionProjects, "region:alpha", []string{"project:p-new", "project:p-old"}, kg.Where{CallIDs: []string{"call:old", "call:new"}}},
			{kg.RegionProjects, "region:alpha", nil, kg.Where{CallIDs: []string{"call:missing"}}},
			{kg.RegionBodies, "region:alpha", []string{"org:comune-uno"}, kg.Where{Kinds: []kg.OrgKind{kg.OrgKind("MUNICIPALITY")}}},
			{kg.RegionBodies, "region:alpha", []string{"org:ats-due"}, kg.Where{Kinds: []kg.OrgKind{kg.OrgKind("ATS")}}},
			{kg.RegionBodies, "region:beta", nil, kg.Where{Kinds: []kg.OrgKind{kg.OrgKind("ATS")}}},
		} {
			got, err := s.Related(ctx(t), c.q, []string{"region:missing", c.id, c.id}, c.w)
			must(t, err)
			if len(got) != 3 || len(got[0]) != 0 {
				t.Errorf("%s: results not aligned with ids: %v", c.q, got)
				continue
			}
			eq(t, fmt.Sprintf("%s(%s)", c.q, c.id), c.want, ids(got[1]))
			eq(t, fmt.Sprintf("%s(%s) repeated", c.q, c.id), c.want, ids(got[2]))
		}
	})
	t.Run("Edges", func(t *testing.T) {
		for _, c := range []struct {
			q    kg.EdgeQuery
			id   string
			want []string
		}{
			{kg.ProjectParticipants, "project:p-new", []string{
				"region:alpha LEAD Servizio politiche sociali HIGH", "org:comune-uno PARTNER HIGH", "org:ats-due ADHERENT HIGH",
				"org:x-prefetture ADHERENT HIGH"}},
			{kg.ProjectParticipants, "project:p-beta", []string{
				"region:beta LEAD HIGH", "org:comune-uno PARTNER LOW", "org:uni-tre PARTNER HIGH", "org:y-enti PARTNER HIGH"}},
			{kg.OrgParticipations, "org:comune-uno", []string{
				"project:p-beta PARTNER LOW", "project:p-new PARTNER HIGH", "project:p-old PARTNER HIGH"}},
			{kg.OrgInvolvements, "org:uni-tre", []string{"initiative:altro LEAD HIGH", "project:p-new COLLABORATOR HIGH"}},
			{kg.ProjectInvolvements, "project:p-new", []string{"org:uni-tre COLLABORATOR HIGH"}},
			{kg.ProjectInvolvements, "initiative:altro", []string{"org:uni-tre LEAD HIGH"}},
			{kg.AmendmentAdherents, "amendment:new-2020", []string{"region:alpha extension budgetIncrease HIGH"}},
			{kg.ProjectActionDetails, "project:p-old", []string{"action:old-01 laboratori HIGH"}},
			{kg.ProjectActionDetails, "project:missing", nil},
			{kg.CallRegionLinks, "call:new", []string{"region:alpha HIGH", "region:beta HIGH"}},
			{kg.CallRegionLinks, "call:old", []string{"region:alpha MEDIUM"}},
			{kg.RegionCallLinks, "region:alpha", []string{"call:new HIGH", "call:old MEDIUM"}},
			{kg.GroupMembers, "org:y-enti", []string{"org:comune-uno HIGH", "org:uni-tre MEDIUM"}},
			{kg.GroupMembers, "org:x-prefetture", nil},
			{kg.OrgGroups, "org:uni-tre", []string{"org:y-enti MEDIUM"}},
			{kg.WorkerPlaceLinks, "project:p-new", []string{"place:casa HIGH"}},
			{kg.PlaceWorkerLinks, "place:casa", []string{"initiative:altro MEDIUM", "org:comune-uno HIGH", "project:p-new HIGH"}},
			{kg.WorkerPlaceLinks, "initiative:altro", []string{"place:casa MEDIUM"}},
		} {
			got, err := s.Edges(ctx(t), c.q, []string{c.id, "org:missing"})
			must(t, err)
			if len(got) != 2 || len(got[1]) != 0 {
				t.Errorf("%s: results not aligned with ids: %v", c.q, got)
				continue
			}
			eq(t, fmt.Sprintf("%s(%s)", c.q, c.id), c.want, edgeSummaries(got[0], c.id))
		}
		got, err := s.Edges(ctx(t), kg.ProjectParticipants, []string{"project:p-new"})
		must(t, err)
		if e := got[0][0]; len(e.Sources) != 1 || e.Sources[0].Quote != "Alpha capofila" || e.Sources[0].Title != "Piano di prova (test fixture)" ||
			e.Sources[0].Document != "002_test.txt" || e.Type != kg.RelParticipatesIn || e.From != "region:alpha" || e.To != "project:p-new" {
			t.Errorf("participation of region:alpha = %+v", e)
		}
	})
	t.Run("Organizations", func(t *testing.T) {
		all := []string{"org:ats-due", "org:comune-uno", "org:ministero", "org:uni-tre", "org:x-prefetture", "org:y-enti",
			"region:alpha", "region:beta"}
		for _, c := range []struct {
			name string
			f    kg.OrganizationFilter
			p    kg.Page
			want []string
			next bool
		}{
			{"all", kg.OrganizationFilter{}, kg.Page{First: 50}, all, false},
			{"first page", kg.OrganizationFilter{}, kg.Page{First: 2}, all[:2], true},
			{"middle page", kg.OrganizationFilter{}, kg.Page{First: 2, After: "org:comune-uno"}, all[2:4], true},
			{"last page", kg.OrganizationFilter{}, kg.Page{First: 2, After: "org:y-enti"}, all[6:], false},
			{"exact last page", kg.OrganizationFilter{}, kg.Page{First: 8}, all, false},
			{"after last", kg.OrganizationFilter{}, kg.Page{First: 2, After: "region:beta"}, nil, false},
			{"after missing id", kg.OrganizationFilter{}, kg.Page{First: 1, After: "org:b"}, all[1:2], true},
			{"first zero", kg.OrganizationFilter{}, kg.Page{First: 0}, nil, true},
			{"kinds", kg.OrganizationFilter{Kinds: []kg.OrgKind{kg.OrgMunicipality, kg.OrgATS}}, kg.Page{First: 50}, all[:2], false},
			{"region", kg.OrganizationFilter{RegionIDs: []string{"region:beta"}}, kg.Page{First: 50}, []string{"org:uni-tre", "region:beta"}, false},
			{"call", kg.OrganizationFilter{CallIDs: []string{"call:old"}}, kg.Page{First: 50}, []string{"org:comune-uno", "region:alpha"}, false},
			{"role", kg.OrganizationFilter{Roles: []kg.Role{kg.RoleAdherent}}, kg.Page{First: 50}, []string{"org:ats-due", "org:x-prefetture"}, false},
			{"call and role", kg.OrganizationFilter{CallIDs: []string{"call:new"}, Roles: []kg.Role{kg.RolePartner}}, kg.Page{First: 50},
				[]string{"org:comune-uno", "org:uni-tre", "org:y-enti"}, false},
			{"network kind", kg.OrganizationFilter{Kinds: []kg.OrgKind{kg.OrgSAILocalBody}}, kg.Page{First: 50}, []string{"org:comune-uno"}, false},
			{"network kind or own kind", kg.OrganizationFilter{Kinds: []kg.OrgKind{kg.OrgSAILocalBody, kg.OrgPrefecture}}, kg.Page{First: 50},
				[]string{"org:comune-uno", "org:x-prefetture"}, false},
			{"nothing", kg.OrganizationFilter{Kinds: []kg.OrgKind{kg.OrgSchool}}, kg.Page{First: 50}, nil, false},
		} {
			t.Run(c.name, func(t *testing.T) {
				page, err := s.Organizations(ctx(t), c.f, c.p)
				must(t, err)
				var got []string
				for _, o := range page.Items {
					got = append(got, o.NodeID())
				}
				eq(t, "items", c.want, got)
				if page.HasNext != c.next {
					t.Errorf("HasNext = %v, want %v", page.HasNext, c.next)
				}
			})
		}
		page, err := s.Organizations(ctx(t), kg.OrganizationFilter{}, kg.Page{First: 1, After: "org:uni-tre"})
		must(t, err)
		if page.Total != 8 {
			t.Errorf("Total = %d on a later page, want 8", page.Total)
		}
	})
	t.Run("Projects", func(t *testing.T) {
		for _, c := range []struct {
			name string
			f    kg.ProjectFilter
			p    kg.Page
			want []string
			next bool
			tot  int
		}{
			{"all", kg.ProjectFilter{}, kg.Page{First: 50}, []string{"project:p-beta", "project:p-new", "project:p-old"}, false, 3},
			{"paged", kg.ProjectFilter{}, kg.Page{First: 1, After: "project:p-beta"}, []string{"project:p-new"}, true, 3},
			{"call", kg.ProjectFilter{CallIDs: []string{"call:new"}}, kg.Page{First: 50}, []string{"project:p-beta", "project:p-new"}, false, 2},
			{"region", kg.ProjectFilter{RegionIDs: []string{"region:beta"}}, kg.Page{First: 50}, []string{"project:p-beta"}, false, 1},
			{"participant", kg.ProjectFilter{OrganizationIDs: []string{"org:uni-tre"}}, kg.Page{First: 50}, []string{"project:p-beta"}, false, 1},
			{"participant role", kg.ProjectFilter{OrganizationIDs: []string{"org:comune-uno"}, Roles: []kg.Role{kg.RolePartner}}, kg.Page{First: 50},
				[]string{"project:p-beta", "project:p-new", "project:p-old"}, false, 3},
			{"lead", kg.ProjectFilter{OrganizationIDs: []string{"org:comune-uno", "region:beta"}, Roles: []kg.Role{kg.RoleLead}}, kg.Page{First: 50},
				[]string{"project:p-beta"}, false, 1},
			{"unknown call", kg.ProjectFilter{CallIDs: []string{"call:missing"}}, kg.Page{First: 50}, nil, false, 0},
			// p-old's call attribution is MEDIUM: so is the project.
			{"min confidence", kg.ProjectFilter{MinConfidence: kg.High}, kg.Page{First: 50}, []string{"project:p-beta", "project:p-new"}, false, 2},
			{"min confidence low", kg.ProjectFilter{MinConfidence: kg.Low, CallIDs: []string{"call:old"}}, kg.Page{First: 50},
				[]string{"project:p-old"}, false, 1},
		} {
			t.Run(c.name, func(t *testing.T) {
				page, err := s.Projects(ctx(t), c.f, c.p)
				must(t, err)
				var got []string
				for _, p := range page.Items {
					got = append(got, p.ID)
				}
				eq(t, "items", c.want, got)
				if page.HasNext != c.next || page.Total != c.tot {
					t.Errorf("HasNext, Total = %v, %d; want %v, %d", page.HasNext, page.Total, c.next, c.tot)
				}
			})
		}
	})
	t.Run("Search", func(t *testing.T) {
		for _, c := range []struct {
			text  string
			kinds []kg.Kind
			first int
			top   string   // the best hit, "" for none
			set   []string // every hit, in id order; nil to skip
		}{
			{"comune", nil, 20, "org:comune-uno", []string{"org:comune-uno"}},
			{"Università", nil, 20, "org:uni-tre", []string{"org:uni-tre"}},
			{"UNIVERSITA", nil, 20, "org:uni-tre", nil},
			{"piano", nil, 20, "", []string{"project:p-beta", "project:p-new", "project:p-old"}},
			{"pian", nil, 20, "", []string{"project:p-beta", "project:p-new", "project:p-old"}},
			{"piano beta", nil, 20, "project:p-beta", []string{"project:p-beta"}},
			{"beta", []kg.Kind{kg.KindRegion}, 20, "region:beta", []string{"region:beta"}},
			{"alpha", []kg.Kind{kg.KindProject}, 20, "", []string{}},
			{"zzzz", nil, 20, "", []string{}},
			{`piano" OR x:*`, nil, 20, "", []string{}},
			{"avviso", nil, 1, "", nil},
		} {
			hits, err := s.Search(ctx(t), kg.SearchQuery{Text: c.text, First: c.first, Kinds: c.kinds})
			must(t, err)
			if len(hits) > c.first {
				t.Errorf("Search(%q): %d hits, want at most %d", c.text, len(hits), c.first)
			}
			for i := 1; i < len(hits); i++ {
				if hits[i].Score > hits[i-1].Score {
					t.Errorf("Search(%q): hits not best first: %v", c.text, hits)
				}
			}
			if c.top != "" && (len(hits) == 0 || hits[0].ID != c.top) {
				t.Errorf("Search(%q): best hit %v, want %s", c.text, hits, c.top)
			}
			if c.set != nil {
				var got []string
				for _, h := range hits {
					got = append(got, h.ID)
				}
				slices.Sort(got)
				eq(t, fmt.Sprintf("Search(%q)", c.text), c.set, got)
			}
		}
	})
	t.Run("Participations", func(t *testing.T) {
		for _, c := range []struct {
			f    kg.NetworkFilter
			want []string
		}{
			// org:y-enti is a complete group: its members stand for it;
			// org:x-prefetture, of unknown size, is one node.
			{kg.NetworkFilter{}, []string{
				"org:comune-uno>project:p-beta", "org:uni-tre>project:p-beta", "region:beta>project:p-beta",
				"org:ats-due>project:p-new", "org:comune-uno>project:p-new", "org:x-prefetture>project:p-new", "region:alpha>project:p-new",
				"org:comune-uno>project:p-old", "region:alpha>project:p-old"}},
			{kg.NetworkFilter{MinConfidence: kg.High}, []string{
				"org:uni-tre>project:p-beta", "region:beta>project:p-beta",
				"org:ats-due>project:p-new", "org:comune-uno>project:p-new", "org:x-prefetture>project:p-new", "region:alpha>project:p-new"}},
			{kg.NetworkFilter{CallIDs: []string{"call:old"}}, []string{"org:comune-uno>project:p-old", "region:alpha>project:p-old"}},
			{kg.NetworkFilter{RegionIDs: []string{"region:beta"}, CallIDs: []string{"call:new"}},
				[]string{"org:comune-uno>project:p-beta", "org:uni-tre>project:p-beta", "region:beta>project:p-beta"}},
			{kg.NetworkFilter{RegionIDs: []string{"region:missing"}}, nil},
		} {
			got, err := s.Participations(ctx(t), c.f)
			must(t, err)
			var sum []string
			for _, e := range got {
				sum = append(sum, e.From+">"+e.To)
			}
			eq(t, fmt.Sprintf("Participations(%+v)", c.f), c.want, sum)
		}
	})
	t.Run("Paths", func(t *testing.T) {
		P := kg.RelParticipatesIn
		for _, c := range []struct {
			name string
			q    kg.PathQuery
			want []string
		}{
			{"any relation", kg.PathQuery{From: "org:ats-due", To: "org:uni-tre", MaxLength: 4, First: 20},
				[]string{"org:ats-due -PARTICIPATES_IN- project:p-new -INVOLVED_IN- org:uni-tre"}},
			{"participations only", kg.PathQuery{From: "org:ats-due", To: "org:uni-tre", MaxLength: 4, First: 20, Relations: []kg.RelType{P}},
				[]string{"org:ats-due -PARTICIPATES_IN- project:p-new -PARTICIPATES_IN- org:comune-uno -PARTICIPATES_IN- project:p-beta -PARTICIPATES_IN- org:uni-tre"}},
			{"too short", kg.PathQuery{From: "org:ats-due", To: "org:uni-tre", MaxLength: 3, First: 20, Relations: []kg.RelType{P}}, nil},
			{"parallel relations", kg.PathQuery{From: "place:casa", To: "org:comune-uno", MaxLength: 4, First: 20},
				[]string{"place:casa -IN_MUNICIPALITY- org:comune-uno", "place:casa -WORKS_AT- org:comune-uno"}},
			{"first", kg.PathQuery{From: "place:casa", To: "org:comune-uno", MaxLength: 4, First: 1},
				[]string{"place:casa -IN_MUNICIPALITY- org:comune-uno"}},
			{"through a call", kg.PathQuery{From: "region:alpha", To: "region:beta", MaxLength: 2, First: 20},
				[]string{"region:alpha -TAKES_PART_IN- call:new -TAKES_PART_IN- region:beta"}},
			{"direct", kg.PathQuery{From: "org:comune-uno", To: "region:alpha", MaxLength: 3, First: 20},
				[]string{"org:comune-uno -LOCATED_IN- region:alpha"}},
			{"against the direction", kg.PathQuery{From: "call:old", To: "call:new", MaxLength: 1, First: 20},
				[]string{"call:old -CONTINUES- call:new"}},
			{"unreachable", kg.PathQuery{From: "org:ministero", To: "initiative:altro", MaxLength: 1, First: 20}, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.Paths(ctx(t), c.q)
				must(t, err)
				eq(t, "paths", c.want, pathStrings(got))
			})
		}
		got, err := s.Paths(ctx(t), kg.PathQuery{From: "org:comune-uno", To: "org:uni-tre", MaxLength: 2, First: 20})
		must(t, err)
		want := []string{
			"org:comune-uno -MEMBER_OF- org:y-enti -MEMBER_OF- org:uni-tre",
			"org:comune-uno -PARTICIPATES_IN- project:p-beta -PARTICIPATES_IN- org:uni-tre",
			"org:comune-uno -PARTICIPATES_IN- project:p-new -INVOLVED_IN- org:uni-tre",
		}
		eq(t, "three paths in node order", want, pathStrings(got))
	})
	t.Run("Lineage", func(t *testing.T) {
		for _, c := range []struct {
			q    kg.LineageQuery
			want []string
		}{
			{kg.LineageQuery{Of: "call:new", Direction: kg.Backward, MaxDepth: 5}, []string{"1 call:new CONTINUES call:old"}},
			{kg.LineageQuery{Of: "call:old", Direction: kg.Forward, MaxDepth: 5}, []string{"1 call:new CONTINUES call:old"}},
			{kg.LineageQuery{Of: "call:old", Direction: kg.Backward, MaxDepth: 5}, nil},
			{kg.LineageQuery{Of: "project:p-new", Direction: kg.Backward, MaxDepth: 1}, []string{"1 project:p-new CAPITALISES_ON project:p-old"}},
			{kg.LineageQuery{Of: "project:p-old", Direction: kg.Forward, MaxDepth: 3}, []string{"1 project:p-new CAPITALISES_ON project:p-old"}},
		} {
			got, err := s.Lineage(ctx(t), c.q)
			must(t, err)
			var sum []string
			for _, l := range got {
				sum = append(sum, fmt.Sprintf("%d %s %s %s", l.Depth, l.From, l.Relation, l.To))
				if len(l.Sources) == 0 {
					t.Errorf("lineage link %v has no sources", l)
				}
			}
			eq(t, fmt.Sprintf("Lineage(%+v)", c.q), c.want, sum)
		}
	})
	t.Run("Stats", func(t *testing.T) {
		st, err := s.Stats(ctx(t))
		must(t, err)
		if st.Nodes != len(ds.Nodes) || st.Edges != len(ds.Edges) {
			t.Errorf("Stats = %+v, want %d nodes, %d relationships", st, len(ds.Nodes), len(ds.Edges))
		}
		must(t, s.Ping(ctx(t)))
	})
	t.Run("ContextErrors", func(t *testing.T) {
		cancelled, cancel := context.WithCancel(context.Background())
		cancel()
		expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		defer cancel2()
		for _, c := range []struct {
			ctx  context.Context
			code []string
		}{{cancelled, []string{kg.EUNAVAILABLE}}, {expired, []string{kg.ETIMEOUT}}} {
			_, err := s.Nodes(c.ctx, []string{"region:alpha"})
			if err == nil || !slices.Contains(c.code, kg.ErrorCode(err)) {
				t.Errorf("Nodes with a dead context: err %v (code %q), want code %v", err, kg.ErrorCode(err), c.code)
			}
		}
	})
}

// checkNodesRoundTrip asks for every record and compares it field by field
// with the dataset it was loaded from.
func checkNodesRoundTrip(t *testing.T, s kg.Store, ds *kg.Dataset) {
	ids := make([]string, len(ds.Nodes))
	for i, n := range ds.Nodes {
		ids[i] = n.NodeID()
	}
	got, err := s.Nodes(ctx(t), ids)
	must(t, err)
	for i, n := range ds.Nodes {
		if d := cmp.Diff(n, got[i], cmpopts.EquateEmpty()); d != "" {
			t.Errorf("%s does not round-trip (-dataset +store):\n%s", n.NodeID(), d)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func eq(t *testing.T, what string, want, got []string) {
	t.Helper()
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

func ids(ns []kg.Node) []string {
	var out []string
	for _, n := range ns {
		if n == nil {
			out = append(out, "")
		} else {
			out = append(out, n.NodeID())
		}
	}
	return out
}

func regionIDs(rs []*kg.Region) []string {
	var out []string
	for _, r := range rs {
		if r == nil {
			out = append(out, "")
		} else {
			out = append(out, r.ID)
		}
	}
	return out
}

// edgeSummaries describes edges from the side opposite to id.
func edgeSummaries(es []*kg.Edge, id string) []string {
	var out []string
	for _, e := range es {
		other := e.To
		if other == id {
			other = e.From
		}
		parts := []string{other}
		for _, p := range []string{string(e.Role), e.Office, e.Relation, e.Detail} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		if e.Extension {
			parts = append(parts, "extension")
		}
		if e.BudgetIncrease {
			parts = append(parts, "budgetIncrease")
		}
		out = append(out, strings.Join(append(parts, string(e.Confidence)), " "))
	}
	return out
}

func pathStrings(ps []kg.Path) []string {
	var out []string
	for _, p := range ps {
		var b strings.Builder
		for i, n := range p.Nodes {
			if i > 0 {
				b.WriteString(" -" + string(p.Relations[i-1]) + "- ")
			}
			b.WriteString(n)
		}
		out = append(out, b.String())
	}
	return out
}
