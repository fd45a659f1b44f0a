package kgtest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/memstore"
)

// RunParity asks s and the embedded store, both holding ds, every question
// the API can ask of a store, and requires the same answers: every record,
// every traversal from every record, filters, pages, paths, lineage, and
// search hits with the same scores in the same order.
func RunParity(t *testing.T, s kg.Store, ds *kg.Dataset) {
	var ref kg.Store = memstore.New(ds)
	var allIDs []string
	for _, n := range ds.Nodes {
		allIDs = append(allIDs, n.NodeID())
	}
	allIDs = append(allIDs, "project:does-not-exist")

	t.Run("Nodes", func(t *testing.T) { checkNodesRoundTrip(t, s, ds) })
	t.Run("Aliases", func(t *testing.T) {
		var aliases []string
		for _, n := range ds.Nodes {
			if r := kg.RecordOf(n); r != nil {
				aliases = append(aliases, r.Aliases...)
			}
		}
		aliases = append(aliases, "org:no_such_alias")
		want, err := ref.Nodes(ctx(t), aliases)
		must(t, err)
		got, err := s.Nodes(ctx(t), aliases)
		must(t, err)
		same(t, "Nodes(aliases)", ids(want), ids(got))
	})
	t.Run("Related", func(t *testing.T) {
		for _, r := range kg.NodeRels() {
			for _, w := range whereCases(r, ds) {
				want, err := ref.Related(ctx(t), r.Node, allIDs, w)
				must(t, err)
				got, err := s.Related(ctx(t), r.Node, allIDs, w)
				must(t, err)
				if len(got) != len(allIDs) {
					t.Fatalf("%s: %d results for %d ids", r.Node, len(got), len(allIDs))
				}
				for i := range allIDs {
					same(t, fmt.Sprintf("%s(%s, %s)", r.Node, allIDs[i], w.Key()), ids(want[i]), ids(got[i]))
				}
			}
		}
	})
	t.Run("Edges", func(t *testing.T) {
		for _, q := range kg.EdgeQueries {
			want, err := ref.Edges(ctx(t), q, allIDs)
			must(t, err)
			got, err := s.Edges(ctx(t), q, allIDs)
			must(t, err)
			if len(got) != len(allIDs) {
				t.Fatalf("%s: %d results for %d ids", q, len(got), len(allIDs))
			}
			for i := range allIDs {
				same(t, fmt.Sprintf("%s(%s)", q, allIDs[i]), want[i], got[i])
			}
		}
	})
	t.Run("Lists", func(t *testing.T) {
		wr, _ := ref.Regions(ctx(t))
		codes := []string{"ITI3", "nope"}
		for _, r := range wr {
			codes = append(codes, r.NUTSCode)
		}
		agree(t, "Regions", ref, s, func(st kg.Store) ([]*kg.Region, error) { return st.Regions(ctx(t)) })
		agree(t, "RegionsByNUTS", ref, s, func(st kg.Store) ([]*kg.Region, error) { return st.RegionsByNUTS(ctx(t), codes) })
		agree(t, "Calls", ref, s, func(st kg.Store) ([]*kg.Call, error) { return st.Calls(ctx(t)) })
		agree(t, "Funds", ref, s, func(st kg.Store) ([]*kg.Fund, error) { return st.Funds(ctx(t)) })
		agree(t, "Stats", ref, s, func(st kg.Store) (kg.Stats, error) { return st.Stats(ctx(t)) })
	})

	var callIDs, regionIDs, orgIDs []string
	for _, n := range ds.Nodes {
		switch n.(type) {
		case *kg.Call:
			callIDs = append(callIDs, n.NodeID())
		case *kg.Region:
			regionIDs = append(regionIDs, n.NodeID())
		case *kg.Body:
			orgIDs = append(orgIDs, n.NodeID())
		}
	}
	t.Run("Organizations", func(t *testing.T) {
		filters := []kg.OrganizationFilter{{}, {Kinds: []kg.OrgKind{kg.OrgMunicipality, kg.OrgSchool}},
			{Roles: []kg.Role{kg.RoleLead}}, {Roles: []kg.Role{kg.RoleAdherent, kg.RolePartner}},
			{Kinds: []kg.OrgKind{kg.OrgSAILocalBody}}, {Kinds: []kg.OrgKind{kg.OrgSAILocalBody, kg.OrgUniversity}}}
		for _, c := range callIDs {
			filters = append(filters, kg.OrganizationFilter{CallIDs: []string{c}},
				kg.OrganizationFilter{CallIDs: []string{c}, Roles: []kg.Role{kg.RolePartner}})
		}
		for _, r := range regionIDs {
			filters = append(filters, kg.OrganizationFilter{RegionIDs: []string{r}})
		}
		walkFilters(t, filters, []int{0, 7, kg.MaxPageSize}, ref, s,
			func(st kg.Store, f kg.OrganizationFilter, p kg.Page) (any, bool, string, error) {
				pg, err := st.Organizations(ctx(t), f, p)
				if err != nil {
					return nil, false, "", err
				}
				return orgPage(pg), pg.HasNext, lastOrg(pg), nil
			})
	})
	t.Run("Projects", func(t *testing.T) {
		filters := []kg.ProjectFilter{{}, {MinConfidence: kg.High}, {MinConfidence: kg.Medium}, {MinConfidence: kg.Low}}
		for _, c := range callIDs {
			filters = append(filters, kg.ProjectFilter{CallIDs: []string{c}},
				kg.ProjectFilter{CallIDs: []string{c}, MinConfidence: kg.High})
		}
		for _, r := range regionIDs {
			filters = append(filters, kg.ProjectFilter{RegionIDs: []string{r}},
				kg.ProjectFilter{OrganizationIDs: []string{r}, Roles: []kg.Role{kg.RoleLead}})
		}
		for i, o := range orgIDs {
			if i%5 == 0 {
				filters = append(filters, kg.ProjectFilter{OrganizationIDs: []string{o}})
			}
		}
		walkFilters(t, filters, []int{5, kg.MaxPageSize}, ref, s,
			func(st kg.Store, f kg.ProjectFilter, p kg.Page) (any, bool, string, error) {
				pg, err := st.Projects(ctx(t), f, p)
				if err != nil {
					return nil, false, "", err
				}
				return pg, pg.HasNext, lastProject(pg), nil
			})
	})
	t.Run("Participations", func(t *testing.T) {
		filters := []kg.NetworkFilter{{}, {MinConfidence: kg.High}, {MinConfidence: kg.Medium}}
		for _, c := range callIDs {
			filters = append(filters, kg.NetworkFilter{CallIDs: []string{c}},
				kg.NetworkFilter{CallIDs: []string{c}, MinConfidence: kg.High})
			for _, r := range regionIDs {
				filters = append(filters, kg.NetworkFilter{CallIDs: []string{c}, RegionIDs: []string{r}})
			}
		}
		for _, f := range filters {
			agree(t, fmt.Sprintf("Participations(%+v)", f), ref, s, func(st kg.Store) ([]*kg.Edge, error) { return st.Participations(ctx(t), f) })
		}
	})
	t.Run("WithoutProvenance", func(t *testing.T) { runLeanParity(t, s, ref, allIDs) })
	t.Run("Analytics", func(t *testing.T) { runAnalyticsParity(t, s, ref, callIDs, regionIDs) })
	t.Run("Search", func(t *testing.T) {
		words := map[string]bool{}
		for _, n := range ds.Nodes {
			for _, text := range kg.SearchText(n) {
				for _, w := range kg.Tokenize(text) {
					if len(w) >= 4 && len(words) < 300 {
						words[w] = true
					}
				}
			}
		}
		for w := range words {
			for _, text := range []string{w, string([]rune(w)[:3])} {
				q := kg.SearchQuery{Text: text, First: kg.MaxSearchHits}
				agree(t, fmt.Sprintf("Search(%q)", text), ref, s, func(st kg.Store) ([]kg.SearchHit, error) { return st.Search(ctx(t), q) })
			}
		}
	})
	t.Run("Paths", func(t *testing.T) {
		var pairs [][2]string
		for i := 0; i < len(allIDs)-1; i += 7 {
			j := (i*31 + 11) % (len(allIDs) - 1)
			pairs = append(pairs, [2]string{allIDs[i], allIDs[j]})
		}
		for _, p := range pairs {
			if p[0] == p[1] {
				continue
			}
			for _, q := range []kg.PathQuery{
				{From: p[0], To: p[1], MaxLength: kg.DefaultPathLength, First: kg.MaxPaths},
				{From: p[0], To: p[1], MaxLength: kg.MaxPathLength, First: 3, Relations: []kg.RelType{kg.RelParticipatesIn, kg.RelLocatedIn}},
			} {
				want, _ := ref.Paths(ctx(t), q)
				got, err := s.Paths(ctx(t), q)
				must(t, err)
				same(t, fmt.Sprintf("Paths(%+v)", q), want, got)
			}
		}
	})
	t.Run("Lineage", func(t *testing.T) {
		for _, n := range ds.Nodes {
			k := kg.KindOf(n.NodeID())
			if k != kg.KindCall && k != kg.KindProject {
				continue
			}
			for _, dir := range []kg.Direction{kg.Backward, kg.Forward} {
				for _, depth := range []int{1, kg.MaxLineageDepth} {
					q := kg.LineageQuery{Of: n.NodeID(), Direction: dir, MaxDepth: depth}
					want, _ := ref.Lineage(ctx(t), q)
					got, err := s.Lineage(ctx(t), q)
					must(t, err)
					same(t, fmt.Sprintf("Lineage(%+v)", q), want, got)
				}
			}
		}
	})
}

