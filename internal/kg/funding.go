package kg

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
)

// FundingDimension is a dimension funding figures are grouped by.
type FundingDimension string

// The dimensions of Funding.
const (
	ByCall   FundingDimension = "CALL"
	ByRegion FundingDimension = "REGION"
	ByYear   FundingDimension = "YEAR" // the project's start year
)

// FundingGroup counts the projects of one combination of the dimensions
// asked. A project's budget counts only when it is known: BudgetEUR sums the
// ProjectsWithBudget known budgets, and an unknown budget is never read as
// zero.
type FundingGroup struct {
	CallID             string // set when grouped by call
	RegionID           string // set when grouped by region
	Year               *int   // set when grouped by year and the start date is known
	Projects           int
	ProjectsWithBudget int
	BudgetEUR          float64
	Organizations      int // distinct bodies taking part, in any role
}

// KindCount is the number of bodies of one kind.
type KindCount struct {
	Kind  OrgKind
	Count int
}

// RegionCallSummary is the figures of one region under one call, for maps.
type RegionCallSummary struct {
	RegionID           string
	CallID             string
	Projects           int
	ProjectsWithBudget int
	BudgetEUR          float64 // the sum of the known budgets
	Partners           int     // distinct bodies taking part, in any role
	PartnersByKind     []KindCount
}

// projectScope is the projects of some calls and regions with their
// participations: what funding figures, summaries and continuity are
// computed from.
type projectScope struct {
	projects []*Project            // in id order
	parts    map[string][]*Edge    // PARTICIPATES_IN by project id, by body id
	orgs     map[string]Org        // the bodies taking part, when asked for
	calls    []*Call               // every call, oldest first
	callAt   map[string]int        // position of a call in calls
	regions  []*Region             // every region, by NUTS code
	regionAt map[string]int        // position of a region in regions
	byRegion map[string][]*Project // by region id, in id order
}

// allItems is a page size that takes every match: the analytics read whole
// lists from the store, bounded by the data, not by a page.
const allItems = math.MaxInt32

// loadScope reads the projects of the calls and regions (all when empty)
// and their participations; with orgs, also the bodies taking part.
func (s *Service) loadScope(ctx context.Context, callIDs, regionIDs []string, orgs bool) (*projectScope, error) {
	pg, err := s.Store.Projects(ctx, ProjectFilter{CallIDs: callIDs, RegionIDs: regionIDs}, Page{First: allItems})
	if err != nil {
		return nil, err
	}
	parts, err := s.Store.Participations(ctx, NetworkFilter{CallIDs: callIDs, RegionIDs: regionIDs})
	if err != nil {
		return nil, err
	}
	calls, err := s.Store.Calls(ctx)
	if err != nil {
		return nil, err
	}
	regions, err := s.Store.Regions(ctx)
	if err != nil {
		return nil, err
	}
	sc := &projectScope{projects: pg.Items, parts: map[string][]*Edge{}, calls: calls, callAt: map[string]int{},
		regions: regions, regionAt: map[string]int{}, byRegion: map[string][]*Project{}}
	for i, c := range calls {
		sc.callAt[c.ID] = i
	}
	for i, r := range regions {
		sc.regionAt[r.ID] = i
	}
	for _, p := range sc.projects {
		sc.byRegion[p.RegionID] = append(sc.byRegion[p.RegionID], p)
	}
	var orgIDs []string
	seen := map[string]bool{}
	for _, e := range parts {
		sc.parts[e.To] = append(sc.parts[e.To], e)
		if !seen[e.From] {
			seen[e.From] = true
			orgIDs = append(orgIDs, e.From)
		}
	}
	if orgs {
		slices.Sort(orgIDs)
		ns, err := s.Store.Nodes(ctx, orgIDs)
		if err != nil {
			return nil, err
		}
		sc.orgs = make(map[string]Org, len(ns))
		for i, n := range ns {
			o, ok := n.(Org)
			if !ok {
				return nil, Errorf(EINTERNAL, "participant %s is not an organization", orgIDs[i])
			}
			sc.orgs[orgIDs[i]] = o
		}
	}
	return sc, nil
}

// tally accumulates the figures of a set of projects.
type tally struct {
	projects, withBudget int
	budget               float64
	bodies               map[string]bool
	order                int
}

func newTally() *tally { return &tally{bodies: map[string]bool{}} }

func (t *tally) add(sc *projectScope, p *Project) {
	t.projects++
	if p.BudgetEUR != nil {
		t.withBudget++
		t.budget += *p.BudgetEUR
	}
	for _, e := range sc.parts[p.ID] {
		t.bodies[e.From] = true
	}
}

// euros rounds a sum of budgets to the cent, so that it does not depend on
// the order of floating-point additions.
func euros(x float64) float64 { return math.Round(x*100) / 100 }

// MaxFundingDimensions bounds groupBy: each dimension at most once.
const MaxFundingDimensions = 3

