package kg_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/famigraph/famigraph/internal/kg"
	"github.com/famigraph/famigraph/internal/kgtest"
)

func TestDatasetVersion(t *testing.T) {
	ds := kgtest.Fixture(t)
	v := ds.Version()
	if !regexp.MustCompile(`^sha256:[0-9a-f]{12}$`).MatchString(v) {
		t.Fatalf("Version() = %q, want sha256: and 12 hex digits", v)
	}
	if again := kgtest.Fixture(t).Version(); again != v {
		t.Errorf("two loads of the same data: %s and %s", v, again)
	}

	// The order of records and relationships does not matter.
	shuffled := &kg.Dataset{Nodes: slices.Clone(ds.Nodes), Edges: slices.Clone(ds.Edges)}
	slices.Reverse(shuffled.Nodes)
	slices.Reverse(shuffled.Edges)
	if got := shuffled.Version(); got != v {
		t.Errorf("reversed: %s, want %s", got, v)
	}

	// Empty lists and missing ones are the same data.
	for _, n := range ds.Nodes {
		if p, ok := n.(*kg.Project); ok && p.Facts == nil {
			p.Facts = []kg.Fact{}
			break
		}
	}
	if got := ds.Version(); got != v {
		t.Errorf("an empty list for a missing one: %s, want %s", got, v)
	}

	// Any change to a value, a quote or a relationship is another version.
	changes := []func(d *kg.Dataset){
		func(d *kg.Dataset) {
			for _, n := range d.Nodes {
				if p, ok := n.(*kg.Project); ok {
					p.Title += "."
					return
				}
			}
		},
		func(d *kg.Dataset) {
			for _, n := range d.Nodes {
				if r, ok := n.(*kg.Region); ok {
					r.Sources[0].Quote += " "
					return
				}
			}
		},
		func(d *kg.Dataset) {
			for _, n := range d.Nodes {
				if p, ok := n.(*kg.Project); ok && p.BudgetEUR != nil {
					p.BudgetEUR = nil // unknown is not zero
					return
				}
			}
		},
		func(d *kg.Dataset) { d.Edges[0].Confidence = kg.Low },
		func(d *kg.Dataset) { d.Edges = d.Edges[1:] },
		func(d *kg.Dataset) { d.Nodes = d.Nodes[1:] },
	}
	seen := map[string]int{v: -1}
	for i, change := range changes {
		d := kgtest.Fixture(t)
		change(d)
		got := d.Version()
		if j, ok := seen[got]; ok {
			t.Errorf("change %d gives version %s, as %d does", i, got, j)
		}
		seen[got] = i
	}
}