// runLeanParity asks s, under kg.WithoutProvenance, every read that may
// leave the provenance out, and requires the embedded store's whole answer
// less the provenance: the records and relationships themselves, their
// references and their order are the same.
func runLeanParity(t *testing.T, s, ref kg.Store, allIDs []string) {
	for _, r := range kg.NodeRels() {
		agreeLean(t, string(r.Node), ref, s, func(st kg.Store, ctx context.Context) ([][]kg.Node, error) {
			return st.Related(ctx, r.Node, allIDs, kg.Where{})
		})
	}
	for _, q := range kg.EdgeQueries {
		agreeLean(t, string(q), ref, s, func(st kg.Store, ctx context.Context) ([][]*kg.Edge, error) { return st.Edges(ctx, q, allIDs) })
	}
	agreeLean(t, "Nodes", ref, s, func(st kg.Store, ctx context.Context) ([]kg.Node, error) { return st.Nodes(ctx, allIDs) })
	agreeLean(t, "Regions", ref, s, kg.Store.Regions)
	agreeLean(t, "RegionsByNUTS", ref, s, func(st kg.Store, ctx context.Context) ([]*kg.Region, error) {
		return st.RegionsByNUTS(ctx, []string{"ITI3", "ITC1"})
	})
	agreeLean(t, "Calls", ref, s, kg.Store.Calls)
	agreeLean(t, "Funds", ref, s, kg.Store.Funds)
	page := kg.Page{First: kg.MaxPageSize}
	agreeLean(t, "Organizations", ref, s, func(st kg.Store, ctx context.Context) (*kg.OrgPage, error) {
		return st.Organizations(ctx, kg.OrganizationFilter{}, page)
	})
	agreeLean(t, "Projects", ref, s, func(st kg.Store, ctx context.Context) (*kg.ProjectPage, error) {
		return st.Projects(ctx, kg.ProjectFilter{}, page)
	})
}

