package model

import "github.com/famigraph/famigraph/internal/kg"

// OrganizationGroup is the group a Body record stands for (see kg.Group).
type OrganizationGroup struct {
	Body *kg.Body
}

// NodeID returns the id of the record that is the group, so that the
// group's members load by it.
func (g *OrganizationGroup) NodeID() string { return g.Body.ID }
