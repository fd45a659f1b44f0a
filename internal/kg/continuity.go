package kg

import (
	"context"
	"slices"
)

// Continuity compares, for one region, the bodies taking part in its
// projects under earlier calls with those under later calls.
type Continuity struct {
	RegionID   string
	EarlierIDs []string // the region's projects under the earlier calls, in id order
	LaterIDs   []string // under the later calls, in id order
	Persisting []ContinuingPartner
	JoinedIDs  []string // bodies only in the later projects, in id order
	LeftIDs    []string // bodies only in the earlier projects, in id order
	// Retention is len(Persisting) over the number of bodies of the earlier
	// projects; nil when there were none.
	Retention *float64
	// Links are the capitalisation links the sources state from a later
	// project to an earlier one, by from, to and relation.
	Links []LineageLink
}

// ContinuingPartner is a body taking part both before and after, with its
// roles in each period (lead first).
type ContinuingPartner struct {
	OrgID       string
	RolesBefore []Role
	RolesAfter  []Role
}

// Continuity compares the partners of each region's projects under
// fromCallIDs with those under toCallIDs: one entry per region that has
// projects under both sets of calls or, when regionIDs is given, per region
// of regionIDs, by NUTS code.
func (s *Service) Continuity(ctx context.Context, fromCallIDs, toCallIDs, regionIDs []string) ([]Continuity, error) {
	if len(fromCallIDs) == 0 || len(toCallIDs) == 0 {
		return nil, Errorf(EINVALID, "fromCallIds and toCallIds must each name at least one call")
	}
	for _, c := range []struct {
		name string
		ids  []string
		kind Kind
	}{{"fromCallIds", fromCallIDs, KindCall}, {"toCallIds", toCallIDs, KindCall}, {"regionIds", regionIDs, KindRegion}} {
		if err := checkIDs(c.name, c.ids, c.kind); err != nil {
			return nil, err
		}
	}
	for _, id := range fromCallIDs {
		if slices.Contains(toCallIDs, id) {
			return nil, Errorf(EINVALID, "%s is in both fromCallIds and toCallIds", id)
		}
	}
	sc, err := s.loadScope(ctx, append(slices.Clone(fromCallIDs), toCallIDs...), regionIDs, false)
	if err != nil {
		return nil, err
	}
	type periods struct {
		region         string
		earlier, later []*Project
	}
	var compared []periods
	var laterIDs []string
	for _, r := range sc.regions {
		var earlier, later []*Project
		for _, p := range sc.byRegion[r.ID] {
			switch {
			case slices.Contains(fromCallIDs, p.CallID):
				earlier = append(earlier, p)
			case slices.Contains(toCallIDs, p.CallID):
				later = append(later, p)
			}
		}
		if len(regionIDs) > 0 && !slices.Contains(regionIDs, r.ID) || len(regionIDs) == 0 && (len(earlier) == 0 || len(later) == 0) {
			continue
		}
		compared = append(compared, periods{r.ID, earlier, later})
		if len(earlier) > 0 {
			for _, p := range later {
				laterIDs = append(laterIDs, p.ID)
			}
		}
	}
	// One batched lookup finds the later projects that build on others;
	// only those need their links read, with sources.
	bases := map[string][]Node{}
	if len(laterIDs) > 0 {
		res, err := s.Store.Related(ctx, ProjectCapitalisesOn, laterIDs, Where{})
		if err != nil {
			return nil, err
		}
		for i, id := range laterIDs {
			bases[id] = res[i]
		}
	}
	var out []Continuity
	for _, p := range compared {
		c, err := s.continuityOf(ctx, sc, p.region, p.earlier, p.later, bases)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func (s *Service) continuityOf(ctx context.Context, sc *projectScope, regionID string, earlier, later []*Project, bases map[string][]Node) (Continuity, error) {
	c := Continuity{RegionID: regionID, EarlierIDs: []string{}, LaterIDs: []string{}, Persisting: []ContinuingPartner{},
		JoinedIDs: []string{}, LeftIDs: []string{}, Links: []LineageLink{}}
	roles := func(ps []*Project) map[string][]Role {
		m := map[string][]Role{}
		for _, p := range ps {
			for _, e := range sc.parts[p.ID] {
				if !slices.Contains(m[e.From], e.Role) {
					m[e.From] = append(m[e.From], e.Role)
				}
			}
		}
		for _, rs := range m {
			slices.SortFunc(rs, func(a, b Role) int { return a.Rank() - b.Rank() })
		}
		return m
	}
	before, after := roles(earlier), roles(later)
	earlierSet := map[string]bool{}
	for _, p := range earlier {
		c.EarlierIDs = append(c.EarlierIDs, p.ID)
		earlierSet[p.ID] = true
	}
	for _, p := range later {
		c.LaterIDs = append(c.LaterIDs, p.ID)
	}
	for _, id := range sortedKeys(before) {
		if rs, ok := after[id]; ok {
			c.Persisting = append(c.Persisting, ContinuingPartner{OrgID: id, RolesBefore: before[id], RolesAfter: rs})
		} else {
			c.LeftIDs = append(c.LeftIDs, id)
		}
	}
	for _, id := range sortedKeys(after) {
		if _, ok := before[id]; !ok {
			c.JoinedIDs = append(c.JoinedIDs, id)
		}
	}
	if len(before) > 0 {
		r := round6(float64(len(c.Persisting)) / float64(len(before)))
		c.Retention = &r
	}
	if len(earlier) == 0 {
		return c, nil
	}
	for _, p := range later {
		if !slices.ContainsFunc(bases[p.ID], func(n Node) bool { return earlierSet[n.NodeID()] }) {
			continue
		}
		links, err := s.Store.Lineage(ctx, LineageQuery{Of: p.ID, Direction: Backward, MaxDepth: 1})
		if err != nil {
			return c, err
		}
		for _, l := range links {
			if l.From == p.ID && earlierSet[l.To] {
				c.Links = append(c.Links, l)
			}
		}
	}
	return c, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
