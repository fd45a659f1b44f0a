package model

import "github.com/famigraph/famigraph/internal/kg"

// OrganizationGroup is the group a Body record stands for (see kg.Group).
type OrganizationGroup struct {
	Body *kg.Body
}

// NodeID returns the id of the record that is the group, so that the
// group's members load by it.
func (g *OrganizationGroup) NodeID() string { return g.Body.ID }

// DeclaredSize is the size the sources declare, or nil.
func (g *OrganizationGroup) DeclaredSize() *int { return g.Body.Group.DeclaredSize }

// UnidentifiedMembers is the number of members not identified, or nil when
// no size is declared (see kg.Group.Unidentified).
func (g *OrganizationGroup) UnidentifiedMembers() *int {
	if n := g.Body.Group.Unidentified(); n >= 0 {
		return &n
	}
	return nil
}

// Complete reports whether every member is identified.
func (g *OrganizationGroup) Complete() bool { return g.Body.Group.Complete() }