// agreeLean asks the embedded store (ref) a question, and s the same under
// kg.WithoutProvenance, and requires the same answer less the provenance.
func agreeLean[T any](t *testing.T, what string, ref, s kg.Store, ask func(kg.Store, context.Context) (T, error)) {
	t.Helper()
	want, err := ask(ref, ctx(t))
	must(t, err)
	got, err := ask(s, kg.WithoutProvenance(ctx(t)))
	must(t, err)
	same(t, what+" without provenance", want, got,
		cmpopts.IgnoreFields(kg.Record{}, "Sources", "Facts", "Discrepancies"),
		cmpopts.IgnoreFields(kg.Edge{}, "Sources"))
}

// agree asks one question of the embedded store (ref) and of s, or of the
// services over them, and requires the same answer (empty and nil lists
// alike).
func agree[S, T any](t *testing.T, what string, ref, s S, ask func(S) (T, error)) {
	t.Helper()
	want, err := ask(ref)
	must(t, err)
	got, err := ask(s)
	must(t, err)
	same(t, what, want, got)
}

// same requires the embedded store's answer and another's to be equal
// (empty and nil lists alike), compared with opts as well.
func same(t *testing.T, what string, want, got any, opts ...cmp.Option) {
	t.Helper()
	if d := cmp.Diff(want, got, append(opts, cmpopts.EquateEmpty())...); d != "" {
		t.Errorf("%s differs (-embedded +store):\n%s", what, d)
	}
}

