package graph

import (
	"context"

	"github.com/famigraph/famigraph/graph/model"
	"github.com/famigraph/famigraph/internal/kg"
)

// participantCounts counts the bodies that take part in a project, by role:
// each body named once, and each group by its declared size less the members
// that take part by name in the same role (so that a group and its named
// members are not counted twice). A group whose size no source declares
// makes the count a lower bound.
func participantCounts(ctx context.Context, projectID string) ([]*model.RoleCount, error) {
	parts, err := edgesOf(ctx, kg.ProjectParticipants, projectID)
	if err != nil {
		return nil, err
	}
	named := map[string]kg.Role{}
	for _, e := range parts {
		named[e.From] = e.Role
	}
	var out []*model.RoleCount
	byRole := map[kg.Role]*model.RoleCount{}
	for _, e := range parts { // lead first, as the participants are ordered
		rc := byRole[e.Role]
		if rc == nil {
			rc = &model.RoleCount{Role: e.Role, Exact: true}
			byRole[e.Role] = rc
			out = append(out, rc)
		}
		o, err := loadersFrom(ctx).fetched.node(ctx, e.From)
		if err != nil {
			return nil, err
		}
		b, _ := o.(*kg.Body)
		if b == nil || b.Group == nil {
			rc.Named++
			rc.Count++
			continue
		}
		rc.Groups++
		g := sizedGroup(b)
		if g == nil {
			rc.Exact = false
			continue
		}
		members, err := edgesOf(ctx, kg.GroupMembers, g.ID)
		if err != nil {
			return nil, err
		}
		rest := *g.Group.DeclaredSize
		for _, m := range members {
			if role, ok := named[m.From]; ok && role == e.Role {
				rest-- // counted by name
			}
		}
		rc.Count += max(rest, 0)
	}
	return out, nil
}

// sizedGroup returns n when it is a group whose size a source declares: the
// groups whose members participantCounts reads (and the prefetcher fetches).
func sizedGroup(n kg.Node) *kg.Body {
	if b, _ := n.(*kg.Body); b != nil && b.Group != nil && b.Group.DeclaredSize != nil {
		return b
	}
	return nil
}