// Funding counts the projects of the calls and regions (all when empty) and
// their known budgets, one group per combination of the dimensions that has
// projects, ordered by the dimensions in the order asked: calls oldest
// first, regions by NUTS code, years ascending with unknown years last.
func (s *Service) Funding(ctx context.Context, groupBy []FundingDimension, callIDs, regionIDs []string) ([]FundingGroup, error) {
	for i, d := range groupBy {
		if d != ByCall && d != ByRegion && d != ByYear {
			return nil, Errorf(EINVALID, "unknown funding dimension %q", clip(string(d)))
		}
		if slices.Contains(groupBy[:i], d) {
			return nil, Errorf(EINVALID, "groupBy names %s twice", d)
		}
	}
	if err := checkIDs("callIds", callIDs, KindCall); err != nil {
		return nil, err
	}
	if err := checkIDs("regionIds", regionIDs, KindRegion); err != nil {
		return nil, err
	}
	sc, err := s.loadScope(ctx, callIDs, regionIDs, false)
	if err != nil {
		return nil, err
	}
	type key struct {
		call, region string
		year         int // 0 when unknown or not grouped by
	}
	groups := map[key]*tally{}
	keys := []key{}
	for _, p := range sc.projects {
		var k key
		for _, d := range groupBy {
			switch d {
			case ByCall:
				k.call = p.CallID
			case ByRegion:
				k.region = p.RegionID
			case ByYear:
				k.year = startYear(p)
			}
		}
		t := groups[k]
		if t == nil {
			t = newTally()
			groups[k] = t
			keys = append(keys, k)
		}
		t.add(sc, p)
	}
	position := func(at map[string]int, id string) int {
		if i, ok := at[id]; ok {
			return i
		}
		return math.MaxInt
	}
	year := func(y int) int {
		if y == 0 {
			return math.MaxInt // unknown years last
		}
		return y
	}
	slices.SortFunc(keys, func(a, b key) int {
		for _, d := range groupBy {
			var c int
			switch d {
			case ByCall:
				c = cmp.Or(cmp.Compare(position(sc.callAt, a.call), position(sc.callAt, b.call)), cmp.Compare(a.call, b.call))
			case ByRegion:
				c = cmp.Or(cmp.Compare(position(sc.regionAt, a.region), position(sc.regionAt, b.region)), cmp.Compare(a.region, b.region))
			case ByYear:
				c = cmp.Compare(year(a.year), year(b.year))
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	out := make([]FundingGroup, 0, len(keys))
	for _, k := range keys {
		t := groups[k]
		g := FundingGroup{CallID: k.call, RegionID: k.region, Projects: t.projects, ProjectsWithBudget: t.withBudget,
			BudgetEUR: euros(t.budget), Organizations: len(t.bodies)}
		if k.year != 0 {
			y := k.year
			g.Year = &y
		}
		out = append(out, g)
	}
	return out, nil
}

// startYear returns the year of the project's start date, 0 if unknown.
func startYear(p *Project) int {
	if p.StartDate == nil || len(*p.StartDate) < 4 {
		return 0
	}
	y, err := strconv.Atoi(string(*p.StartDate)[:4])
	if err != nil {
		return 0
	}
	return y
}

// RegionSummaries returns, for every region, its figures under each call of
// callIDs (every call when empty), calls oldest first; a call under which
// the region has no project has zero figures.
func (s *Service) RegionSummaries(ctx context.Context, callIDs []string) (map[string][]RegionCallSummary, error) {
	if err := checkIDs("callIds", callIDs, KindCall); err != nil {
		return nil, err
	}
	sc, err := s.loadScope(ctx, callIDs, nil, true)
	if err != nil {
		return nil, err
	}
	return sc.summaries(callIDs), nil
}

// summaries computes RegionSummaries from the scope.
func (sc *projectScope) summaries(callIDs []string) map[string][]RegionCallSummary {
	var calls []*Call
	for _, c := range sc.calls {
		if len(callIDs) == 0 || slices.Contains(callIDs, c.ID) {
			calls = append(calls, c)
		}
	}
	out := make(map[string][]RegionCallSummary, len(sc.regions))
	for _, r := range sc.regions {
		byCall := map[string]*tally{}
		for _, c := range calls {
			byCall[c.ID] = newTally()
		}
		for _, p := range sc.byRegion[r.ID] {
			if t := byCall[p.CallID]; t != nil {
				t.add(sc, p)
			}
		}
		list := make([]RegionCallSummary, 0, len(calls))
		for _, c := range calls {
			t := byCall[c.ID]
			kinds := map[OrgKind]int{}
			for id := range t.bodies {
				if o := sc.orgs[id]; o != nil {
					kinds[o.OrgKind()]++
				}
			}
			var byKind []KindCount
			for _, k := range OrgKinds {
				if kinds[k] > 0 {
					byKind = append(byKind, KindCount{Kind: k, Count: kinds[k]})
				}
			}
			list = append(list, RegionCallSummary{RegionID: r.ID, CallID: c.ID, Projects: t.projects,
				ProjectsWithBudget: t.withBudget, BudgetEUR: euros(t.budget), Partners: len(t.bodies), PartnersByKind: byKind})
		}
		out[r.ID] = list
	}
	return out
}