// walkFilters walks, on both stores, the pages of the list each filter
// selects, with each page size; for the unfiltered list and the first
// filters, page by page too (every boundary).
func walkFilters[F any](t *testing.T, filters []F, sizes []int, ref, s kg.Store,
	list func(kg.Store, F, kg.Page) (any, bool, string, error)) {
	t.Helper()
	for i, f := range filters {
		sizes := sizes
		if i < 4 {
			sizes = append(slices.Clone(sizes), 1)
		}
		for _, size := range sizes {
			walk(t, fmt.Sprintf("%+v/%d", f, size), size, ref, s, func(st kg.Store, p kg.Page) (any, bool, string, error) {
				return list(st, f, p)
			})
		}
	}
}

// walk pages through a list on both stores (list asks one store for one
// page: the page's view, whether more follow and its last id) and requires
// the same pages.
func walk(t *testing.T, what string, size int, ref, s kg.Store, list func(kg.Store, kg.Page) (any, bool, string, error)) {
	t.Helper()
	p := kg.Page{First: size}
	for i := 0; i < 1000; i++ {
		w, wNext, wLast, err := list(ref, p)
		must(t, err)
		g, _, _, err := list(s, p)
		must(t, err)
		same(t, fmt.Sprintf("%s page %d", what, i), w, g)
		if !wNext || wLast == "" {
			return
		}
		p.After = wLast
	}
	t.Fatalf("%s: more than 1000 pages", what)
}

type orgPageView struct {
	IDs     []string
	Total   int
	HasNext bool
}

func orgPage(p *kg.OrgPage) orgPageView {
	v := orgPageView{Total: p.Total, HasNext: p.HasNext}
	for _, o := range p.Items {
		v.IDs = append(v.IDs, o.NodeID())
	}
	return v
}

func lastOrg(p *kg.OrgPage) string {
	if len(p.Items) == 0 {
		return ""
	}
	return p.Items[len(p.Items)-1].NodeID()
}

func lastProject(p *kg.ProjectPage) string {
	if len(p.Items) == 0 {
		return ""
	}
	return p.Items[len(p.Items)-1].ID
}

// whereCases returns the filters to try on a traversal row: none, and for
// each argument it takes, a filter on values the dataset holds.
func whereCases(r *kg.Rel, ds *kg.Dataset) []kg.Where {
	out := []kg.Where{{}}
	var calls []string
	var kinds []kg.OrgKind
	for _, n := range ds.Nodes {
		switch n := n.(type) {
		case *kg.Call:
			calls = append(calls, n.ID)
		case *kg.Body:
			if !slices.Contains(kinds, n.Kind) {
				kinds = append(kinds, n.Kind)
			}
		}
	}
	for _, a := range r.Args {
		switch a {
		case kg.WhereCallIDs:
			out = append(out, kg.Where{CallIDs: calls[:min(2, len(calls))]}, kg.Where{CallIDs: []string{"call:does-not-exist"}})
		case kg.WhereKinds:
			out = append(out, kg.Where{Kinds: kinds[:min(2, len(kinds))]})
		}
	}
	return out
}
